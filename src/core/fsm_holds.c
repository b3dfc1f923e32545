/*
 * fsm_holds.c -- the holds that keep one bad input from fencing a live
 * host or stranding a dead one (issue 11), for the state machine
 * (host_fsm.c, fsm_track.c) and the guards (guards.c).  Pure: no I/O, no
 * clock.
 *
 *   duplicate IP       two watched hosts with one private IP share one
 *                      heartbeat file: neither is judged by it (verdict
 *                      unknown, hold duplicate_ip, out of the storm
 *                      count); one duplicate_ip alert per host, cleared
 *                      when the inventory no longer shows the twin;
 *   suspect too long   a host held as suspect for longer than dead_after
 *                      (a missing file on one pool, no peer, a stalled
 *                      pool) raises suspect_too_long, cleared when it
 *                      leaves suspect;
 *   fence not started  the executor could not record fence_requested
 *                      (S9), so it did not send the fence and reports
 *                      FENCE_NOT_STARTED: the attempt is given back, the
 *                      host is DEAD again with hold and alert
 *                      audit_failed, and every tick the guards allow it
 *                      asks again (ACT_FENCE) without entering FENCING;
 *                      the first result after that (running: sent; or a
 *                      final one) counts as the attempt;
 *   fence marks        the time a host last entered FENCING or FENCED:
 *                      the storm guard counts such hosts within
 *                      rearm_after (S3), the cluster fence budget counts
 *                      them against cluster_fence_max;
 *   recorded attempts  the attempt count in hawatch's schema survives a
 *                      leader failover: a host not alive adopts it when
 *                      it is higher than the core's own.
 */
#include "core.h"

/* The host's state alert (cleared by fsm_enter() on a transition). */
void
hold_host_alert(struct core_tick *t, struct core_host *h, enum act_why why)
{
	if (h->v.alert && h->v.alert_why == why)
		return;
	if (!h->v.alert && why == WHY_NONE)
		return;
	if (h->v.alert)
		core_emit(t, ACT_CLEAR_ALERT, h->v.host_id, h->v.alert_why,
		    h->v.cluster_id, 0);
	h->v.alert = why != WHY_NONE;
	h->v.alert_why = why;
	if (why != WHY_NONE)
		core_emit(t, ACT_ALERT, h->v.host_id, why, h->v.cluster_id, 0);
}

int
hold_fenced_recently(const struct core_tick *t, const struct core_host *h)
{
	return h->fence_mark &&
	    t->now - h->fence_mark_ms < (int64_t)t->pol->rearm_after_ms;
}

/* Once per tick, before the transitions: the duplicate_ip alert. */
void
hold_duplicate_ip(struct core_tick *t, struct core_host *h)
{
	if (h->o->dup_ip && !h->dup_alert) {
		h->dup_alert = 1;
		core_emit(t, ACT_ALERT, h->v.host_id, WHY_DUPLICATE_IP,
		    h->v.cluster_id, 0);
	} else if (!h->o->dup_ip && h->dup_alert) {
		h->dup_alert = 0;
		core_emit(t, ACT_CLEAR_ALERT, h->v.host_id, WHY_DUPLICATE_IP,
		    h->v.cluster_id, 0);
	}
}

/* In HS_SUSPECT after the verdict kept it there. */
void
hold_suspect_too_long(struct core_tick *t, struct core_host *h)
{
	if (h->v.state == HS_SUSPECT && t->now - (int64_t)h->v.since_ms >=
	    (int64_t)t->pol->dead_after_ms)
		hold_host_alert(t, h, WHY_SUSPECT_TOO_LONG);
}

/* HS_FENCING got FENCE_NOT_STARTED: the attempt never happened. */
void
hold_fence_not_started(struct core_tick *t, struct core_host *h)
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
int
hold_fence_retry_news(struct core_tick *t, struct core_host *h)
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
void
hold_fence_retry(struct core_tick *t, struct core_host *h, enum act_why hold)
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

/* Called by fsm_enter() for every transition. */
void
hold_on_enter(struct core_tick *t, struct core_host *h, enum host_state to)
{
	if (to != HS_DEAD)
		h->fence_unstarted = 0;
	if (to == HS_FENCING) {
		h->fence_mark_prev = h->fence_mark;
		h->fence_mark_prev_ms = h->fence_mark_ms;
	}
	if (to == HS_FENCING || to == HS_FENCED) {
		h->fence_mark = 1;
		h->fence_mark_ms = t->now;
	}
}

/* A leader before us spent attempts on this host: they count. */
void
hold_adopt_attempts(struct core_host *h)
{
	enum host_state	s = h->v.state;

	if ((s == HS_UNKNOWN || s == HS_SUSPECT || s == HS_DEAD) &&
	    h->o->fence_attempts_recorded > h->v.fence_attempts)
		h->v.fence_attempts = h->o->fence_attempts_recorded;
}
