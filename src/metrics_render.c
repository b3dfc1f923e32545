/*
 * metrics_render.c -- one snapshot (metrics.h) as Prometheus' text
 * exposition format 0.0.4: "# HELP" and "# TYPE" once per family, then
 * its samples.  Label values here are numbers and hawatch's own lowercase
 * tokens (states, results, kinds), so they need no escaping.  Per host,
 * only the current state and power reading are emitted (value 1): the
 * per-state totals are hawatch_hosts{state}.
 */
#include <stdio.h>

#include "metrics.h"
#include "sweep_core.h"

static void
family(struct sbuf *o, const char *name, const char *type, const char *help)
{
	sbuf_add(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
one(struct sbuf *o, const char *name, const char *type, const char *help,
    double v)
{
	family(o, name, type, help);
	sbuf_add(o, "%s %.9g\n", name, v);
}

/* Shard ownership (daemon.shard_by = "cluster"): one series per held shard. */
static void
render_shards(const struct metrics_snap *s, struct sbuf *o)
{
	size_t	i;

	one(o, "hawatch_shards_held", "gauge", "Shards (CloudStack clusters) "
	    "this instance holds the lock of; 0 when not sharded.",
	    (double)s->nshards_held);
	if (!s->sharded)
		return;
	one(o, "hawatch_shards", "gauge", "Shards (clusters) in the zone.",
	    (double)s->nshards);
	one(o, "hawatch_instances_live", "gauge", "hawatch instances alive in "
	    "hawatch's instance table, last look.", (double)s->instances_live);
	sbuf_add(o, "# HELP hawatch_shard_owned 1 for each shard (cluster) "
	    "this instance owns.\n# TYPE hawatch_shard_owned gauge\n");
	for (i = 0; i < s->nshards_held; i++)
		sbuf_add(o, "hawatch_shard_owned{cluster_id=\"%llu\"} 1\n",
		    (unsigned long long)s->shards_held[i]);
}

static void
render_daemon(const struct metrics_snap *s, uint64_t now, struct sbuf *o)
{
	size_t	i;

	one(o, "hawatch_start_time_seconds", "gauge", "Start time of the "
	    "daemon since the Unix epoch.", (double)s->start_wall_ms / 1000);
	one(o, "hawatch_leader", "gauge", "1 when this instance holds the "
	    "leadership lock (fences and reconciles).", s->is_leader);
	render_shards(s, o);
	one(o, "hawatch_database_up", "gauge", "1 when the CloudStack "
	    "database answered this tick.", s->db_up);
	one(o, "hawatch_tick_interval_seconds", "gauge", "Configured "
	    "daemon.tick_interval.", (double)s->tick_interval_ms / 1000);
	one(o, "hawatch_last_tick_age_seconds", "gauge", "Time since the "
	    "last completed tick published these metrics.",
	    (double)(now - s->published_mono_ms) / 1000);
	one(o, "hawatch_ticks_total", "counter", "Ticks completed.",
	    (double)s->c.ticks);
	one(o, "hawatch_tick_overruns_total", "counter", "Ticks that took "
	    "longer than tick_interval.", (double)s->c.tick_overruns);
	family(o, "hawatch_tick_phase_seconds", "gauge", "Time the last "
	    "tick spent in each phase.");
	for (i = 0; i < METRICS_PHASES; i++)
		sbuf_add(o, "hawatch_tick_phase_seconds{phase=\"%s\"} %.9g\n",
		    metrics_phase_names[i], (double)s->phase_us[i] / 1e6);
	family(o, "hawatch_tick_phase_seconds_total", "counter", "Time "
	    "spent in each tick phase since start.");
	for (i = 0; i < METRICS_PHASES; i++)
		sbuf_add(o, "hawatch_tick_phase_seconds_total{phase=\"%s\"} "
		    "%.9g\n", metrics_phase_names[i],
		    s->c.phase_seconds_sum[i]);
}

static void
render_histogram(const struct metrics_snap *s, struct sbuf *o)
{
	uint64_t	cum = 0;
	size_t		i;

	family(o, "hawatch_tick_duration_seconds", "histogram", "Duration of "
	    "a whole tick: observe, decide, act.");
	for (i = 0; i < METRICS_TICK_BUCKETS; i++) {
		cum += s->c.tick_hist[i];
		sbuf_add(o, "hawatch_tick_duration_seconds_bucket{le=\"%g\"} "
		    "%llu\n", metrics_tick_buckets[i], (unsigned long long)cum);
	}
	sbuf_add(o, "hawatch_tick_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
	    "hawatch_tick_duration_seconds_sum %.9g\n"
	    "hawatch_tick_duration_seconds_count %llu\n",
	    (unsigned long long)s->c.ticks, s->c.tick_seconds_sum,
	    (unsigned long long)s->c.ticks);
}

static void
render_hosts(const struct metrics_snap *s, struct sbuf *o)
{
	const struct metrics_host	*h;
	size_t				 i;
	int				 st;

	family(o, "hawatch_hosts", "gauge", "Watched hosts by state.");
	for (st = 0; st <= HS_LAST; st++)
		sbuf_add(o, "hawatch_hosts{state=\"%s\"} %u\n",
		    host_state_name((enum host_state)st), s->hosts_by_state[st]);
	family(o, "hawatch_host_state", "gauge", "The host's state in "
	    "hawatch's state machine (1 for the current state).");
	for (i = 0; i < s->nhosts; i++) {
		h = &s->hosts[i];
		if (h->has_view)
			sbuf_add(o, "hawatch_host_state{host_id=\"%llu\","
			    "cluster_id=\"%llu\",state=\"%s\"} 1\n",
			    (unsigned long long)h->host_id,
			    (unsigned long long)h->cluster_id,
			    host_state_name(h->state));
	}
	family(o, "hawatch_host_power_state", "gauge", "The host's latest "
	    "BMC power reading (1 for the current reading).");
	for (i = 0; i < s->nhosts; i++) {
		h = &s->hosts[i];
		if (h->has_view)
			sbuf_add(o, "hawatch_host_power_state{host_id=\"%llu\","
			    "cluster_id=\"%llu\",state=\"%s\"} 1\n",
			    (unsigned long long)h->host_id,
			    (unsigned long long)h->cluster_id,
			    pwr_obs_name(h->power));
	}
}

static void
render_heartbeats(const struct metrics_snap *s, struct sbuf *o)
{
	const struct metrics_host	*h;
	const struct metrics_hb		*b;
	size_t				 i, k;

	family(o, "hawatch_host_heartbeat_age_seconds", "gauge", "Time since "
	    "the host's heartbeat file last changed, per pool (valid "
	    "readings only).");
	for (i = 0; i < s->nhosts; i++) {
		h = &s->hosts[i];
		for (k = 0; k < h->nhb; k++) {
			b = &s->hb[h->hb_off + k];
			if (b->age_ms >= 0)
				sbuf_add(o, "hawatch_host_heartbeat_age_seconds"
				    "{host_id=\"%llu\",cluster_id=\"%llu\","
				    "pool_id=\"%u\"} %.3f\n",
				    (unsigned long long)h->host_id,
				    (unsigned long long)h->cluster_id,
				    b->pool_id, (double)b->age_ms / 1000);
		}
	}
}

static void
render_pools(const struct metrics_snap *s, struct sbuf *o)
{
	const struct metrics_pool	*p;
	size_t				 i;

	family(o, "hawatch_pool_up", "gauge", "1 when this tick's heartbeat "
	    "read on the pool succeeded.");
	for (i = 0; i < s->npools; i++)
		sbuf_add(o, "hawatch_pool_up{pool_id=\"%llu\"} %d\n",
		    (unsigned long long)s->pools[i].pool_id,
		    s->pools[i].readable ? 1 : 0);
	family(o, "hawatch_pool_heartbeat_files", "gauge", "Heartbeat files "
	    "read on the pool this tick, by reading.");
	for (i = 0; i < s->npools; i++) {
		p = &s->pools[i];
		sbuf_add(o, "hawatch_pool_heartbeat_files{pool_id=\"%llu\","
		    "state=\"ok\"} %u\n", (unsigned long long)p->pool_id,
		    p->n_ok);
		sbuf_add(o, "hawatch_pool_heartbeat_files{pool_id=\"%llu\","
		    "state=\"unknown\"} %u\n", (unsigned long long)p->pool_id,
		    p->n_unknown);
		sbuf_add(o, "hawatch_pool_heartbeat_files{pool_id=\"%llu\","
		    "state=\"garbage\"} %u\n", (unsigned long long)p->pool_id,
		    p->n_garbage);
		sbuf_add(o, "hawatch_pool_heartbeat_files{pool_id=\"%llu\","
		    "state=\"missing\"} %u\n", (unsigned long long)p->pool_id,
		    p->n_missing);
	}
	family(o, "hawatch_pool_read_duration_seconds", "gauge", "Time this "
	    "tick's heartbeat read on the pool took.");
	for (i = 0; i < s->npools; i++)
		sbuf_add(o, "hawatch_pool_read_duration_seconds{pool_id=\"%llu\"}"
		    " %.3f\n", (unsigned long long)s->pools[i].pool_id,
		    (double)s->pools[i].elapsed_ms / 1000);
}

static const char *const rec_result_names[MREC_LAST + 1] = {
	"reconciled", "nothing", "refused", "error",
};

static void
render_actions(const struct metrics_snap *s, struct sbuf *o)
{
	int	i;

	one(o, "hawatch_fence_requests_total", "counter", "Fences requested "
	    "from the BMC workers.", (double)s->c.fence_requests);
	family(o, "hawatch_fences_total", "counter", "Fence attempts "
	    "finished, by result.");
	for (i = FENCE_OFF_CONFIRMED; i <= FENCE_LAST; i++)
		sbuf_add(o, "hawatch_fences_total{result=\"%s\"} %llu\n",
		    fence_result_name((enum fence_result)i),
		    (unsigned long long)s->c.fences[i]);
	family(o, "hawatch_reconciles_total", "counter", "Reconcile "
	    "transactions of fenced hosts, by result.");
	for (i = 0; i <= MREC_LAST; i++)
		sbuf_add(o, "hawatch_reconciles_total{result=\"%s\"} %llu\n",
		    rec_result_names[i], (unsigned long long)s->c.reconciles[i]);
	one(o, "hawatch_vms_reconciled_total", "counter", "VMs marked Stopped "
	    "on fenced hosts.", (double)s->c.vms_reconciled);
	one(o, "hawatch_vms_requeued_total", "counter", "HA-enabled VMs "
	    "queued for restart by CloudStack's HA workers.",
	    (double)s->c.vms_requeued);
	one(o, "hawatch_vms_deferred_total", "counter", "VMs left to "
	    "CloudStack's own HA work for now.", (double)s->c.vms_deferred);
	one(o, "hawatch_vms_skipped_total", "counter", "VMs skipped because "
	    "a management server changed them meanwhile.",
	    (double)s->c.vms_skipped);
	one(o, "hawatch_vms_given_up_total", "counter", "Re-queued VMs given "
	    "up on (never ran again): an operator must act.",
	    (double)s->c.vms_given_up);
}

static void
render_restarts(const struct metrics_snap *s, struct sbuf *o)
{
	int	v;

	family(o, "hawatch_restart_verdicts_total", "counter", "Restart "
	    "assurance verdicts acted on (heal, requeue, give up, resolve), "
	    "by verdict.");
	for (v = 0; v < METRICS_RESTART_VERDICTS; v++)
		if (restart_verdict_writes((enum restart_verdict)v) ||
		    restart_verdict_final((enum restart_verdict)v))
			sbuf_add(o, "hawatch_restart_verdicts_total{verdict="
			    "\"%s\"} %llu\n",
			    restart_verdict_name((enum restart_verdict)v),
			    (unsigned long long)s->c.restart_verdicts[v]);
	one(o, "hawatch_restarts_watching", "gauge", "Re-queued VMs the "
	    "leader watches until they run again.", s->restarts_watching);
	one(o, "hawatch_restarts_given_up", "gauge", "Re-queued VMs given "
	    "up on and still listed (alert open).", s->restarts_given_up);
}

static void
render_sweeper(const struct metrics_snap *s, struct sbuf *o)
{
	int	i;

	one(o, "hawatch_sweeper_enabled", "gauge", "1 when the paused-VM "
	    "sweeper runs.", s->sweep_enabled);
	one(o, "hawatch_sweeper_runs_total", "counter", "Sweeper runs.",
	    (double)s->sw.runs);
	family(o, "hawatch_sweeper_actions_total", "counter", "Sweeper "
	    "actions executed, by kind.");
	for (i = SWA_ABORT_JOB; i <= SWA_GIVE_UP; i++)
		sbuf_add(o, "hawatch_sweeper_actions_total{kind=\"%s\"} %llu\n",
		    sweep_act_name((enum sweep_act)i),
		    (unsigned long long)s->sw.actions[i]);
	family(o, "hawatch_sweeper_results_total", "counter", "Outcomes of "
	    "executed sweeper actions, by result.");
	for (i = 0; i < METRICS_SWEEP_RESULTS; i++)
		sbuf_add(o, "hawatch_sweeper_results_total{result=\"%s\"} %llu\n",
		    sweep_result_name((enum sweep_result)i),
		    (unsigned long long)s->sw.results[i]);
	one(o, "hawatch_sweeper_backups_reaped_total", "counter", "Stale "
	    "backup rows marked Error.", (double)s->sw.backups_reaped);
	one(o, "hawatch_sweeper_paused_domains", "gauge", "Paused domains "
	    "seen by the last sweeper run.", s->sweep_paused);
	one(o, "hawatch_sweeper_unreachable_hosts", "gauge", "Live hosts "
	    "whose libvirt the last sweeper run could not read.",
	    s->sweep_host_errors);
	one(o, "hawatch_sweeper_stale_backups", "gauge", "Backups past "
	    "sweep.backup_timeout at the last sweeper run.", s->sweep_stale);
}

/* alert kinds always shown (0 when none), so rules and graphs see them */
static int
always_shown(int why)
{
	return why == WHY_STORM_GUARD || why == WHY_POOL_STALL ||
	    why == WHY_POOL_UNREADABLE || why == WHY_BMC_CONTRADICTION ||
	    why == WHY_BMC_IDENTITY_MISMATCH;
}

static void
render_alerts(const struct metrics_snap *s, struct sbuf *o)
{
	int	w;

	family(o, "hawatch_alerts_open", "gauge", "Alerts raised and not "
	    "cleared, by kind.");
	for (w = 1; w <= WHY_LAST; w++)
		if (s->alerts_by_why[w] > 0 || always_shown(w))
			sbuf_add(o, "hawatch_alerts_open{kind=\"%s\"} %u\n",
			    act_why_name((enum act_why)w), s->alerts_by_why[w]);
}

void
metrics_render(const struct metrics_snap *s, uint64_t now, struct sbuf *o)
{
	render_daemon(s, now, o);
	render_histogram(s, o);
	render_hosts(s, o);
	render_heartbeats(s, o);
	render_pools(s, o);
	render_actions(s, o);
	render_restarts(s, o);
	render_sweeper(s, o);
	render_alerts(s, o);
}
