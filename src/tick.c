/*
 * tick.c -- the supervisor's round: observe -> core_step() -> act.
 *
 *   1. database (observe.c): reconnect if down, take or verify
 *      leadership, read the inventory (on failure keep the last one: the
 *      database is "down", nobody is leader, nothing is written);
 *   2. observe (observe.c): heartbeat files of every host on every pool
 *      (one bounded call), BMC views (non-blocking snapshots of the
 *      worker pool's latest readings and fence results);
 *   3. decide: core_step() with this tick's monotonic time -- the only
 *      clock the core ever sees -- read AFTER the heartbeat reads: a
 *      change seen by a tick whose database phase or reads were slow is
 *      stamped when it was seen, never up to a read deadline (or a
 *      database timeout) early; early stamps made every heartbeat look
 *      that much older on the catch-up tick (a false storm_guard after
 *      each NFS stall or database outage).  Stamped late instead, a
 *      change looks at most that much younger: the safe side;
 *   4. act (act.c): record fence results, request fences, run the
 *      reconcile transaction for fenced hosts, record returns, log
 *      alerts; watch the HA restarts hawatch queued (act_restarts.c:
 *      heal, re-queue, give up); then hand the sweeper its hosts.
 *
 * Adapters observe and act; every decision is the core's.  No step here
 * waits longer than its adapter's deadline, and the round's database
 * statements together stop starting after daemon.db_tick_budget
 * (db_set_deadline(); timing.h says why).
 */
#include <stdlib.h>

#include "act.h"
#include "act_restarts.h"
#include "clock.h"
#include "console_watch.h"
#include "daemon.h"
#include "log.h"
#include "observe.h"

static void
grow(void **v, size_t *cap, size_t need, size_t elem)
{
	void	*n;

	if (*cap >= need)
		return;
	if ((n = realloc(*v, need * elem)) == NULL)
		abort();
	*v = n;
	*cap = need;
}

/* core_step() on this round's observations; -1 (logged) if refused */
static int
decide(struct daemon *d, const struct core_obs *o)
{
	char	err[ERR_LEN];
	size_t	need;

	if (core_state_reserve(d->core, o->nhosts, o->npools) == -1)
		abort();
	need = core_out_bound(d->core, o);
	d->acts.n = d->evs.n = 0;
	grow((void **)&d->acts.v, &d->acts.cap, need, sizeof(*d->acts.v));
	grow((void **)&d->evs.v, &d->evs.cap, need, sizeof(*d->evs.v));
	if (core_obs_check(&d->pol, d->core, o, &d->acts, &d->evs, err) != 0 ||
	    core_step(&d->pol, d->core, o, &d->acts, &d->evs) == -1) {
		log_err("core.refused", "error=\"%s\"", err);
		return -1;
	}
	return 0;
}

/* the core's time for this round: now, after the reads */
static uint64_t
tick_stamp(struct daemon *d, uint64_t start_ms)
{
	uint64_t	now = d->mono_ms != NULL ? d->mono_ms() : clock_mono_ms();

	return now > start_ms ? now : start_ms;
}

/* the round's database budget (daemon.db_tick_budget); 0 clears it */
static void
tick_db_budget(struct daemon *d, uint64_t budget_ms)
{
	d->db_deadline_ms = budget_ms != 0 ? clock_mono_ms() + budget_ms : 0;
	db_set_deadline(&d->db, d->db_deadline_ms);
}

static int
tick_round(struct daemon *d, uint64_t start_ms)
{
	struct core_obs	o;
	uint64_t	t0 = clock_mono_us(), t1, t2, t3;

	observe_database(d, start_ms);
	t1 = clock_mono_us();
	observe_build(d, &o, start_ms);
	o.now_ms = tick_stamp(d, start_ms);
	t2 = clock_mono_us();
	if (decide(d, &o) == -1)
		return -1;
	t3 = clock_mono_us();
	act_run(d);
	if (!d->is_leader)	/* captures are the leader's (act.h) */
		console_watch_standby(d);
	act_restarts(d);
	act_publish_sweep(d);
	d->phase_us[0] = t1 - t0;
	d->phase_us[1] = t2 - t1;
	d->phase_us[2] = t3 - t2;
	d->phase_us[3] = clock_mono_us() - t3;
	d->ticks++;
	return 0;
}

int
tick_run(struct daemon *d, uint64_t start_ms)
{
	int	r;

	tick_db_budget(d, d->cfg.daemon.db_tick_budget_ms);
	r = tick_round(d, start_ms);
	tick_db_budget(d, 0);
	return r;
}
