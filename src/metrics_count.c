/*
 * metrics_count.c -- the tallies behind hawatch's counters (metrics.h),
 * one call at each source (act.c, sweep_thread.c, metrics_publish.c),
 * and the snapshot's storage.  Pure bookkeeping: no I/O, no locks (the
 * caller owns the counters or holds their mutex).
 */
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "restart_assurance.h"
#include "sweep.h"
#include "util.h"

/*
 * Tick duration buckets, seconds.  A tick is a few ms on a small zone and
 * must stay well below tick_interval (default 1 s); heartbeat reads are
 * bounded by heartbeat_read_deadline (2 s) and SQL by the read timeouts
 * (5 s), so 10 s and above only see a tick stuck past its deadlines.
 */
const double metrics_tick_buckets[METRICS_TICK_BUCKETS] = {
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
};

const char *const metrics_phase_names[METRICS_PHASES] = {
	"database", "observe", "decide", "act",
};

void
metrics_count_fence_request(struct metrics_counters *c)
{
	c->fence_requests++;
}

void
metrics_count_fence(struct metrics_counters *c, enum fence_result r)
{
	if ((unsigned)r <= FENCE_LAST)
		c->fences[r]++;
}

void
metrics_count_reconcile(struct metrics_counters *c, const struct rec_result *r)
{
	if (r == NULL)
		c->reconciles[MREC_ERROR]++;
	else if (r->refused)
		c->reconciles[MREC_REFUSED]++;
	else if (r->n_changed > 0)
		c->reconciles[MREC_RECONCILED]++;
	else
		c->reconciles[MREC_NOTHING]++;
	if (r == NULL || r->refused)
		return;
	c->vms_reconciled += r->n_changed;
	c->vms_requeued += r->n_requeued;
	c->vms_deferred += r->n_deferred;
	c->vms_skipped += r->n_skipped;
}

void
metrics_count_vms_given_up(struct metrics_counters *c, unsigned n)
{
	c->vms_given_up += n;
}

void
metrics_count_restarts(struct metrics_counters *c, const struct ra_result *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++) {
		if (!r->v[i].written ||
		    (unsigned)r->v[i].verdict >= METRICS_RESTART_VERDICTS)
			continue;
		c->restart_verdicts[r->v[i].verdict]++;
		if (restart_verdict_alerts(r->v[i].verdict))
			metrics_count_vms_given_up(c, 1);
	}
}

void
metrics_count_tick(struct metrics_counters *c, uint64_t tick_us,
    const uint64_t phase_us[METRICS_PHASES], uint64_t interval_ms)
{
	double	s = (double)tick_us / 1e6;
	size_t	i;

	c->ticks++;
	if (tick_us > interval_ms * 1000)
		c->tick_overruns++;
	c->tick_seconds_sum += s;
	for (i = 0; i < METRICS_TICK_BUCKETS; i++)
		if (s <= metrics_tick_buckets[i]) {
			c->tick_hist[i]++;
			break;
		}
	for (i = 0; i < METRICS_PHASES; i++)
		c->phase_seconds_sum[i] += (double)phase_us[i] / 1e6;
}

void
metrics_count_sweep(struct metrics_sweep_counters *c,
    const struct sweep_run_report *r)
{
	const struct sweep_dom_report	*d;
	size_t				 i;

	c->runs++;
	for (i = 0; i < r->ndoms; i++) {
		d = &r->doms[i];
		if (d->exec != SWX_DONE)
			continue;
		if ((unsigned)d->act.kind < METRICS_SWEEP_KINDS)
			c->actions[d->act.kind]++;
		if (d->result >= 0 && d->result < METRICS_SWEEP_RESULTS)
			c->results[d->result]++;
	}
	if (r->acting)
		c->backups_reaped += r->n_reaped;
}

static void *
grow(void *v, size_t *cap, size_t need, size_t elem)
{
	if (*cap >= need)
		return v;
	if ((v = realloc(v, need * elem)) == NULL)
		abort();
	*cap = need;
	return v;
}

void
metrics_snap_reserve(struct metrics_snap *s, size_t nhosts, size_t nhb,
    size_t npools)
{
	s->hosts = grow(s->hosts, &s->cap_hosts, nhosts, sizeof(*s->hosts));
	s->hb = grow(s->hb, &s->cap_hb, nhb, sizeof(*s->hb));
	s->pools = grow(s->pools, &s->cap_pools, npools, sizeof(*s->pools));
}

/* dst keeps its own arrays (grown as needed) */
void
metrics_snap_copy(struct metrics_snap *dst, const struct metrics_snap *src)
{
	struct metrics_snap	keep = *dst;

	metrics_snap_reserve(&keep, src->nhosts, src->nhb, src->npools);
	*dst = *src;
	dst->hosts = keep.hosts;
	dst->cap_hosts = keep.cap_hosts;
	dst->hb = keep.hb;
	dst->cap_hb = keep.cap_hb;
	dst->pools = keep.pools;
	dst->cap_pools = keep.cap_pools;
	if (src->nhosts > 0)
		memcpy(dst->hosts, src->hosts, src->nhosts * sizeof(*src->hosts));
	if (src->nhb > 0)
		memcpy(dst->hb, src->hb, src->nhb * sizeof(*src->hb));
	if (src->npools > 0)
		memcpy(dst->pools, src->pools, src->npools * sizeof(*src->pools));
}

void
metrics_snap_free(struct metrics_snap *s)
{
	free(s->hosts);
	free(s->hb);
	free(s->pools);
	memset(s, 0, sizeof(*s));
}
