/*
 * metrics_publish.c -- the daemon's side of the metrics (metrics.h): start
 * and stop the endpoint with the daemon (and on a reload that changes the
 * metrics group), and after every tick build the snapshot from the
 * daemon's state -- the core's host views, the pools' last reads, the
 * raised alerts, the counters, the sweeper's summary -- and hand it over.
 * Runs on the main thread only.
 */
#include <string.h>

#include "clock.h"
#include "daemon.h"
#include "log.h"
#include "metrics.h"

static void
snap_hosts(struct daemon *d, struct metrics_snap *s, uint64_t now)
{
	const struct host_core_view	*v;
	struct metrics_host		*h;
	size_t				 i, k, n = core_host_count(d->core);

	metrics_snap_reserve(s, n, n * CORE_MAX_POOLS_PER_HOST, d->nslots);
	memset(s->hosts_by_state, 0, sizeof(s->hosts_by_state));
	s->nhosts = s->nhb = 0;
	for (i = 0; i < n; i++) {
		v = core_host_view_at(d->core, i);
		h = &s->hosts[s->nhosts++];
		h->host_id = v->host_id;
		h->cluster_id = v->cluster_id;
		h->has_view = 1;
		h->state = v->state;
		h->power = v->power;
		h->hb_off = s->nhb;
		h->nhb = v->npools;
		if ((unsigned)v->state <= HS_LAST)
			s->hosts_by_state[v->state]++;
		for (k = 0; k < v->npools; k++) {
			s->hb[s->nhb].pool_id = v->pools[k].pool_id;
			s->hb[s->nhb].age_ms = v->pools[k].status == HB_OK ?
			    (int64_t)now - v->pools[k].last_change_ms : -1;
			s->nhb++;
		}
	}
}

static void
snap_pools_alerts(struct daemon *d, struct metrics_snap *s)
{
	struct metrics_pool	*p;
	size_t			 i;

	s->npools = 0;
	for (i = 0; i < d->nslots; i++) {
		p = &s->pools[s->npools++];
		p->pool_id = d->slots[i].pool_id;
		p->readable = d->slots[i].st.readable;
		p->n_ok = d->slots[i].st.n_ok;
		p->n_unknown = d->slots[i].st.n_unknown;
		p->n_garbage = d->slots[i].st.n_garbage;
		p->n_missing = d->slots[i].st.n_missing;
		p->elapsed_ms = d->slots[i].st.elapsed_ms;
	}
	memset(s->alerts_by_why, 0, sizeof(s->alerts_by_why));
	for (i = 0; i < d->nalerts; i++)
		if ((unsigned)d->alerts[i].why <= WHY_LAST)
			s->alerts_by_why[d->alerts[i].why]++;
}

static void
snap_shards(const struct daemon *d, struct metrics_snap *s)
{
	size_t	i;

	s->sharded = d->cfg.daemon.shard_by == SHARD_BY_CLUSTER;
	s->nshards = s->sharded ? d->shards.n : 0;
	s->instances_live = s->sharded ? d->shards.live : 0;
	s->nshards_held = 0;
	for (i = 0; s->sharded && i < d->shards.n; i++)
		if (d->shards.v[i].held &&
		    s->nshards_held < METRICS_SHARDS_MAX)
			s->shards_held[s->nshards_held++] =
			    d->shards.v[i].cluster_id;
}

void
metrics_publish(struct daemon *d)
{
	struct metrics_snap	*s = &d->msnap;
	struct sweep_summary	 sw;
	uint64_t		 now = clock_mono_ms();

	metrics_count_tick(&d->mcount, d->last_tick_us, d->phase_us,
	    d->cfg.daemon.tick_interval_ms);
	if (d->metrics == NULL)
		return;
	snap_hosts(d, s, now);
	snap_pools_alerts(d, s);
	s->published_mono_ms = now;
	s->start_wall_ms = d->start_wall_ms;
	s->tick_interval_ms = d->cfg.daemon.tick_interval_ms;
	s->is_leader = d->is_leader;
	s->db_up = d->db_up;
	s->last_tick_us = d->last_tick_us;
	memcpy(s->phase_us, d->phase_us, sizeof(s->phase_us));
	s->c = d->mcount;
	sweep_thread_summary(&d->sweep, &sw);
	s->sweep_enabled = d->cfg.sweep.enabled;
	s->sw = sw.counts;
	s->sweep_paused = sw.paused;
	s->sweep_host_errors = sw.host_errors;
	s->sweep_stale = sw.stale_backups;
	snap_shards(d, s);
	s->restarts_watching = d->restarts.n_watching;
	s->restarts_given_up = d->restarts.n_given_up;
	metrics_server_publish(d->metrics, s);
}

/* Start the endpoint when metrics.listen is set.  A failure is logged and
 * the daemon runs on without it: watching and fencing matter more. */
void
metrics_daemon_start(struct daemon *d)
{
	char	err[ERR_LEN];

	if (d->cfg.metrics.listen[0] == '\0')
		return;
	if ((d->metrics = metrics_server_start(&d->cfg.metrics, err)) == NULL)
		log_err("metrics.start_failed", "error=\"%s\" (running without "
		    "the metrics endpoint)", err);
	else
		log_info("metrics.listening", "listen=%s max_connections=%u",
		    d->cfg.metrics.listen, d->cfg.metrics.max_connections);
}

/* After a reload: restart the endpoint if its settings changed. */
void
metrics_daemon_reload(struct daemon *d, const struct metrics_config *old)
{
	if (memcmp(old, &d->cfg.metrics, sizeof(*old)) == 0)
		return;
	metrics_daemon_stop(d);
	metrics_daemon_start(d);
}

void
metrics_daemon_stop(struct daemon *d)
{
	metrics_server_stop(d->metrics);
	d->metrics = NULL;
	metrics_snap_free(&d->msnap);
}
