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
 *   fence not started  (the transitions are host_fsm.c's: fence_not_
 *                      started(), fence_retry_news(), fence_or_hold())
 *                      the executor could not record fence_requested
 *                      (S9), did not send the fence and reports
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
 * A leaf: it calls core_emit() only (the state machine calls it).
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

/*
 * A leader before us spent attempts on this host: they count.  Not while
 * a re-asked fence waits for its first result: the record already holds
 * that attempt (written before it was sent), and entering FENCING
 * counts it; adopting it too would spend two attempts on one fence.
 */
void
hold_adopt_attempts(struct core_host *h)
{
	enum host_state	s = h->v.state;

	if ((s == HS_UNKNOWN || s == HS_SUSPECT || s == HS_DEAD) &&
	    !h->fence_unstarted &&
	    h->o->fence_attempts_recorded > h->v.fence_attempts)
		h->v.fence_attempts = h->o->fence_attempts_recorded;
}
