/*
 * core.c -- core_step(): one tick of the pure decision core.
 *
 * Sits between the supervisor (tick.c: observe.c gathers observations,
 * act.c executes actions) and the per-host state machine (fsm_track.c,
 * host_fsm.c) with its cluster guards (guards.c).  A tick runs in fixed
 * phases, every phase in host-id (or pool-id, cluster-id) order, so the
 * output is deterministic:
 *
 *   1. validate the inputs (core_obs_check); refuse the whole tick, with
 *      no state change, if anything is off;
 *   2. merge the inventory: hosts, pools and clusters that appeared are
 *      added, those that left are dropped (their alerts cleared);
 *   3. per host: record heartbeat changes and BMC readings (fsm_track);
 *   4. per pool: who still advances, pool stall / unreadable alerts;
 *   5. per host: the liveness verdict, S1 included (fsm_verdict);
 *   6. per cluster: the storm guard (S3);
 *   7. per host: the state machine and its actions (fsm_step).
 *
 * Pure: no I/O, no clock, no globals, no allocation in core_step().
 * Allocation happens only in core_state_new/reserve/free.  Policy
 * defaults and checks: core_policy.c; action helpers: core_emit.c.
 * Does not: decide how actions are executed, retry them, or log.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "timing.h"

struct core_state *
core_state_new(void)
{
	return calloc(1, sizeof(struct core_state));
}

void
core_state_free(struct core_state *st)
{
	if (st == NULL)
		return;
	free(st->h);
	free(st->h2);
	free(st->p);
	free(st->p2);
	free(st->c);
	free(st->c2);
	free(st);
}

static int
grow(void **a, void **b, size_t n, size_t old, size_t size)
{
	void	*na, *nb;

	if ((na = calloc(n, size)) == NULL)
		return -1;
	if ((nb = calloc(n, size)) == NULL) {
		free(na);
		return -1;
	}
	if (old > 0)
		memcpy(na, *a, old * size);
	free(*a);
	free(*b);
	*a = na;
	*b = nb;
	return 0;
}

int
core_state_reserve(struct core_state *st, size_t nhosts, size_t npools)
{
	if (nhosts > st->cap_h) {
		if (grow((void **)&st->h, (void **)&st->h2, nhosts, st->nh,
		    sizeof(struct core_host)) == -1)
			return -1;
		st->cap_h = nhosts;
	}
	if (nhosts > st->cap_c) {	/* a cluster needs a host */
		if (grow((void **)&st->c, (void **)&st->c2, nhosts, st->nc,
		    sizeof(struct core_cluster)) == -1)
			return -1;
		st->cap_c = nhosts;
	}
	if (npools > st->cap_p) {
		if (grow((void **)&st->p, (void **)&st->p2, npools, st->np,
		    sizeof(struct core_pool)) == -1)
			return -1;
		st->cap_p = npools;
	}
	return 0;
}

size_t
core_out_bound(const struct core_state *st, const struct core_obs *obs)
{
	return (obs->nhosts + st->nh) * CORE_OUT_PER_HOST +
	    2 * (obs->npools + st->np) + 2 * (obs->nhosts + st->nc) + 1;
}

static int
check_host(const struct host_obs *o, char *err)
{
	size_t	i, j;

	if (o->host_id == 0) {
		set_err(err, "obs: host id 0 (reserved for 'no host')");
		return -1;
	}
	if ((unsigned)o->ignored > IGN_LAST || (unsigned)o->power > PWR_LAST ||
	    (unsigned)o->fence > FENCE_LAST ||
	    (unsigned)o->probe > PROBE_LAST ||
	    (unsigned)o->identity > BMC_ID_LAST) {
		set_err(err, "obs: host %llu: enum value out of range",
		    (unsigned long long)o->host_id);
		return -1;
	}
	if (o->nhb > CORE_MAX_POOLS_PER_HOST) {
		set_err(err, "obs: host %llu: %zu heartbeat pools, max %d",
		    (unsigned long long)o->host_id, o->nhb,
		    CORE_MAX_POOLS_PER_HOST);
		return -1;
	}
	for (i = 0; i < o->nhb; i++) {
		if ((unsigned)o->hb[i].status > HB_LAST) {
			set_err(err, "obs: host %llu pool %u: bad hb status",
			    (unsigned long long)o->host_id, o->hb[i].pool_id);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (o->hb[j].pool_id == o->hb[i].pool_id) {
				set_err(err, "obs: host %llu: pool %u listed "
				    "twice", (unsigned long long)o->host_id,
				    o->hb[i].pool_id);
				return -1;
			}
	}
	return 0;
}

int
core_obs_check(const struct core_policy *pol, const struct core_state *st,
    const struct core_obs *obs, const struct actions *acts,
    const struct core_events *evs, char *err)
{
	size_t	i, need;

	if (pol == NULL || st == NULL || obs == NULL || acts == NULL ||
	    evs == NULL) {
		set_err(err, "core_step: NULL argument");
		return -1;
	}
	if (obs->now_ms > (uint64_t)INT64_MAX / 4) {
		set_err(err, "obs: now_ms %llu too large",
		    (unsigned long long)obs->now_ms);
		return -1;
	}
	if (st->started && obs->now_ms < st->prev_ms) {
		set_err(err, "obs: now_ms %llu before previous tick %llu",
		    (unsigned long long)obs->now_ms,
		    (unsigned long long)st->prev_ms);
		return -1;
	}
	if ((obs->nhosts > 0 && obs->hosts == NULL) ||
	    (obs->npools > 0 && obs->pools == NULL)) {
		set_err(err, "obs: NULL hosts or pools array");
		return -1;
	}
	if (obs->nhosts > st->cap_h || obs->npools > st->cap_p) {
		set_err(err, "core_step: %zu hosts / %zu pools exceed reserved "
		    "%zu / %zu (call core_state_reserve)", obs->nhosts,
		    obs->npools, st->cap_h, st->cap_p);
		return -1;
	}
	for (i = 0; i < obs->nhosts; i++) {
		if (check_host(&obs->hosts[i], err) == -1)
			return -1;
		if (i > 0 && obs->hosts[i].host_id <=
		    obs->hosts[i - 1].host_id) {
			set_err(err, "obs: hosts not sorted/unique at host "
			    "%llu", (unsigned long long)obs->hosts[i].host_id);
			return -1;
		}
	}
	for (i = 1; i < obs->npools; i++)
		if (obs->pools[i].pool_id <= obs->pools[i - 1].pool_id) {
			set_err(err, "obs: pools not sorted/unique at pool %u",
			    obs->pools[i].pool_id);
			return -1;
		}
	need = core_out_bound(st, obs);
	if (acts->n > acts->cap || acts->cap - acts->n < need ||
	    (acts->cap > 0 && acts->v == NULL) ||
	    evs->n > evs->cap || evs->cap - evs->n < need ||
	    (evs->cap > 0 && evs->v == NULL)) {
		set_err(err, "core_step: output buffers need room for %zu "
		    "actions and events", need);
		return -1;
	}
	return 0;
}

static void
host_init(struct core_host *h, const struct host_obs *o, int64_t now)
{
	memset(h, 0, sizeof(*h));
	h->v.host_id = o->host_id;
	h->v.cluster_id = o->cluster_id;
	h->v.state = HS_UNKNOWN;
	h->v.since_ms = (uint64_t)now;
	h->v.power = o->power;
	/* Results and confirmations that predate us are history. */
	h->fence_seq_seen = o->fence_seq;
	h->operator_prev = o->operator_confirmed_off;
	h->no_seed = 0;
	guard_bmc_init(h, o);
}

static void
host_gone(struct core_tick *t, struct core_host *h)
{
	if (h->v.alert)
		core_emit(t, ACT_CLEAR_ALERT, h->v.host_id, h->v.alert_why,
		    h->v.cluster_id, 0);
	if (h->dup_alert)
		core_emit(t, ACT_CLEAR_ALERT, h->v.host_id, WHY_DUPLICATE_IP,
		    h->v.cluster_id, 0);
	guard_bmc_gone(t, h);
	core_emit(t, ACT_REPORT, h->v.host_id, WHY_HOST_GONE,
	    h->v.cluster_id, 0);
}

static void
merge_hosts(struct core_tick *t)
{
	struct core_state	*st = t->st;
	const struct core_obs	*obs = t->obs;
	struct core_host	*tmp;
	size_t			 i = 0, j, k = 0;

	if (st->nh == obs->nhosts) {	/* usual case: same inventory */
		for (j = 0; j < obs->nhosts; j++)
			if (st->h[j].v.host_id != obs->hosts[j].host_id)
				break;
		if (j == obs->nhosts) {
			for (j = 0; j < obs->nhosts; j++)
				st->h[j].o = &obs->hosts[j];
			return;
		}
	}
	for (j = 0; j < obs->nhosts; j++) {
		while (i < st->nh && st->h[i].v.host_id < obs->hosts[j].host_id)
			host_gone(t, &st->h[i++]);
		if (i < st->nh && st->h[i].v.host_id == obs->hosts[j].host_id)
			st->h2[k] = st->h[i++];
		else
			host_init(&st->h2[k], &obs->hosts[j], t->now);
		st->h2[k++].o = &obs->hosts[j];
	}
	while (i < st->nh)
		host_gone(t, &st->h[i++]);
	tmp = st->h;
	st->h = st->h2;
	st->h2 = tmp;
	st->nh = k;
}

static void
pool_gone(struct core_tick *t, struct core_pool *p)
{
	if (p->stall_alert)
		core_emit(t, ACT_CLEAR_ALERT, 0, WHY_POOL_STALL, 0, p->pool_id);
	if (p->unreadable_alert)
		core_emit(t, ACT_CLEAR_ALERT, 0, WHY_POOL_UNREADABLE, 0,
		    p->pool_id);
}

static void
merge_pools(struct core_tick *t)
{
	struct core_state	*st = t->st;
	const struct core_obs	*obs = t->obs;
	struct core_pool	*tmp;
	size_t			 i = 0, j, k = 0;

	for (j = 0; j < obs->npools; j++) {
		while (i < st->np && st->p[i].pool_id < obs->pools[j].pool_id)
			pool_gone(t, &st->p[i++]);
		if (i < st->np && st->p[i].pool_id == obs->pools[j].pool_id)
			st->p2[k] = st->p[i++];
		else {
			memset(&st->p2[k], 0, sizeof(st->p2[k]));
			st->p2[k].pool_id = obs->pools[j].pool_id;
		}
		st->p2[k].readable = obs->pools[j].readable != 0;
		st->p2[k].have_fresh = 0;
		k++;
	}
	while (i < st->np)
		pool_gone(t, &st->p[i++]);
	tmp = st->p;
	st->p = st->p2;
	st->p2 = tmp;
	st->np = k;
}

static size_t
cluster_find(const struct core_cluster *c, size_t n, uint64_t id)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c[mid].cluster_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
merge_clusters(struct core_tick *t)
{
	struct core_state	*st = t->st;
	struct core_cluster	*c2 = st->c2, *tmp, key;
	size_t			 n = 0, i, j;

	for (i = 0; i < st->nh; i++) {	/* distinct ids, insertion sorted */
		j = cluster_find(c2, n, st->h[i].o->cluster_id);
		if (j < n && c2[j].cluster_id == st->h[i].o->cluster_id)
			continue;
		memmove(&c2[j + 1], &c2[j], (n - j) * sizeof(*c2));
		memset(&key, 0, sizeof(key));
		key.cluster_id = st->h[i].o->cluster_id;
		c2[j] = key;
		n++;
	}
	for (i = 0; i < st->nc; i++) {	/* carry storm flags over */
		j = cluster_find(c2, n, st->c[i].cluster_id);
		if (j < n && c2[j].cluster_id == st->c[i].cluster_id)
			c2[j].storm = st->c[i].storm;
		else if (st->c[i].storm)
			core_emit(t, ACT_CLEAR_ALERT, 0, WHY_STORM_GUARD,
			    st->c[i].cluster_id, 0);
	}
	tmp = st->c;
	st->c = c2;
	st->c2 = tmp;
	st->nc = n;
	for (i = 0; i < st->nh; i++) {
		st->h[i].cluster_ix = cluster_find(st->c, n,
		    st->h[i].o->cluster_id);
		st->h[i].v.cluster_id = st->h[i].o->cluster_id;
	}
}

/* Newest HB_OK mtime per readable pool: the startup seeding reference. */
static void
fresh_mtimes(struct core_tick *t)
{
	const struct core_obs	*obs = t->obs;
	const struct hb_reading	*r;
	struct core_pool	*p;
	size_t			 i, j, ix;

	for (i = 0; i < obs->nhosts; i++)
		for (j = 0; j < obs->hosts[i].nhb; j++) {
			r = &obs->hosts[i].hb[j];
			if (r->status != HB_OK ||
			    (ix = core_pool_find(t->st, r->pool_id)) == (size_t)-1)
				continue;
			p = &t->st->p[ix];
			if (!p->readable)
				continue;
			if (!p->have_fresh || r->mtime_ms > p->fresh_mtime_ms) {
				p->have_fresh = 1;
				p->fresh_mtime_ms = r->mtime_ms;
			}
		}
}

int
core_step(const struct core_policy *pol, struct core_state *st,
    const struct core_obs *obs, struct actions *acts,
    struct core_events *evs)
{
	struct core_tick	 t;
	char			 err[ERR_LEN];
	size_t			 i;

	if (core_obs_check(pol, st, obs, acts, evs, err) == -1)
		return -1;
	if (!st->started) {
		st->started = 1;
		st->first_ms = obs->now_ms;
	}
	st->prev_ms = obs->now_ms;

	t.pol = pol;
	t.st = st;
	t.obs = obs;
	t.now = (int64_t)obs->now_ms;
	t.acts = acts;
	t.evs = evs;

	merge_hosts(&t);
	merge_pools(&t);
	merge_clusters(&t);
	fresh_mtimes(&t);
	for (i = 0; i < st->nh; i++)
		fsm_track(&t, &st->h[i]);
	guard_pools(&t);
	for (i = 0; i < st->nh; i++)
		fsm_verdict(&t, &st->h[i]);
	guard_clusters(&t);
	for (i = 0; i < st->nh; i++)
		fsm_step(&t, &st->h[i]);
	for (i = 0; i < st->nh; i++)
		st->h[i].o = NULL;	/* obs belongs to the caller */
	return 0;
}

const struct host_core_view *
core_host_view(const struct core_state *st, uint64_t host_id)
{
	size_t	lo = 0, hi = st->nh, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (st->h[mid].v.host_id < host_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < st->nh && st->h[lo].v.host_id == host_id)
		return &st->h[lo].v;
	return NULL;
}

size_t
core_host_count(const struct core_state *st)
{
	return st->nh;
}

const struct host_core_view *
core_host_view_at(const struct core_state *st, size_t i)
{
	return i < st->nh ? &st->h[i].v : NULL;
}

int
core_cluster_storm(const struct core_state *st, uint64_t cluster_id)
{
	size_t	j = cluster_find(st->c, st->nc, cluster_id);

	return j < st->nc && st->c[j].cluster_id == cluster_id &&
	    st->c[j].storm;
}

int
core_pool_stalled(const struct core_state *st, uint32_t pool_id)
{
	size_t	ix = core_pool_find(st, pool_id);

	return ix != (size_t)-1 && st->p[ix].stall_alert;
}
