/*
 * virt.h -- libvirt adapter for the paused-domain sweeper.
 *
 * Observes what the core (src/core/sweep_core.h) needs about each host's paused
 * domains and executes its actions (abort a job, resume).  It never
 * decides: no grace, no retry, no backoff here.
 *
 * Threads and deadlines (S8): every libvirt interaction runs in a detached
 * worker thread and the caller waits for it at most until its deadline.  A
 * worker that misses the deadline is abandoned, not killed: the caller gets
 * VIRT_TIMEOUT at once, the worker frees its own result when libvirt
 * finally returns, and a connection it opened late is closed.  Until then
 * the host's struct virt_conn stays busy and further calls on it return
 * VIRT_BUSY immediately (a hung libvirtd costs each sweep nothing).
 * virConnectOpen() to a stopped daemon blocks forever (deps.md 2.3), hence
 * the thread; on an open connection, keepalive (2 s x 2) plus the default
 * event loop (one thread, started by virt_init()) turns a hung daemon into a
 * failed call within about 6 s, which frees the worker.
 *
 * Connections: one struct virt_conn per host, opened on first use and kept
 * across sweeps.  A connection found dead (virConnectIsAlive() == 0 or its
 * close callback fired) is closed and reopened at the next use.
 *
 * Opt-out marker: a libvirt metadata element in namespace VIRT_OPTOUT_NS.
 * Any element there (conventionally <optout/>) opts the domain out:
 *   virsh metadata DOM --uri https://hawatch.example.org/xmlns/optout/1 \
 *       --key hawatch --set '<optout/>' --live --config
 *
 * Domains are named by `dom`: a uuid string (36 characters, as the sweeper
 * uses) or a name.  A domain that no longer exists gives VIRT_VANISHED
 * ("domain vanished: <dom>") and nothing else is touched.
 *
 * Returns: functions returning enum virt_rc give VIRT_OK (0) on success,
 * otherwise the kind of failure with err filled; int functions 0 / -1.
 * Observation and action results carry their own rc and err.
 *
 * Files: virt.c (threads, deadlines, connections, these entry points),
 * virt_ops.c (the libvirt calls a worker makes; called by virt.c only),
 * virt_convert.c (URI template, glue to src/core/sweep_core.h), names.c
 * (the names, shared with the rest of reconcile/), virt_impl.h (private).
 * Doc: docs/sweeper.md.
 */
#ifndef HAWATCH_VIRT_H
#define HAWATCH_VIRT_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"
#include "virt_types.h"

struct virt_conn;
struct sweep_dom;

int		 virt_init(char *err);
void		 virt_shutdown(void);
int		 virt_uri_expand(const char *tmpl, const char *ip, char *out,
		    size_t len, char *err);

struct virt_conn *virt_conn_new(uint32_t host_id, const char *uri);
void		 virt_conn_free(struct virt_conn *);
const char	*virt_conn_uri(const struct virt_conn *);
enum virt_rc	 virt_open(struct virt_conn *, uint64_t timeout_ms, char *err);
/* the host's SMBIOS UUID (VIRT_UUID_LEN bytes): sysinfo, else the
 * capabilities' host uuid; VIRT_UNSUPPORTED when neither has one */
enum virt_rc	 virt_host_uuid(struct virt_conn *, uint64_t timeout_ms,
		    char *uuid_out, char *err);

void		 virt_observe_hosts(struct virt_conn *const *conns, size_t n,
		    uint64_t timeout_ms, struct virt_host_obs *out);
void		 virt_host_obs_clear(struct virt_host_obs *);

void		 virt_abort_job(struct virt_conn *, const char *dom,
		    uint64_t timeout_ms, struct virt_act *out);
void		 virt_resume(struct virt_conn *, const char *dom,
		    uint64_t settle_ms, uint64_t timeout_ms,
		    struct virt_act *out);

/* virt_convert.c.  Glue to the core: fill the libvirt fields of a struct sweep_dom (the
 * CloudStack fields are left alone), and map action outcomes. */
void		 virt_obs_to_sweep(const struct dom_obs *, struct sweep_dom *);
int		 virt_resume_result(enum virt_rc);	/* enum sweep_result */
int		 virt_abort_result(enum virt_rc);	/* enum sweep_result */

/* names.c */
const char	*virt_rc_name(enum virt_rc);
const char	*virt_job_name(enum virt_job);
const char	*virt_marker_name(enum virt_marker);
const char	*virt_state_name(int state);
const char	*virt_reason_name(int state, int reason);
const char	*virt_jobtype_name(int type);
const char	*virt_jobop_name(int op);
const char	*virt_disk_error_name(int code);
const char	*virt_backup_mode_name(enum virt_backup_mode);

/* virt_progress.c: the job counters in text ("backup disk_processed=N")
 * and in evidence JSON ("progress":{...}) */
struct sbuf;
void		 virt_job_fmt(const struct dom_obs *, char *buf, size_t len);
void		 virt_progress_json(struct sbuf *, const struct dom_obs *);
void		 virt_progress_family(const struct dom_obs *, uint64_t *processed,
		    uint64_t *remaining, uint64_t *total);

#endif
