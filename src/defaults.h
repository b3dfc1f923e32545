/*
 * defaults.h -- default values for the adapters' knobs (database, BMC
 * sessions, libvirt, sweeper) with the reason for each.  The decision
 * core's liveness and fencing knobs, and the failure timeline they add up
 * to, live in timing.h.
 */
#ifndef HAWATCH_DEFAULTS_H
#define HAWATCH_DEFAULTS_H

#include "ipmi.h"
#include "reconcile_rules.h"
#include "sweep_core.h"
#include "timing.h"
#include "virt.h"

/* --- the daemon loop ----------------------------------------------------- */
/*
 * One round of heartbeat reads over every pool must end well within a
 * tick; 2 s leaves the tick loop responsive with one hung NFS server.
 */
#define HB_READ_DEADLINE_MS_DEFAULT	2000
/* A standby asks for leadership this often: bounds the failover time. */
#define LEADER_RETRY_MS_DEFAULT		1000
/* libvirt probe of a host whose BMC reads off (src/corroborate.c): a LAN
 * round trip plus a TLS handshake take well under a second; a host that is
 * off never answers, so this bounds the fast path's extra latency */
#define CORROBORATE_TIMEOUT_MS_DEFAULT	1000
/* re-compare a host's BMC System GUID with its SMBIOS UUID this often */
#define IDENTITY_RECHECK_MS		600000

/* --- database ----------------------------------------------------------- */
/* A TCP connect to a live MariaDB takes < 1 ms; 3 s only covers a busy one. */
#define DB_CONNECT_TIMEOUT_S_DEFAULT	3
/* One statement must never hold the tick longer than a few ticks. */
#define DB_READ_TIMEOUT_S_DEFAULT	5
#define DB_WRITE_TIMEOUT_S_DEFAULT	5
/*
 * Row-lock wait inside a reconcile transaction.  CloudStack holds VM row
 * locks only for the length of one state update (milliseconds); waiting
 * longer than this means something is stuck and we retry next tick.
 */
#define DB_LOCK_WAIT_S_DEFAULT		5
/* CloudStack's cluster.heartbeat.threshold: an mshost row older is dead. */
#define MS_DEAD_AFTER_MS_DEFAULT	150000
/*
 * How long the reconcile leaves a VM to CloudStack's own HA row while a
 * live management server works it (claimed, not Done), counted from the
 * row's `created` by the database clock.  A restart() is a stop plus a
 * start: seconds normally, a few minutes with slow storage; 5 min bounds
 * how long a VM can stay recorded Running on a fenced host because of it.
 * Defined in reconcile_rules.h, where the rule uses it.
 */
#define RECONCILE_CLOUDSTACK_GRACE_MS_DEFAULT	REC_CLOUDSTACK_GRACE_MS_DEFAULT

/* --- restart assurance (reconcile/restart_assurance.c) ------------------ */
/*
 * Each dropped restart is re-queued at most this often: three chances on
 * top of the original row, below CloudStack's own vm.ha.migration.max.retries
 * (5), then a human is told.  A drop that repeats three times is not a race.
 */
#define REQUEUE_MAX_DEFAULT		3
/*
 * Spacing between re-queues: one CloudStack HA worker sleep
 * (time.to.sleep, 60 s), so a management server that is starting has
 * taken the row once before the next is written.
 */
#define REQUEUE_AFTER_MS_DEFAULT	60000

/* --- BMC sessions (see reference/ipmi.md 4.3) --------------------------- */
/* reasons with their definitions in fence/ipmi.h */
#define BMC_SESSION_TIMEOUT_MS_DEFAULT	IPMI_SESSION_TIMEOUT_MS_DEFAULT
#define BMC_RETRANS_TIMEOUT_MS_DEFAULT	IPMI_RETRANS_TIMEOUT_MS_DEFAULT
/* Each worker holds one session; a hung BMC occupies one for 2 s. */
#define BMC_WORKERS_DEFAULT		8
/*
 * The most workers bmc_pool_new() starts (its BMC_POOL_MAX_WORKERS): the
 * config refuses more, so config-check fails where run would.
 */
#define BMC_WORKERS_MAX			64

/* --- libvirt and the sweeper -------------------------------------------- */
/* A remote libvirt open takes ~2 ms on a LAN; 5 s allows TLS on a slow host. */
#define VIRT_OPEN_TIMEOUT_MS_DEFAULT	5000
#define VIRT_CALL_TIMEOUT_MS_DEFAULT	10000
/* A paused VM costs its users; once a minute bounds the outage added. */
#define SWEEP_INTERVAL_MS_DEFAULT	60000
/* the sweep decision's knobs: reasons with their definitions in sweep_core.h */
#define PAUSE_GRACE_MS_DEFAULT		SWEEP_PAUSE_GRACE_MS_DEFAULT
#define JOB_STALL_AFTER_MS_DEFAULT	SWEEP_JOB_STALL_AFTER_MS_DEFAULT
#define MAX_RESUME_ATTEMPTS_DEFAULT	SWEEP_MAX_RESUME_ATTEMPTS_DEFAULT
#define RESUME_BACKOFF_MS_DEFAULT	SWEEP_RESUME_BACKOFF_MS_DEFAULT
#define RESUME_SETTLE_MS_DEFAULT	SWEEP_RESUME_SETTLE_MS_DEFAULT
/*
 * The agent kills nothing before cmds.timeout (7200 s) runs out for a
 * TakeBackupCommand; a BackingUp row older than that has no live script.
 */
#define BACKUP_TIMEOUT_MS_DEFAULT	7200000

/* --- metrics endpoint (src/metrics_http.c) ------------------------------ */
/*
 * A Prometheus server or two scrape it, plus an operator's curl: 8
 * connections at once is plenty, and bounds the memory a flood can take.
 */
#define METRICS_MAX_CONNECTIONS_DEFAULT	8
/*
 * A scrape of 10k hosts is a few MB over loopback or a LAN: well under a
 * second.  An idle or stalled client is dropped after 10 s so it cannot
 * hold a connection slot for long.
 */
#define METRICS_CONN_TIMEOUT_MS_DEFAULT	10000

#endif
