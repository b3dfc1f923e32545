/*
 * daemon.h -- the state of `hawatch run`, shared by daemon.c (lifecycle:
 * signals, reload, systemd), tick.c (one observe -> decide -> act round,
 * with observe.c and act.c), status.c (the status file) and
 * metrics_publish.c (the Prometheus snapshot).
 *
 * Threads: the main thread owns everything here and runs the ticks.  The
 * BMC worker pool, the heartbeat reader's local-pool workers, the sweeper
 * thread and the metrics endpoint's thread are the only other threads;
 * they are reached through their own APIs, which never block the tick on
 * I/O (the metrics thread only ever sees copies: metrics.h).
 */
#ifndef HAWATCH_DAEMON_H
#define HAWATCH_DAEMON_H

#include <stddef.h>
#include <stdint.h>

#include "bmc_pool.h"
#include "config.h"
#include "core.h"
#include "db.h"
#include "heartbeat.h"
#include "inventory.h"
#include "leader.h"
#include "metrics.h"
#include "resolver.h"
#include "restart_assurance.h"
#include "sweep_thread.h"
#include "vm_reconcile.h"

/* What the daemon remembers per host beyond the core's view. */
struct host_extra {
	uint64_t		 id;
	char			 last_action[96];
	uint64_t		 last_action_wall_ms;
	uint64_t		 fence_seq_seen;
	int			 has_bmc;
	/* the fence result the core sees: the BMC pool's, or the
	   executor's own (not_started, or running once sent); act.c */
	enum fence_result	 fence_out;
	uint64_t		 fence_seq_out;
	enum act_why		 returned_pending;	/* fence record still
						   to close (WHY_NONE: no) */
	/* BMC trust (corroborate.c, alerts.c) */
	char			 lv_uri[512];	/* libvirt endpoint, or "" */
	int			 contra_open;	/* hawatch.alerts, last read */
	uint64_t		 contra_cleared;
	int			 identity_open;
};

struct hb_pool_slot {
	uint64_t		 pool_id;
	char			 spec[CFG_STR];
	char			 open_spec[CFG_STR];	/* spec with the
							   server's address */
	struct hb_pool		*pool;
	struct hb_pool_status	 st;
};

/* A fence attempt that finished: observe_build() queues it, act_run()
 * records it in the audit (S9) and keeps it queued while that fails. */
struct fence_news {
	uint64_t		 host_id;
	struct bmc_view		 v;
	unsigned		 tries;		/* audit writes tried */
};

struct act_bmc_funcs;
struct act_db_funcs;
struct corroborate;
struct reload_job;

struct alert {
	uint64_t	host_id;
	uint64_t	cluster_id;
	uint32_t	pool_id;
	enum act_why	why;
	uint64_t	since_wall_ms;
};

struct daemon {
	struct config		 cfg;
	const char		*config_path;
	char			 instance[256];
	char			 actor[300];

	struct db		 db;
	int			 db_up;
	char			 db_err[ERR_LEN];
	uint64_t		 db_next_try_ms;
	uint64_t		 db_deadline_ms;	/* this round's DB budget
							   ends (mono ms); 0 none */
	struct leader		 leader;
	int			 is_leader;

	struct inventory	 inv;
	struct host_extra	*extra;		/* parallel to inv.hosts */

	struct hb_pool_slot	*slots;		/* parallel to inv.pools */
	struct resolver		*resolver;	/* names off the tick; NULL:
						   resolved inline (tests) */
	size_t			 nslots;
	struct hb_opts		 hb_opts;

	struct bmc_pool		*bmc;
	uint64_t		 bmc_targets_hash;
	struct corroborate	*corr;		/* libvirt probes, identity */
	int			 alerts_ok;	/* this round read hawatch.alerts */
	struct fence_news	*fence_news;	/* this round's, act_run */
	size_t			 nfence_news, cap_fence_news;

	/* the tick's clock (tick.c); NULL: clock_mono_ms() */
	uint64_t		(*mono_ms)(void);

	/* the executor's adapters (act.h); NULL: the real ones */
	const struct act_bmc_funcs *bmc_funcs;
	const struct act_db_funcs *db_funcs;

	struct core_policy	 pol;
	struct core_state	*core;
	struct actions		 acts;
	struct core_events	 evs;
	struct host_obs		*obs_hosts;
	size_t			 obs_cap;
	struct pool_obs		*obs_pools;

	struct sweep_thread	 sweep;
	uint64_t		 main_conn_id;	/* CONNECTION_ID() of db */

	struct ra_result	 restarts;	/* the leader's last pass */

	struct alert		*alerts;
	size_t			 nalerts, cap_alerts;

	struct console_watch	*console;	/* console_watch.c; lazy */

	uint64_t		 ticks;
	uint64_t		 woken_ticks;	/* extra rounds run on BMC news */
	uint64_t		 start_ms;
	uint64_t		 last_tick_us;
	/* phases of the last tick, us: database+inventory, heartbeats+BMC
	   views, core_step, actions */
	uint64_t		 phase_us[4];
	int			 ready_sent;
	uint64_t		 start_wall_ms;

	/* metrics (metrics.h): counters kept always, the endpoint and its
	   snapshot only when metrics.listen is set */
	struct metrics_counters	 mcount;
	struct metrics_snap	 msnap;
	struct metrics_server	*metrics;

	/* SIGHUP: the new config is parsed on its own thread (daemon.c) */
	struct reload_job	*reload;
	int			 reload_again;
};

/* tick.c: one round started at start_ms; the core's time is taken after
 * the heartbeat reads */
int	tick_run(struct daemon *, uint64_t start_ms);

/* status.c */
void	status_write(struct daemon *);

/* metrics_publish.c */
void	metrics_publish(struct daemon *);
void	metrics_daemon_start(struct daemon *);
void	metrics_daemon_reload(struct daemon *, const struct metrics_config *old);
void	metrics_daemon_stop(struct daemon *);

/* console_watch.c: stop running captures, free (shutdown) */
void	console_watch_free(struct console_watch *);

#endif
