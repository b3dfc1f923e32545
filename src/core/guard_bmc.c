/*
 * guard_bmc.c -- may a host's BMC be believed when it reads "off"?  The
 * corroboration rule behind S2 (pure: no I/O, no clock).
 *
 * Two consecutive off readings prove death only when something
 * independent of the BMC agrees, because a BMC mapped to the wrong host
 * (or a buggy one) would otherwise get a running host's VMs stopped and
 * re-queued:
 *   endpoint    where hawatch has a libvirt URI for the host, a probe
 *               begun after the run's first off reading found the host's
 *               libvirt silent (a powered-off host cannot answer);
 *   no endpoint the heartbeat stayed unchanged for agent_hb_interval +
 *               one tick after the first off reading (the window restarts
 *               on a change that may predate the power loss, see below).
 * Until then the host is held as suspect (WHY_BMC_OFF_UNCONFIRMED).
 *
 * Contradiction: while the BMC's latest reading is off, the host's
 * heartbeat changes (seen BMC_CONTRA_TICKS or more ticks after the first
 * off reading) or a probe begun during the run finds its libvirt
 * answering, and the BMC still reads off BMC_CONTRA_READINGS readings
 * later (the latest reading is up to a poll interval old: a host powered
 * on since then writes and answers before the BMC is read again, and
 * that is no contradiction).  The core latches bmc_contradiction, raises
 * the alert once,
 * and trusts nothing more from that BMC (no fence, no off confirmation)
 * until an operator clears the alert in hawatch.alerts (observed as
 * contradiction_cleared moving).  An open alert row restores the latch
 * after a restart.  A reported identity mismatch (BMC System GUID vs the
 * host's SMBIOS UUID) distrusts the BMC the same way until a comparison
 * matches.
 *
 * Called by fsm_track() (guard_bmc_track, after the power readings) and
 * host_fsm.c (guard_bmc_off, guard_bmc_hold).  docs/states.md "BMC
 * trust" has the prose, timing.h Timeline 4 the latency.
 */
#include "core.h"

/*
 * A change seen on the tick of the first off reading or the next one may
 * have been written before the power loss: the BMC reading that the
 * first of those ticks copied can be newer than that tick's heartbeat
 * read.  From the second tick after it, every heartbeat read started
 * after the off reading was taken, so a change there was written by a
 * running host.
 */
#define BMC_CONTRA_TICKS	2
#define BMC_TICKS_MAX		1000	/* only compared with 2: saturate */
/*
 * A write or an answer seen under an off run is a contradiction only when
 * an off reading begun after it was seen confirms the power state.  The
 * reading after the one current then may already have been in flight;
 * the one after that began later.
 */
#define BMC_CONTRA_READINGS	2

void
guard_bmc_init(struct core_host *h, const struct host_obs *o)
{
	/* probes and operator clears that predate us are history */
	h->probe_seq_seen = o->probe_seq;
	h->contra_cleared_seen = o->contradiction_cleared;
}

void
guard_bmc_reset(struct core_host *h)
{
	h->off_first_seq = 0;
	h->off_window_ms = 0;
	h->off_ticks = 0;
	h->probe_silent = 0;
	h->contra_seq = 0;
}

/* the host wrote or answered while the BMC's latest reading was off */
static void
bmc_seen_alive(struct core_host *h)
{
	if (h->contra_seq == 0)
		h->contra_seq = h->o->power_seq;
}

static void
bmc_contradiction(struct core_tick *t, struct core_host *h)
{
	if (h->v.bmc_contradiction)
		return;
	h->v.bmc_contradiction = 1;
	core_emit(t, ACT_ALERT, h->v.host_id, WHY_BMC_CONTRADICTION,
	    h->v.cluster_id, 0);
}

/* The operator's clear (hawatch alerts clear) and the open-row restore. */
static void
bmc_operator(struct core_tick *t, struct core_host *h)
{
	const struct host_obs	*o = h->o;

	if (o->contradiction_cleared != h->contra_cleared_seen) {
		h->contra_cleared_seen = o->contradiction_cleared;
		if (h->v.bmc_contradiction && !o->contradiction_open) {
			h->v.bmc_contradiction = 0;
			core_emit(t, ACT_CLEAR_ALERT, h->v.host_id,
			    WHY_BMC_CONTRADICTION, h->v.cluster_id, 0);
			/* start from nothing: no earlier reading counts */
			h->off_run = h->on_run = 0;
			guard_bmc_reset(h);
		}
	}
	if (o->contradiction_open)
		bmc_contradiction(t, h);
}

static void
bmc_identity(struct core_tick *t, struct core_host *h)
{
	const struct host_obs	*o = h->o;

	if (o->identity == BMC_ID_MISMATCH && !h->v.bmc_identity_mismatch) {
		h->v.bmc_identity_mismatch = 1;
		core_emit(t, ACT_ALERT, h->v.host_id,
		    WHY_BMC_IDENTITY_MISMATCH, h->v.cluster_id, 0);
	} else if (o->identity == BMC_ID_MATCH &&
	    h->v.bmc_identity_mismatch) {
		h->v.bmc_identity_mismatch = 0;
		core_emit(t, ACT_CLEAR_ALERT, h->v.host_id,
		    WHY_BMC_IDENTITY_MISMATCH, h->v.cluster_id, 0);
	}
}

/* A probe finished: silent corroborates the run, an answer contradicts
 * it.  Only probes begun during this run, while the BMC still reads off. */
static void
bmc_probe(struct core_host *h)
{
	const struct host_obs	*o = h->o;

	if (o->probe_seq == h->probe_seq_seen)
		return;
	h->probe_seq_seen = o->probe_seq;
	if (h->off_run == 0 || o->power != PWR_OFF ||
	    o->probe_power_seq < h->off_first_seq)
		return;
	if (o->probe == PROBE_ANSWERED)
		bmc_seen_alive(h);
	else if (o->probe == PROBE_SILENT)
		h->probe_silent = 1;
}

/*
 * After fsm_track() counted this tick's BMC reading (new_off: it was an
 * off reading).  Keeps the run's window and tick count, and looks for
 * contradictions.
 */
void
guard_bmc_track(struct core_tick *t, struct core_host *h, int new_off)
{
	const struct host_obs	*o = h->o;
	int			 changed;

	bmc_operator(t, h);
	bmc_identity(t, h);
	changed = h->have_obs_change && h->last_obs_change_ms == t->now;
	if (h->off_run == 0)
		guard_bmc_reset(h);
	else if (new_off && h->off_run == 1) {
		h->off_first_seq = o->power_seq;
		h->off_window_ms = t->now;
		h->off_ticks = 0;
		h->probe_silent = 0;
	} else if (h->off_ticks < BMC_TICKS_MAX)
		h->off_ticks++;
	if (h->off_run > 0 && changed) {
		if (o->power != PWR_OFF) {
			/* the BMC stopped answering: a host that writes
			 * is not off, the run is over */
			h->off_run = 0;
			guard_bmc_reset(h);
		} else if (h->off_ticks >= BMC_CONTRA_TICKS)
			bmc_seen_alive(h);
		else
			h->off_window_ms = t->now;	/* maybe written
						   before the power loss */
	}
	bmc_probe(h);
	if (h->contra_seq != 0 && new_off &&
	    o->power_seq >= h->contra_seq + BMC_CONTRA_READINGS)
		bmc_contradiction(t, h);
}

/*
 * The rule: may this host's off readings count as S2 now?  Pure function
 * of the tracked run and the policy.
 */
enum bmc_off_rule
guard_bmc_off(const struct core_tick *t, const struct core_host *h)
{
	const struct core_policy *pol = t->pol;

	/* a run in which the host was seen writing or answering proves
	 * nothing until the next readings tell power-on from a lying BMC */
	if (h->v.bmc_contradiction || h->v.bmc_identity_mismatch ||
	    h->contra_seq != 0)
		return BMC_OFF_DISTRUSTED;
	if (h->off_run < 2)
		return BMC_OFF_NONE;
	if (h->o->probe != PROBE_NO_ENDPOINT)
		return h->probe_silent ? BMC_OFF_CONFIRMED : BMC_OFF_WAIT;
	if (t->now - h->off_window_ms >=
	    (int64_t)(pol->agent_hb_interval_ms + pol->tick_ms))
		return BMC_OFF_CONFIRMED;
	return BMC_OFF_WAIT;
}

/* May this BMC's own "off confirmed" fence result be believed?  Not from
 * a distrusted BMC, nor while a write or answer seen during its off run
 * is not yet resolved. */
int
guard_bmc_result_trusted(const struct core_host *h)
{
	return guard_bmc_hold(h) == WHY_NONE && h->contra_seq == 0;
}

/* Why this host's BMC may not fence it, or WHY_NONE. */
enum act_why
guard_bmc_hold(const struct core_host *h)
{
	if (h->v.bmc_contradiction)
		return WHY_BMC_CONTRADICTION;
	if (h->v.bmc_identity_mismatch)
		return WHY_BMC_IDENTITY_MISMATCH;
	return WHY_NONE;
}

/* The host left the observations: its alerts go with it (an open
 * contradiction row brings the latch back if it returns). */
void
guard_bmc_gone(struct core_tick *t, struct core_host *h)
{
	if (h->v.bmc_contradiction)
		core_emit(t, ACT_CLEAR_ALERT, h->v.host_id,
		    WHY_BMC_CONTRADICTION, h->v.cluster_id, 0);
	if (h->v.bmc_identity_mismatch)
		core_emit(t, ACT_CLEAR_ALERT, h->v.host_id,
		    WHY_BMC_IDENTITY_MISMATCH, h->v.cluster_id, 0);
}
