/*
 * guards.c -- cluster and pool guards of the decision core (pure).
 *
 * Called by core_step() between the per-host phases:
 *   guard_pools()     after heartbeat tracking: per pool, how many
 *                     watched hosts read it, how many still advance,
 *                     and the pool alerts (WHY_POOL_STALL,
 *                     WHY_POOL_UNREADABLE);
 *   guard_clusters()  after the verdicts: the S3 storm guard per
 *                     cluster, with its alert raised once and cleared
 *                     once;
 * and by host_fsm.c for one host:
 *   guard_fence_hold()        why a DEAD host may not be fenced now;
 *   guard_self_fence_ready()  the opt-in self-fence rule.
 *
 * Rules (docs/states.md has the prose):
 *   advancing  a watched host whose reading on the pool is HB_OK and
 *              which hawatch SAW change within suspect_after (a change
 *              estimated at startup does not count);
 *   pool stall readable pool, >= 2 watched hosts with usable readings,
 *              none advancing, the freshest of them unchanged for
 *              dead_after;
 *   storm      guard on, and either stale >= STORM_MIN_STALE and
 *              stale * 1000 > storm_fraction * eligible, or a pool with
 *              >= 2 watched hosts where all are stale (unchanged for
 *              suspect_after) carries a host of the cluster.  Eligible:
 *              watched hosts, except a duplicate-IP host and a host in
 *              HS_FENCED longer ago than rearm_after; stale: eligible
 *              hosts whose verdict is suspect or dead, or that were
 *              fenced within rearm_after -- so hosts dying minutes apart
 *              add up (a cascade trips it too);
 *   budget     with cluster_fence_max > 0, once that many hosts of a
 *              cluster entered FENCING or FENCED within rearm_after, no
 *              other host of it gets ACT_FENCE (hold and host alert
 *              cluster_fence_budget).
 * Does not: touch host states (host_fsm.c does), or know about time
 * other than t->now.
 */
#include "core.h"
#include "timing.h"

int
guard_in_startup(const struct core_tick *t)
{
	return (uint64_t)t->now - t->st->first_ms < t->pol->startup_grace_ms;
}

int
guard_storm_rule(const struct core_policy *pol, uint32_t eligible,
    uint32_t stale)
{
	return stale >= STORM_MIN_STALE &&
	    (uint64_t)stale * 1000 > (uint64_t)pol->storm_fraction * eligible;
}

static void
pool_count(struct core_tick *t)
{
	struct core_state	*st = t->st;
	const struct core_track	*tr;
	struct core_pool	*p;
	int64_t			 age;
	size_t			 i, j;

	for (i = 0; i < st->np; i++) {
		p = &st->p[i];
		p->nhosts = p->nadvancing = 0;
		p->have_young = 0;
		p->youngest_ms = 0;
	}
	for (i = 0; i < st->nh; i++) {
		if (st->h[i].o->ignored != IGN_NONE)
			continue;
		for (j = 0; j < st->h[i].ntr; j++) {
			tr = &st->h[i].tr[j];
			if (!tr->usable || tr->ev == EV_NONE ||
			    tr->pool_ix == (size_t)-1)
				continue;
			p = &st->p[tr->pool_ix];
			age = t->now - tr->last_change_ms;
			p->nhosts++;
			if (tr->ev == EV_OBSERVED &&
			    age < (int64_t)t->pol->suspect_after_ms)
				p->nadvancing++;
			if (!p->have_young || age < p->youngest_ms) {
				p->have_young = 1;
				p->youngest_ms = age;
			}
		}
	}
}

void
guard_pools(struct core_tick *t)
{
	const struct core_policy *pol = t->pol;
	struct core_pool	*p;
	size_t			 i;
	int			 stalled;

	pool_count(t);
	for (i = 0; i < t->st->np; i++) {
		p = &t->st->p[i];
		p->storm = p->nhosts >= 2 && p->nadvancing == 0 &&
		    p->youngest_ms >= (int64_t)pol->suspect_after_ms;
		stalled = p->readable && p->nhosts >= 2 &&
		    p->nadvancing == 0 &&
		    p->youngest_ms >= (int64_t)pol->dead_after_ms;
		if (stalled && !p->stall_alert) {
			p->stall_alert = 1;
			core_emit(t, ACT_ALERT, 0, WHY_POOL_STALL, 0,
			    p->pool_id);
		} else if (!stalled && p->readable && p->stall_alert) {
			p->stall_alert = 0;
			core_emit(t, ACT_CLEAR_ALERT, 0, WHY_POOL_STALL, 0,
			    p->pool_id);
		}
		if (!p->readable) {
			if (!p->unreadable) {
				p->unreadable = 1;
				p->unreadable_since_ms = t->now;
			}
			if (!p->unreadable_alert && t->now -
			    p->unreadable_since_ms >=
			    (int64_t)pol->suspect_after_ms) {
				p->unreadable_alert = 1;
				core_emit(t, ACT_ALERT, 0, WHY_POOL_UNREADABLE,
				    0, p->pool_id);
			}
		} else {
			p->unreadable = 0;
			if (p->unreadable_alert) {
				p->unreadable_alert = 0;
				core_emit(t, ACT_CLEAR_ALERT, 0,
				    WHY_POOL_UNREADABLE, 0, p->pool_id);
			}
		}
	}
}

void
guard_clusters(struct core_tick *t)
{
	struct core_state	*st = t->st;
	struct core_cluster	*c;
	const struct core_host	*h;
	size_t			 i, j;
	int			 storm, recent;

	for (i = 0; i < st->nc; i++) {
		st->c[i].eligible = st->c[i].stale = 0;
		st->c[i].fenced_recent = 0;
		st->c[i].pool_storm = 0;
	}
	for (i = 0; i < st->nh; i++) {
		h = &st->h[i];
		c = &st->c[h->cluster_ix];
		recent = hold_fenced_recently(t, h);
		c->fenced_recent += recent;
		if (h->o->ignored != IGN_NONE || h->o->dup_ip)
			continue;
		if (h->v.state != HS_FENCED || recent) {
			c->eligible++;
			if (h->stale || recent)
				c->stale++;
		}
		for (j = 0; j < h->ntr; j++)
			if (h->tr[j].pool_ix != (size_t)-1 &&
			    st->p[h->tr[j].pool_ix].storm)
				c->pool_storm = 1;
	}
	for (i = 0; i < st->nc; i++) {
		c = &st->c[i];
		storm = t->pol->storm_guard_enabled && (c->pool_storm ||
		    guard_storm_rule(t->pol, c->eligible, c->stale));
		c->budget_full = t->pol->cluster_fence_max > 0 &&
		    c->fenced_recent >= t->pol->cluster_fence_max;
		if (storm && !c->storm)
			core_emit(t, ACT_ALERT, 0, WHY_STORM_GUARD,
			    c->cluster_id, 0);
		else if (!storm && c->storm)
			core_emit(t, ACT_CLEAR_ALERT, 0, WHY_STORM_GUARD,
			    c->cluster_id, 0);
		c->storm = storm;
	}
}

/*
 * Why a host whose S1 evidence holds may not get ACT_FENCE this tick,
 * first reason wins; WHY_NONE when it may.  The attempt budget is not a
 * hold: exhausting it is a transition (HS_UNFENCEABLE).
 */
enum act_why
guard_fence_hold(const struct core_tick *t, const struct core_host *h)
{
	if (!t->obs->is_leader)
		return WHY_NOT_LEADER;
	if (guard_in_startup(t))
		return WHY_STARTUP_GRACE;
	if (t->st->c[h->cluster_ix].storm)
		return WHY_STORM_GUARD;
	/* a host already counted (a retry) is no new fence */
	if (t->st->c[h->cluster_ix].budget_full &&
	    !hold_fenced_recently(t, h))
		return WHY_CLUSTER_FENCE_BUDGET;
	if (h->fence_ended &&
	    t->now - h->fence_ended_ms < (int64_t)t->pol->fence_quiet_ms)
		return WHY_FENCE_QUIET;
	return WHY_NONE;
}

/*
 * The opt-in self-fence: S1 holds, the BMC cannot be reached (a host
 * that reads ON is not off; AUTH_ERROR means it answers), the heartbeat
 * has been unchanged for self_fence_after, and neither the startup
 * grace nor the storm guard applies.  Leadership is not needed: it
 * only moves the state; ACT_RECONCILE still goes to the leader only.
 */
int
guard_self_fence_ready(const struct core_tick *t, const struct core_host *h)
{
	if (t->pol->self_fence_after_ms == 0 || h->verdict != V_DEAD)
		return 0;
	if (h->o->power != PWR_UNKNOWN && h->o->power != PWR_NO_BMC)
		return 0;
	if (h->age_ms < (int64_t)t->pol->self_fence_after_ms)
		return 0;
	if (guard_in_startup(t) || t->st->c[h->cluster_ix].storm)
		return 0;
	return 1;
}
