/*
 * fsm_track.c -- phases 1 and 2 of a host's tick (pure: no I/O, no
 * clock): what this tick's observations say.
 *
 *   fsm_track()    heartbeat changes per pool (change-based liveness,
 *                  startup seeding), BMC readings (runs of off/on, and
 *                  what corroborates them: guard_bmc.c), fence results,
 *                  operator confirmations;
 *   fsm_verdict()  what the heartbeats prove: alive, suspect, dead (S1)
 *                  or unknown.
 * The transitions that follow are host_fsm.c's (fsm_step).
 */
#include <string.h>

#include "core.h"
#include "timing.h"

#define RUN_MAX	1000	/* runs only matter up to 2; saturate */

/* ------------------------------------------------------------------ */
/* Phase 1: tracking                                                   */

static void
track_sync_pools(struct core_host *h, const struct host_obs *o)
{
	struct core_track	 nt[CORE_MAX_POOLS_PER_HOST], key;
	size_t			 i, j, n = 0;

	for (i = 0; i < o->nhb; i++) {
		memset(&key, 0, sizeof(key));
		key.pool_id = o->hb[i].pool_id;
		for (j = 0; j < h->ntr; j++)
			if (h->tr[j].pool_id == key.pool_id)
				key = h->tr[j];
		for (j = n; j > 0 && nt[j - 1].pool_id > key.pool_id; j--)
			nt[j] = nt[j - 1];
		nt[j] = key;
		n++;
	}
	memcpy(h->tr, nt, n * sizeof(nt[0]));
	h->ntr = n;
}

static const struct hb_reading *
reading_for(const struct host_obs *o, uint32_t pool_id)
{
	size_t	i;

	for (i = 0; i < o->nhb; i++)
		if (o->hb[i].pool_id == pool_id)
			return &o->hb[i];
	return NULL;
}

static void
track_one(struct core_tick *t, struct core_host *h, struct core_track *tr,
    const struct hb_reading *r)
{
	const struct core_pool	*p = NULL;
	int64_t			 lag;

	tr->pool_ix = core_pool_find(t->st, tr->pool_id);
	if (tr->pool_ix != (size_t)-1)
		p = &t->st->p[tr->pool_ix];
	tr->status = r->status;
	tr->usable = p != NULL && p->readable && r->status == HB_OK;
	if (r->status == HB_GARBAGE && !tr->garbage_reported)
		tr->garbage_reported = tr->garbage_new = 1;
	else if (r->status == HB_OK)
		tr->garbage_reported = 0;
	if (!tr->usable)
		return;
	if (tr->ev == EV_NONE) {
		tr->value = r->value;
		tr->mtime_ms = r->mtime_ms;
		if (!h->no_seed && p->have_fresh && (guard_in_startup(t) ||
		    (uint64_t)t->now == t->st->first_ms)) {
			/* Same server clock: the lag is a lower bound of
			 * how long ago this file last changed. */
			lag = p->fresh_mtime_ms - r->mtime_ms;
			if (lag < 0)
				lag = 0;
			tr->last_change_ms = t->now - lag;
			tr->ev = EV_SEEDED;
		} else {
			tr->last_change_ms = t->now;
			tr->ev = EV_BASELINE;
		}
		return;
	}
	if (r->value != tr->value || r->mtime_ms != tr->mtime_ms) {
		tr->value = r->value;
		tr->mtime_ms = r->mtime_ms;
		tr->last_change_ms = t->now;
		tr->ev = EV_OBSERVED;
		h->have_obs_change = 1;
		h->last_obs_change_ms = t->now;
	}
}

void
fsm_track(struct core_tick *t, struct core_host *h)
{
	const struct host_obs	*o = h->o;
	size_t			 i;
	int			 new_off;

	h->fence_new = o->fence_seq != h->fence_seq_seen;
	h->fence_seq_seen = o->fence_seq;
	h->op_rise = o->operator_confirmed_off && !h->operator_prev;
	h->operator_prev = o->operator_confirmed_off;
	if (o->ignored != IGN_NONE) {
		h->power_seq_seen = o->power_seq;
		return;
	}
	if (o->dup_ip) {
		/* the file is shared with another host: it proves nothing
		 * about this one; start from nothing once it is its own */
		h->ntr = 0;
		h->have_obs_change = 0;
		h->no_seed = 1;
	} else {
		track_sync_pools(h, o);
		for (i = 0; i < h->ntr; i++)
			track_one(t, h, &h->tr[i],
			    reading_for(o, h->tr[i].pool_id));
	}

	new_off = 0;
	if (o->power_seq != 0 && o->power_seq != h->power_seq_seen) {
		h->power_seq_seen = o->power_seq;
		if (o->power == PWR_OFF) {
			h->off_run += h->off_run < RUN_MAX;
			h->on_run = 0;
			new_off = 1;
		} else if (o->power == PWR_ON) {
			h->on_run += h->on_run < RUN_MAX;
			h->off_run = 0;
		}
	}
	/* A host that is off cannot write: what a change during an off run
	 * means (contradiction, or a write from before the power loss) is
	 * guard_bmc.c's rule. */
	guard_bmc_track(t, h, new_off);
}

/* ------------------------------------------------------------------ */
/* Phase 2: verdict (S1)                                               */

static enum act_why
unusable_why(const struct core_tick *t, const struct core_track *tr)
{
	if (tr->pool_ix == (size_t)-1 || !t->st->p[tr->pool_ix].readable)
		return WHY_POOL_UNREADABLE;
	switch (tr->status) {
	case HB_GARBAGE:
		return WHY_HB_GARBAGE;
	case HB_MISSING:
		return WHY_HB_MISSING;
	default:
		return WHY_HB_UNKNOWN;
	}
}

static void
verdict_set(struct core_host *h, enum core_verdict v, enum act_why why)
{
	h->verdict = v;
	h->vwhy = why;
	h->stale = v == V_SUSPECT || v == V_DEAD;
}

void
fsm_verdict(struct core_tick *t, struct core_host *h)
{
	const struct core_policy *pol = t->pol;
	const struct core_track	*tr;
	const struct core_pool	*p;
	enum act_why		 why = WHY_NONE;
	int64_t			 age, a;
	int			 any = 0, all = 1, alive = 0;
	size_t			 i;

	h->age_ms = 0;
	if (h->o->ignored != IGN_NONE) {
		verdict_set(h, V_UNKNOWN, WHY_NONE);
		return;
	}
	if (h->o->dup_ip) {		/* never judged by a shared file */
		verdict_set(h, V_UNKNOWN, WHY_DUPLICATE_IP);
		return;
	}
	if (h->ntr == 0) {
		verdict_set(h, V_UNKNOWN, WHY_NO_POOLS);
		return;
	}
	age = INT64_MAX;
	for (i = 0; i < h->ntr; i++) {
		tr = &h->tr[i];
		if (!tr->usable) {
			if (all)
				why = unusable_why(t, tr);
			all = 0;
			continue;
		}
		any = 1;
		a = t->now - tr->last_change_ms;
		if (a < age)
			age = a;
		if (tr->ev >= EV_SEEDED && a < (int64_t)pol->suspect_after_ms)
			alive = 1;
	}
	if (any)
		h->age_ms = age;
	if (alive) {
		verdict_set(h, V_ALIVE, WHY_HB_ADVANCING);
		return;
	}
	if (!any) {
		verdict_set(h, V_UNKNOWN, why);
		return;
	}
	if (age < (int64_t)pol->suspect_after_ms) {	/* first readings */
		verdict_set(h, V_UNKNOWN, all ? WHY_NO_EVIDENCE : why);
		return;
	}
	if (!all) {		/* stale where seen, unknown elsewhere */
		verdict_set(h, V_SUSPECT, why);
		return;
	}
	if (age < (int64_t)pol->dead_after_ms) {
		verdict_set(h, V_SUSPECT, WHY_HB_STALE);
		return;
	}
	for (i = 0; i < h->ntr; i++) {	/* S1: another host advances */
		p = &t->st->p[h->tr[i].pool_ix];
		if (p->nadvancing == 0) {
			/* alone; or peers fresh but not yet SEEN changing
			 * (startup); or every heartbeat stopped */
			if (p->nhosts < 2)
				why = WHY_NO_PEER;
			else if (p->youngest_ms <
			    (int64_t)pol->suspect_after_ms)
				why = WHY_NO_EVIDENCE;
			else
				why = WHY_POOL_STALL;
			verdict_set(h, V_SUSPECT, why);
			return;
		}
	}
	verdict_set(h, V_DEAD, WHY_HB_DEAD);
}
