/*
 * host_fsm.c -- per-host liveness/fencing state machine (pure: no I/O,
 * no clock).
 *
 * Called by core_step() for each host in host-id order, in three phases;
 * the first two (what the observations say) are in fsm_track.c:
 *   fsm_track()    record what this tick's observations say: heartbeat
 *                  changes per pool (change-based liveness, startup
 *                  seeding), BMC readings (runs of off/on), fence results;
 *   fsm_verdict()  what the heartbeats prove: alive, suspect, dead (S1)
 *                  or unknown;
 *   fsm_step()     (here) the transition(s) and actions, one next_<state>() per
 *                  state; a host may chain up to CORE_FSM_CHAIN
 *                  transitions in one tick (suspect -> dead -> fencing).
 *
 * Invariants: S1 no fence on one signal (ACT_FENCE only from next_dead(),
 * only with verdict V_DEAD and no guard holding); S2 no reconcile before
 * confirmed off (ACT_RECONCILE only from next_fenced(), and HS_FENCED is
 * entered only on two off readings, an executor-confirmed off, an
 * operator confirmation or the self-fence rule); HS_RETURNED never fences.
 * Every transition goes through fsm_enter(), which records the event and
 * raises/clears the host alert.
 * Does not: decide cluster guards (guards.c) or execute anything.
 */
#include <string.h>

#include "core.h"
#include "timing.h"

/* ------------------------------------------------------------------ */
/* Phase 3: transitions                                                */

void
fsm_enter(struct core_tick *t, struct core_host *h, enum host_state to,
    enum act_why why)
{
	struct core_event	*e;
	enum host_state		 from = h->v.state;

	if (from == to)
		return;
	if (h->v.alert) {
		core_emit(t, ACT_CLEAR_ALERT, h->v.host_id, h->v.alert_why,
		    h->v.cluster_id, 0);
		h->v.alert = 0;
		h->v.alert_why = WHY_NONE;
	}
	if (t->evs->n < t->evs->cap) {	/* always true: bound checked */
		e = &t->evs->v[t->evs->n++];
		e->t_ms = (uint64_t)t->now;
		e->host_id = h->v.host_id;
		e->from = from;
		e->to = to;
		e->why = why;
	}
	h->v.state = to;
	h->v.since_ms = (uint64_t)t->now;
	h->v.why = why;
	h->v.hold = WHY_NONE;
	hold_on_enter(t, h, to);
	switch (to) {
	case HS_ALIVE:
		h->v.fence_attempts = 0;
		h->fence_ended = 0;
		break;
	case HS_FENCING:
		h->v.fence_attempts++;
		h->fence_started_ms = t->now;
		h->fence_new = 0;	/* results from now on are this one's */
		break;
	case HS_FENCED:
		h->off_run = h->on_run = 0;
		guard_bmc_reset(h);
		h->reconcile_sent = 0;
		break;
	case HS_UNFENCEABLE:
		h->unf_by_reading = 0;
		h->v.alert = 1;
		h->v.alert_why = why;
		core_emit(t, ACT_ALERT, h->v.host_id, why, h->v.cluster_id, 0);
		break;
	case HS_RETURNED:
		h->off_run = h->on_run = 0;
		guard_bmc_reset(h);
		h->healthy = 0;
		core_emit(t, ACT_REPORT, h->v.host_id, why, h->v.cluster_id, 0);
		break;
	case HS_IGNORED:
		/* Leaving ignore must start from nothing: no stale
		 * pre-maintenance data, no mtime estimate. */
		h->ntr = 0;
		h->have_obs_change = 0;
		h->no_seed = 1;
		h->off_run = h->on_run = 0;
		guard_bmc_reset(h);
		h->v.fence_attempts = 0;
		h->fence_ended = 0;
		h->reconcile_sent = 0;
		h->healthy = 0;
		h->bmc_auth_reported = 0;
		break;
	case HS_UNKNOWN:
	case HS_SUSPECT:
	case HS_DEAD:
		break;
	}
}

/* Every way into HS_FENCED names who confirmed the host off. */
static void
fsm_fenced(struct core_tick *t, struct core_host *h, enum act_why why,
    enum fence_source by)
{
	if (h->v.state == HS_FENCED)
		return;
	fsm_enter(t, h, HS_FENCED, why);
	h->v.fenced_by = by;
}

/*
 * Two corroborated off readings (guard_bmc.c) or an operator
 * confirmation: FENCED from anywhere.  Two off readings still waiting
 * for corroboration hold the host as suspect.
 */
static int
positive_death(struct core_tick *t, struct core_host *h)
{
	if (h->op_rise) {
		h->op_rise = 0;
		fsm_fenced(t, h, WHY_OPERATOR_CONFIRMED, FS_OPERATOR);
		return 1;
	}
	switch (guard_bmc_off(t, h)) {
	case BMC_OFF_CONFIRMED:
		fsm_fenced(t, h, WHY_POWER_OFF_CONFIRMED, FS_BMC);
		return 1;
	case BMC_OFF_WAIT:
		if (h->v.state == HS_DEAD || h->v.state == HS_FENCING ||
		    h->v.state == HS_UNFENCEABLE)
			return 0;	/* S1 already holds: its own path */
		fsm_enter(t, h, HS_SUSPECT, WHY_BMC_OFF_UNCONFIRMED);
		h->v.hold = WHY_BMC_OFF_UNCONFIRMED;
		return 1;
	case BMC_OFF_NONE:
	case BMC_OFF_DISTRUSTED:
		break;
	}
	return 0;
}

/* The executor's "off confirmed" comes from the same BMC. */
static int
fence_off_trusted(const struct core_host *h)
{
	return h->fence_new && h->o->fence == FENCE_OFF_CONFIRMED &&
	    guard_bmc_result_trusted(h);
}

static void
follow_verdict(struct core_tick *t, struct core_host *h)
{
	switch (h->verdict) {
	case V_UNKNOWN:
		fsm_enter(t, h, HS_UNKNOWN, h->vwhy);
		h->v.hold = h->vwhy;
		break;
	case V_ALIVE:
		fsm_enter(t, h, HS_ALIVE, h->vwhy);
		h->v.hold = guard_bmc_hold(h);	/* say the BMC is distrusted */
		break;
	case V_SUSPECT:
		fsm_enter(t, h, HS_SUSPECT, h->vwhy);
		if (h->vwhy != WHY_HB_STALE)
			h->v.hold = h->vwhy;
		break;
	case V_DEAD:
		fsm_enter(t, h, HS_DEAD, h->vwhy);
		break;
	}
}

static void
next_unknown(struct core_tick *t, struct core_host *h)
{
	if (!positive_death(t, h))
		follow_verdict(t, h);
}

static void
next_alive(struct core_tick *t, struct core_host *h)
{
	if (!positive_death(t, h))
		follow_verdict(t, h);
}

static void
next_suspect(struct core_tick *t, struct core_host *h)
{
	if (positive_death(t, h))
		return;
	follow_verdict(t, h);
	hold_suspect_too_long(t, h);
}

/* issue 11: a fence the executor did not send is no attempt */
/* HS_FENCING got FENCE_NOT_STARTED: the attempt never happened. */
static void
fence_not_started(struct core_tick *t, struct core_host *h)
{
	if (h->v.fence_attempts > 0)
		h->v.fence_attempts--;
	h->fence_mark = h->fence_mark_prev;
	h->fence_mark_ms = h->fence_mark_prev_ms;
	fsm_enter(t, h, HS_DEAD, WHY_AUDIT_FAILED);
	h->fence_unstarted = 1;
	hold_host_alert(t, h, WHY_AUDIT_FAILED);
	h->v.hold = WHY_AUDIT_FAILED;
}

/*
 * HS_DEAD waiting for a re-asked fence to start: a result other than
 * "not started" means the executor sent it -- the attempt counts from
 * here, and a final result is taken at once.  1 when it moved the host.
 */
static int
fence_retry_news(struct core_tick *t, struct core_host *h)
{
	enum fence_result	res = h->o->fence;

	if (!h->fence_unstarted || !h->fence_new ||
	    res == FENCE_NOT_STARTED || res == FENCE_NONE)
		return 0;
	fsm_enter(t, h, HS_FENCING, WHY_HB_DEAD);
	if (res == FENCE_OFF_CONFIRMED || res == FENCE_FAILED_UNKNOWN ||
	    res == FENCE_AUTH_ERROR)
		h->fence_new = 1;	/* next_fencing() takes it this tick */
	return 1;
}

/*
 * HS_DEAD, S1 holds, budget left: hold for a guard, or fence.  A host
 * whose last request was not started asks again and stays DEAD until
 * the executor reports it sent.
 */
static void
fence_or_hold(struct core_tick *t, struct core_host *h, enum act_why hold)
{
	if (hold == WHY_CLUSTER_FENCE_BUDGET)
		hold_host_alert(t, h, WHY_CLUSTER_FENCE_BUDGET);
	else
		hold_host_alert(t, h, h->fence_unstarted ? WHY_AUDIT_FAILED :
		    WHY_NONE);
	if (hold != WHY_NONE) {
		h->v.hold = hold;
		return;
	}
	core_emit(t, ACT_FENCE, h->v.host_id, WHY_HB_DEAD, h->v.cluster_id, 0);
	if (h->fence_unstarted) {
		h->v.hold = WHY_AUDIT_FAILED;
		return;
	}
	fsm_enter(t, h, HS_FENCING, WHY_HB_DEAD);
}

static enum act_why
unfenceable_why(const struct core_host *h)
{
	if (h->o->power == PWR_UNKNOWN || h->o->power == PWR_NO_BMC)
		return WHY_BMC_UNREACHABLE;
	return WHY_FENCE_BUDGET_EXHAUSTED;
}

static void
next_dead(struct core_tick *t, struct core_host *h)
{
	enum act_why	hold;

	if (positive_death(t, h))
		return;
	if (fence_retry_news(t, h))	/* a re-asked fence went out */
		return;
	if (h->verdict != V_DEAD) {
		follow_verdict(t, h);
		return;
	}
	if (fence_off_trusted(h)) {
		/* a late result of an attempt we gave up on */
		fsm_fenced(t, h, WHY_FENCE_OFF_CONFIRMED, FS_BMC);
		return;
	}
	if (guard_self_fence_ready(t, h)) {
		fsm_fenced(t, h, WHY_SELF_FENCE_ELAPSED, FS_SELF_FENCE);
		return;
	}
	if (h->o->power == PWR_AUTH_ERROR || h->o->power == PWR_NO_BMC) {
		fsm_enter(t, h, HS_UNFENCEABLE, h->o->power == PWR_NO_BMC ?
		    WHY_BMC_UNREACHABLE : WHY_BMC_AUTH);
		h->unf_by_reading = 1;
		return;
	}
	if (h->v.fence_attempts >= t->pol->fence_max_attempts) {
		fsm_enter(t, h, HS_UNFENCEABLE, unfenceable_why(h));
		return;
	}
	/* a distrusted BMC first: it lasts until a human acts */
	if ((hold = guard_bmc_hold(h)) == WHY_NONE)
		hold = guard_fence_hold(t, h);
	fence_or_hold(t, h, hold);	/* hold, or ACT_FENCE */
}

static void
fence_over(struct core_tick *t, struct core_host *h, enum act_why why)
{
	h->fence_ended = 1;
	h->fence_ended_ms = t->now;
	if (why == WHY_BMC_AUTH)
		fsm_enter(t, h, HS_UNFENCEABLE, WHY_BMC_AUTH);
	else if (h->v.fence_attempts >= t->pol->fence_max_attempts)
		fsm_enter(t, h, HS_UNFENCEABLE, unfenceable_why(h));
	else
		fsm_enter(t, h, HS_DEAD, why);
}

static void
next_fencing(struct core_tick *t, struct core_host *h)
{
	if (positive_death(t, h))
		return;
	if (h->fence_new) {
		switch (h->o->fence) {
		case FENCE_OFF_CONFIRMED:
			if (!fence_off_trusted(h)) {
				/* a BMC found wrong meanwhile proves nothing */
				fence_over(t, h, WHY_FENCE_FAILED);
				return;
			}
			fsm_fenced(t, h, WHY_FENCE_OFF_CONFIRMED, FS_BMC);
			return;
		case FENCE_FAILED_UNKNOWN:
			fence_over(t, h, WHY_FENCE_FAILED);
			return;
		case FENCE_AUTH_ERROR:
			fence_over(t, h, WHY_BMC_AUTH);
			return;
		case FENCE_NOT_STARTED:
			fence_not_started(t, h);
			return;
		case FENCE_NONE:
		case FENCE_RUNNING:
			break;
		}
	}
	if (t->now - h->fence_started_ms >=
	    (int64_t)calc_fence_stuck_ms(t->pol->fence_timeout_ms))
		fence_over(t, h, WHY_FENCE_TIMEOUT);
}

static void
next_fenced(struct core_tick *t, struct core_host *h)
{
	h->op_rise = 0;			/* already confirmed */
	if (h->on_run >= 2) {
		fsm_enter(t, h, HS_RETURNED, WHY_POWER_RETURNED);
		return;
	}
	if (h->have_obs_change &&
	    h->last_obs_change_ms > (int64_t)h->v.since_ms) {
		fsm_enter(t, h, HS_RETURNED, WHY_HB_RETURNED);
		return;
	}
	if (!t->obs->is_leader) {
		h->reconcile_sent = 0;	/* the next leader tick reconciles */
		h->v.hold = WHY_NOT_LEADER;
		return;
	}
	/* Once on entry (and on gaining leadership), then every tick
	 * while CloudStack still records VMs active on the host. */
	if (!h->reconcile_sent || h->o->vms_active > 0) {
		core_emit(t, ACT_RECONCILE, h->v.host_id,
		    h->reconcile_sent ? WHY_VMS_ACTIVE : h->v.why,
		    h->v.cluster_id, 0);
		h->reconcile_sent = 1;
	}
}

static void
next_unfenceable(struct core_tick *t, struct core_host *h)
{
	enum pwr_obs	pw = h->o->power;

	if (positive_death(t, h))
		return;
	if (h->verdict == V_ALIVE) {
		fsm_enter(t, h, HS_ALIVE, WHY_HB_ADVANCING);
		return;
	}
	if (fence_off_trusted(h)) {
		fsm_fenced(t, h, WHY_FENCE_OFF_CONFIRMED, FS_BMC);
		return;
	}
	if (guard_self_fence_ready(t, h)) {
		fsm_fenced(t, h, WHY_SELF_FENCE_ELAPSED, FS_SELF_FENCE);
		return;
	}
	/* The reading that made it unfenceable is fine again.  (A fence
	 * that failed on privilege while status reads work stays put.) */
	if (h->unf_by_reading && (pw == PWR_ON || pw == PWR_OFF) &&
	    h->v.fence_attempts < t->pol->fence_max_attempts) {
		fsm_enter(t, h, HS_DEAD, WHY_BMC_RECOVERED);
		return;
	}
	h->v.hold = h->v.why;
}

static void
next_returned(struct core_tick *t, struct core_host *h)
{
	if (h->op_rise) {
		h->op_rise = 0;
		fsm_fenced(t, h, WHY_OPERATOR_CONFIRMED, FS_OPERATOR);
		return;
	}
	/* Off again, but only once the heartbeat stopped too: an off
	 * reading against a writing host must not loop FENCED/RETURNED. */
	if (h->verdict != V_ALIVE &&
	    guard_bmc_off(t, h) == BMC_OFF_CONFIRMED) {
		fsm_fenced(t, h, WHY_POWER_OFF_CONFIRMED, FS_BMC);
		return;
	}
	if (h->verdict == V_ALIVE && h->o->power != PWR_OFF) {
		if (!h->healthy) {
			h->healthy = 1;
			h->healthy_since_ms = t->now;
		}
	} else
		h->healthy = 0;
	if (h->healthy && t->now - h->healthy_since_ms >=
	    (int64_t)t->pol->rearm_after_ms) {
		fsm_enter(t, h, HS_ALIVE, WHY_REARMED);
		return;
	}
	if (h->verdict == V_DEAD && !h->v.alert) {
		h->v.alert = 1;
		h->v.alert_why = WHY_DEAD_BEFORE_REARM;
		core_emit(t, ACT_ALERT, h->v.host_id, WHY_DEAD_BEFORE_REARM,
		    h->v.cluster_id, 0);
	} else if (h->verdict == V_ALIVE && h->v.alert) {
		h->v.alert = 0;
		core_emit(t, ACT_CLEAR_ALERT, h->v.host_id,
		    WHY_DEAD_BEFORE_REARM, h->v.cluster_id, 0);
		h->v.alert_why = WHY_NONE;
	}
	h->v.hold = h->v.alert ? WHY_DEAD_BEFORE_REARM : WHY_NONE;
}

static enum act_why
ignore_why(enum ign_reason r)
{
	switch (r) {
	case IGN_MAINTENANCE:
		return WHY_IGN_MAINTENANCE;
	case IGN_DISABLED:
		return WHY_IGN_DISABLED;
	case IGN_REMOVED:
		return WHY_IGN_REMOVED;
	case IGN_OPERATOR:
	case IGN_NONE:
		break;
	}
	return WHY_IGN_OPERATOR;
}

static void
view_refresh(struct core_tick *t, struct core_host *h)
{
	const struct core_track	*tr;
	struct pool_view	*pv;
	size_t			 i;

	h->v.power = h->o->power;
	h->v.vms_active = h->o->vms_active;
	h->v.stale_ms = h->age_ms > 0 ? (uint64_t)h->age_ms : 0;
	h->v.npools = h->ntr;
	for (i = 0; i < h->ntr; i++) {
		tr = &h->tr[i];
		pv = &h->v.pools[i];
		pv->pool_id = tr->pool_id;
		pv->status = tr->status;
		pv->readable = tr->pool_ix != (size_t)-1 &&
		    t->st->p[tr->pool_ix].readable;
		pv->value = tr->value;
		pv->mtime_ms = tr->mtime_ms;
		pv->last_change_ms = tr->last_change_ms;
		pv->seeded = tr->ev == EV_SEEDED;
	}
}

void
fsm_step(struct core_tick *t, struct core_host *h)
{
	const struct host_obs	*o = h->o;
	enum host_state		 from;
	size_t			 i;

	if (o->ignored != IGN_NONE) {
		fsm_enter(t, h, HS_IGNORED, ignore_why(o->ignored));
		h->age_ms = 0;
		view_refresh(t, h);
		return;
	}
	if (h->v.state == HS_IGNORED)
		fsm_enter(t, h, HS_UNKNOWN, WHY_UNIGNORED);
	hold_duplicate_ip(t, h);
	hold_adopt_attempts(h);

	for (i = 0; i < h->ntr; i++)
		if (h->tr[i].garbage_new) {
			h->tr[i].garbage_new = 0;
			core_emit(t, ACT_REPORT, h->v.host_id, WHY_HB_GARBAGE,
			    h->v.cluster_id, h->tr[i].pool_id);
		}
	if (o->power == PWR_AUTH_ERROR && !h->bmc_auth_reported) {
		h->bmc_auth_reported = 1;
		core_emit(t, ACT_REPORT, h->v.host_id, WHY_BMC_AUTH,
		    h->v.cluster_id, 0);
	} else if (o->power == PWR_ON || o->power == PWR_OFF)
		h->bmc_auth_reported = 0;

	for (i = 0; i < CORE_FSM_CHAIN; i++) {
		from = h->v.state;
		h->v.hold = WHY_NONE;
		switch (h->v.state) {
		case HS_UNKNOWN:
			next_unknown(t, h);
			break;
		case HS_ALIVE:
			next_alive(t, h);
			break;
		case HS_SUSPECT:
			next_suspect(t, h);
			break;
		case HS_DEAD:
			next_dead(t, h);
			break;
		case HS_FENCING:
			next_fencing(t, h);
			break;
		case HS_FENCED:
			next_fenced(t, h);
			break;
		case HS_UNFENCEABLE:
			next_unfenceable(t, h);
			break;
		case HS_RETURNED:
			next_returned(t, h);
			break;
		case HS_IGNORED:	/* handled above */
			break;
		}
		if (h->v.state == from)
			break;
	}
	view_refresh(t, h);
}
