/*
 * metrics.h -- hawatch's Prometheus metrics: what the daemon counts, the
 * snapshot each tick publishes, and the endpoint serving it.
 *
 *   main thread (the tick)                   HTTP thread (libmicrohttpd)
 *   ----------------------                   ---------------------------
 *   act.c counts fences and reconciles
 *   (metrics_count.c) into struct daemon;
 *   after the tick metrics_publish()
 *   (metrics_publish.c) builds a snapshot,
 *   metrics_server_publish() copies it  -->  a scrape copies it out under
 *   under the server's mutex                 the same mutex, unlocks,
 *                                            renders it (metrics_render.c)
 *                                            and sends it
 *
 * The tick holds the mutex only for a memcpy, so a slow or stuck scraper
 * never stalls it; the server bounds its connections and their idle time.
 * The sweeper thread counts its own actions under its own mutex
 * (sweep_thread.c) and the tick reads them with the sweep summary.
 *
 * Names follow Prometheus conventions (base units, _total counters); the
 * list with types and labels is in hawatch(8), METRICS.
 */
#ifndef HAWATCH_METRICS_H
#define HAWATCH_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "core.h"
#include "rec_types.h"
#include "restart_rules.h"
#include "sbuf.h"
#include "sweep_core.h"

/* tick duration histogram: upper bounds in seconds (le), +Inf implied */
#define METRICS_TICK_BUCKETS	12
extern const double	metrics_tick_buckets[METRICS_TICK_BUCKETS];

/* the tick's phases, as struct daemon's phase_us */
#define METRICS_PHASES		4
extern const char *const metrics_phase_names[METRICS_PHASES];

enum metrics_rec_result {
	MREC_RECONCILED,	/* VMs changed */
	MREC_NOTHING,		/* nothing recorded on the host to change */
	MREC_REFUSED,		/* host not confirmed fenced: nothing written */
	MREC_ERROR,		/* the transaction failed: retried next tick */
};
#define MREC_LAST MREC_ERROR

#define METRICS_RESTART_VERDICTS	(RV_NOT_HA + 1)
#define METRICS_SWEEP_KINDS	(SWA_LEAVE + 1)
#define METRICS_SWEEP_RESULTS	(SWR_VANISHED + 1)

/* Counted on the main thread; only it reads or writes them. */
struct metrics_counters {
	uint64_t	 fence_requests;
	uint64_t	 fences[FENCE_LAST + 1];	/* finished, by result */
	uint64_t	 reconciles[MREC_LAST + 1];
	uint64_t	 vms_reconciled, vms_requeued, vms_deferred;
	uint64_t	 vms_skipped, vms_given_up;
	uint64_t	 restart_verdicts[METRICS_RESTART_VERDICTS];	/* written */
	uint64_t	 ticks, tick_overruns;
	uint64_t	 tick_hist[METRICS_TICK_BUCKETS];	/* per bucket,
						   not cumulative */
	double		 tick_seconds_sum;
	double		 phase_seconds_sum[METRICS_PHASES];
};

/* Counted on the sweeper thread, under its mutex. */
struct metrics_sweep_counters {
	uint64_t	 runs;
	uint64_t	 actions[METRICS_SWEEP_KINDS];	/* executed, by kind */
	uint64_t	 results[METRICS_SWEEP_RESULTS];
	uint64_t	 backups_reaped;	/* stale backup rows (acting) */
};

struct metrics_host {
	uint64_t	 host_id, cluster_id;
	int		 has_view;	/* the core knows the host */
	enum host_state	 state;
	enum pwr_obs	 power;
	size_t		 hb_off, nhb;	/* its heartbeats in snap->hb */
};

struct metrics_hb {
	uint32_t	 pool_id;
	int64_t		 age_ms;	/* < 0: no valid reading */
};

struct metrics_pool {
	uint64_t	 pool_id;
	int		 readable;
	unsigned	 n_ok, n_unknown, n_garbage, n_missing;
	uint64_t	 elapsed_ms;
};

/* shards listed by cluster id at the most (a region has tens of clusters) */
#define METRICS_SHARDS_MAX	256

/* One tick's view, as the scrape renders it. */
struct metrics_snap {
	uint64_t	 published_mono_ms;
	uint64_t	 start_wall_ms;
	uint64_t	 tick_interval_ms;
	int		 is_leader, db_up;
	uint64_t	 last_tick_us, phase_us[METRICS_PHASES];
	struct metrics_counters c;
	int		 sweep_enabled;
	struct metrics_sweep_counters sw;
	unsigned	 sweep_paused, sweep_host_errors, sweep_stale;
	unsigned	 restarts_watching, restarts_given_up;	/* last pass */
	/* daemon.shard_by = "cluster": the shards (clusters) this instance
	   holds, and how many there are and live instances, last look */
	int		 sharded;
	size_t		 nshards, nshards_held, instances_live;
	uint64_t	 shards_held[METRICS_SHARDS_MAX];
	uint32_t	 hosts_by_state[HS_LAST + 1];
	uint32_t	 alerts_by_why[WHY_LAST + 1];
	struct metrics_host *hosts;
	size_t		 nhosts, cap_hosts;
	struct metrics_hb *hb;
	size_t		 nhb, cap_hb;
	struct metrics_pool *pools;
	size_t		 npools, cap_pools;
};

/* metrics_count.c: the tallies (one call at each source) */
void	metrics_count_fence_request(struct metrics_counters *);
void	metrics_count_fence(struct metrics_counters *, enum fence_result);
/* r NULL: the reconcile failed */
void	metrics_count_reconcile(struct metrics_counters *,
	    const struct rec_result *r);
void	metrics_count_vms_given_up(struct metrics_counters *, unsigned n);
/* one restart assurance pass (struct ra_result): its written verdicts;
   those raising an alert count as VMs given up */
struct ra_result;
void	metrics_count_restarts(struct metrics_counters *,
	    const struct ra_result *);
void	metrics_count_tick(struct metrics_counters *, uint64_t tick_us,
	    const uint64_t phase_us[METRICS_PHASES], uint64_t interval_ms);
/* one sweeper run's executed actions (struct sweep_run_report) */
struct sweep_run_report;
void	metrics_count_sweep(struct metrics_sweep_counters *,
	    const struct sweep_run_report *);

/* the snapshot's arrays (grow only) */
void	metrics_snap_reserve(struct metrics_snap *, size_t nhosts, size_t nhb,
	    size_t npools);
void	metrics_snap_copy(struct metrics_snap *dst, const struct metrics_snap *);
void	metrics_snap_free(struct metrics_snap *);

/* metrics_render.c: the text exposition format (version 0.0.4) */
void	metrics_render(const struct metrics_snap *, uint64_t now_mono_ms,
	    struct sbuf *out);

/* metrics_keys.c: "a.b.c.d:port" or "[v6]:port" -> a socket address */
struct sockaddr_storage;
int	metrics_listen_parse(const char *, struct sockaddr_storage *,
	    unsigned *addrlen, char *err);

/* metrics_http.c: the endpoint (GET /metrics) on its own thread */
struct metrics_server;
struct metrics_server *metrics_server_start(const struct metrics_config *,
	    char *err);
void	metrics_server_publish(struct metrics_server *,
	    const struct metrics_snap *);
void	metrics_server_stop(struct metrics_server *);

#endif
