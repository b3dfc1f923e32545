/*
 * check_host_fsm.c -- unit tests of the per-host state machine.
 *
 * Each test drives core_step() with scripted observations and a fake
 * clock (the rig's uint64_t now) and asserts states and actions: S1, S2,
 * reconcile only from FENCED, leadership, quiet time, attempt budget,
 * BMC auth/unreachable, startup grace and seeding, ignore, return after
 * fence, self-fence, garbage.  Cluster guards: check_guards.c.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

#include "core_rig.h"

static void
fence_result(uint64_t id, enum fence_result r)
{
	R.h[hx(id)].fence = r;
	R.h[hx(id)].fence_seq++;
}

/* Three hosts on pool 1, cluster 1, all beating. */
static void
rig_three(void)
{
	rig_init();
	rig_pool(1);
	rig_host(1, 1, 1, 0);
	rig_host(2, 1, 1, 0);
	rig_host(3, 1, 1, 0);
}

/* ---- S1 -------------------------------------------------------------- */

START_TEST(test_alive_at_once)
{
	rig_three();
	rig_tick();
	ck_assert_int_eq(st(1), HS_ALIVE);
	ck_assert_int_eq(st(2), HS_ALIVE);
	rig_done();
}
END_TEST

START_TEST(test_s1_fence_exactly_at_dead_after)
{
	rig_three();
	rig_until(10000);		/* last change of host 2 at 10000 */
	R.beat[hx(2)] = 0;
	rig_until(12000);
	ck_assert_int_eq(st(2), HS_SUSPECT);
	rig_until(14000);
	rig_tick_at(10000 + 5000 - 1);	/* one ms short of dead_after */
	ck_assert_int_eq(st(2), HS_SUSPECT);
	ck_assert_int_eq(count(ACT_FENCE, 2, -1), 0);
	rig_tick_at(15000);
	ck_assert_int_eq(count(ACT_FENCE, 2, WHY_HB_DEAD), 1);
	ck_assert_int_eq(first_t(ACT_FENCE, 2), 15000);
	ck_assert_int_eq(st(2), HS_FENCING);
	ck_assert_uint_eq(view(2)->fence_attempts, 1);
	ck_assert_int_eq(count(ACT_FENCE, 1, -1) + count(ACT_FENCE, 3, -1), 0);
	rig_done();
}
END_TEST

START_TEST(test_s1_one_pool_unknown_no_fence)
{
	rig_init();
	rig_pool(1);
	rig_pool(2);
	rig_host(1, 1, 1, 2);
	rig_host(2, 1, 1, 2);
	rig_host(3, 1, 1, 2);
	rig_until(5000);
	R.beat[hx(2)] = 0;
	R.h[hx(2)].hb[1].status = HB_UNKNOWN;	/* read of pool 2 fails */
	rig_until(30000);
	ck_assert_int_eq(count(ACT_FENCE, 0, -1), 0);
	ck_assert_int_eq(st(2), HS_SUSPECT);
	ck_assert_int_eq(view(2)->hold, WHY_HB_UNKNOWN);
	R.h[hx(2)].hb[1].status = HB_OK;	/* readable again, stale */
	rig_tick();
	ck_assert_int_eq(count(ACT_FENCE, 2, -1), 1);
	rig_done();
}
END_TEST

START_TEST(test_s1_missing_or_unreadable_no_fence)
{
	rig_three();
	rig_until(5000);
	R.beat[hx(2)] = 0;
	R.h[hx(2)].hb[0].status = HB_MISSING;
	rig_until(20000);
	ck_assert_int_eq(st(2), HS_UNKNOWN);
	ck_assert_int_eq(view(2)->hold, WHY_HB_MISSING);
	R.h[hx(2)].hb[0].status = HB_OK;
	R.p[0].readable = 0;			/* pool unreadable */
	rig_until(30000);
	ck_assert_int_eq(count(ACT_FENCE, 0, -1), 0);
	ck_assert_int_eq(st(2), HS_UNKNOWN);
	ck_assert_int_eq(view(2)->hold, WHY_POOL_UNREADABLE);
	rig_done();
}
END_TEST

START_TEST(test_s1_alone_on_pool_never_fenced)
{
	rig_init();
	rig_pool(1);
	rig_pool(2);
	rig_host(1, 1, 1, 0);
	rig_host(2, 1, 2, 0);		/* alone on pool 2 */
	rig_until(3000);
	R.beat[hx(2)] = 0;
	rig_until(30000);
	ck_assert_int_eq(count(ACT_FENCE, 0, -1), 0);
	ck_assert_int_eq(st(2), HS_SUSPECT);
	ck_assert_int_eq(view(2)->hold, WHY_NO_PEER);
	rig_done();
}
END_TEST

/* ---- S2 -------------------------------------------------------------- */

START_TEST(test_s2_single_off_not_enough)
{
	rig_three();
	rig_until(5000);
	R.h[hx(2)].power = PWR_OFF;
	rig_tick();
	R.h[hx(2)].power = PWR_ON;
	rig_until(8000);
	ck_assert_int_eq(st(2), HS_ALIVE);
	rig_done();
}
END_TEST

START_TEST(test_s2_off_on_off_not_enough)
{
	rig_three();
	rig_until(5000);
	R.beat[hx(2)] = 0;
	R.h[hx(2)].power = PWR_OFF;
	rig_tick();
	R.h[hx(2)].power = PWR_ON;
	rig_tick();
	R.h[hx(2)].power = PWR_OFF;
	rig_tick();
	ck_assert_int_ne(st(2), HS_FENCED);
	ck_assert_int_eq(count(ACT_RECONCILE, 0, -1), 0);
	rig_done();
}
END_TEST

START_TEST(test_s2_same_reading_counts_once)
{
	rig_three();
	rig_until(5000);
	R.beat[hx(2)] = 0;
	R.bmc[hx(2)] = 0;		/* power_seq frozen */
	R.h[hx(2)].power = PWR_OFF;
	R.h[hx(2)].power_seq++;		/* one reading */
	rig_until(9000);
	ck_assert_int_ne(st(2), HS_FENCED);
	R.h[hx(2)].power_seq++;		/* the second reading */
	rig_tick();
	ck_assert_int_eq(st(2), HS_FENCED);
	ck_assert_int_eq(view(2)->why, WHY_POWER_OFF_CONFIRMED);
	rig_done();
}
END_TEST

START_TEST(test_s2_two_offs_fenced_and_reconciled)
{
	rig_three();
	R.h[hx(2)].vms_active = 3;
	rig_until(5000);
	R.beat[hx(2)] = 0;
	R.h[hx(2)].power = PWR_OFF;
	rig_tick();
	ck_assert_int_eq(st(2), HS_ALIVE);
	ck_assert_int_eq(count(ACT_RECONCILE, 0, -1), 0);
	rig_tick();			/* 7000: second off reading */
	ck_assert_int_eq(st(2), HS_SUSPECT);	/* no libvirt endpoint: */
	ck_assert_int_eq(view(2)->hold, WHY_BMC_OFF_UNCONFIRMED);
	rig_tick();	/* 8000: unchanged for interval + tick since 6000 */
	ck_assert_int_eq(st(2), HS_FENCED);
	ck_assert_int_eq(first_t(ACT_RECONCILE, 2), 8000);
	ck_assert_int_eq(count(ACT_FENCE, 0, -1), 0);
	/* VMs still recorded: reconcile again; once gone: quiet. */
	rig_tick();
	ck_assert_int_eq(count(ACT_RECONCILE, 2, WHY_VMS_ACTIVE), 1);
	R.h[hx(2)].vms_active = 0;
	rig_until(20000);
	ck_assert_int_eq(count(ACT_RECONCILE, 2, -1), 2);
	ck_assert_int_eq(st(2), HS_FENCED);
	rig_done();
}
END_TEST

START_TEST(test_standby_never_fences_or_reconciles)
{
	rig_three();
	R.leader = 0;
	rig_until(5000);
	R.beat[hx(2)] = 0;
	rig_until(20000);
	ck_assert_int_eq(st(2), HS_DEAD);
	ck_assert_int_eq(view(2)->hold, WHY_NOT_LEADER);
	R.h[hx(2)].power = PWR_OFF;
	rig_until(23000);
	ck_assert_int_eq(st(2), HS_FENCED);
	ck_assert_int_eq(count(ACT_FENCE, 0, -1), 0);
	ck_assert_int_eq(count(ACT_RECONCILE, 0, -1), 0);
	R.leader = 1;			/* takes over: reconciles once */
	rig_tick();
	ck_assert_int_eq(count(ACT_RECONCILE, 2, -1), 1);
	ck_assert_int_eq(count(ACT_FENCE, 0, -1), 0);
	rig_done();
}
END_TEST

START_TEST(test_operator_confirmed)
{
	rig_three();
	R.h[hx(3)].operator_confirmed_off = 1;	/* set before we knew it */
	rig_until(3000);
	ck_assert_int_eq(st(3), HS_ALIVE);	/* history, not news */
	R.beat[hx(2)] = 0;
	rig_until(7000);
	R.h[hx(2)].operator_confirmed_off = 1;
	rig_tick();
	ck_assert_int_eq(st(2), HS_FENCED);
	ck_assert_int_eq(view(2)->why, WHY_OPERATOR_CONFIRMED);
	ck_assert_int_eq(count(ACT_RECONCILE, 2, WHY_OPERATOR_CONFIRMED), 1);
	rig_done();
}
END_TEST

/* ---- fencing --------------------------------------------------------- */

/* Host 2 stops at 5000 and is fenced at 10000 (dead_after 5000). */
static void
rig_dead2(void)
{
	rig_three();
	rig_until(5000);
	R.beat[hx(2)] = 0;
	rig_until(10000);
	ck_assert_int_eq(st(2), HS_FENCING);
}

START_TEST(test_fence_confirmed)
{
	rig_dead2();
	fence_result(2, FENCE_OFF_CONFIRMED);
	rig_tick();
	ck_assert_int_eq(st(2), HS_FENCED);
	ck_assert_int_eq(view(2)->why, WHY_FENCE_OFF_CONFIRMED);
	ck_assert_int_eq(first_t(ACT_RECONCILE, 2), 11000);
	rig_done();
}
END_TEST

START_TEST(test_fence_quiet_then_budget_unfenceable)
{
	rig_dead2();
	fence_result(2, FENCE_FAILED_UNKNOWN);
	rig_tick();				/* 11000: failed */
	ck_assert_int_eq(st(2), HS_DEAD);
	ck_assert_int_eq(view(2)->hold, WHY_FENCE_QUIET);
	rig_until(13000);
	ck_assert_int_eq(count(ACT_FENCE, 2, -1), 1);
	rig_tick();				/* 14000 = 11000 + quiet */
	ck_assert_int_eq(count(ACT_FENCE, 2, -1), 2);
	fence_result(2, FENCE_FAILED_UNKNOWN);
	rig_tick();				/* 15000 */
	rig_until(18000);
	ck_assert_int_eq(count(ACT_FENCE, 2, -1), 3);
	ck_assert_int_eq(first_t(ACT_ALERT, 2), -1);
	fence_result(2, FENCE_FAILED_UNKNOWN);
	rig_tick();				/* budget spent */
	ck_assert_int_eq(st(2), HS_UNFENCEABLE);
	ck_assert_int_eq(count(ACT_ALERT, 2, WHY_FENCE_BUDGET_EXHAUSTED), 1);
	rig_until(60000);
	ck_assert_int_eq(count(ACT_FENCE, 2, -1), 3);	/* never loops */
	ck_assert_int_eq(count(ACT_ALERT, 2, -1), 1);
	ck_assert_int_eq(count(ACT_RECONCILE, 0, -1), 0);
	rig_done();
}
END_TEST

START_TEST(test_fence_stuck_counts_as_failed)
{
	rig_dead2();
	rig_until(13000);		/* no result for 2 x fence_timeout */
	ck_assert_int_eq(st(2), HS_FENCING);
	rig_tick();			/* 14000 */
	ck_assert_int_eq(st(2), HS_DEAD);
	ck_assert_int_eq(view(2)->why, WHY_FENCE_TIMEOUT);
	rig_done();
}
END_TEST

START_TEST(test_fence_fails_then_off_lands)
{
	rig_dead2();
	fence_result(2, FENCE_FAILED_UNKNOWN);
	rig_tick();			/* 11000: back to DEAD, quiet */
	R.h[hx(2)].power = PWR_OFF;	/* the off lands late */
	rig_tick();
	ck_assert_int_eq(st(2), HS_DEAD);
	rig_tick();			/* second off: corroboration pending */
	ck_assert_int_eq(st(2), HS_DEAD);
	rig_tick();			/* interval + tick after the first */
	ck_assert_int_eq(st(2), HS_FENCED);
	ck_assert_int_eq(view(2)->why, WHY_POWER_OFF_CONFIRMED);
	ck_assert_int_eq(count(ACT_FENCE, 2, -1), 1);
	rig_done();
}
END_TEST

START_TEST(test_fence_auth_error)
{
	rig_dead2();
	fence_result(2, FENCE_AUTH_ERROR);
	rig_tick();
	ck_assert_int_eq(st(2), HS_UNFENCEABLE);
	ck_assert_int_eq(count(ACT_ALERT, 2, WHY_BMC_AUTH), 1);
	rig_until(30000);
	ck_assert_int_eq(count(ACT_FENCE, 2, -1), 1);
	rig_done();
}
END_TEST

START_TEST(test_pwr_auth_error_while_dead)
{
	rig_three();
	R.h[hx(2)].power = PWR_AUTH_ERROR;
	rig_until(5000);
	ck_assert_int_eq(count(ACT_REPORT, 2, WHY_BMC_AUTH), 1);
	R.beat[hx(2)] = 0;
	rig_until(12000);
	ck_assert_int_eq(st(2), HS_UNFENCEABLE);
	ck_assert_int_eq(view(2)->alert_why, WHY_BMC_AUTH);
	ck_assert_int_eq(count(ACT_FENCE, 0, -1), 0);
	R.h[hx(2)].power = PWR_ON;	/* credentials fixed */
	rig_tick();
	ck_assert_int_eq(count(ACT_CLEAR_ALERT, 2, WHY_BMC_AUTH), 1);
	ck_assert_int_eq(count(ACT_FENCE, 2, -1), 1);
	ck_assert_int_eq(st(2), HS_FENCING);
	rig_done();
}
END_TEST

START_TEST(test_no_bmc_unfenceable)
{
	rig_three();
	R.h[hx(2)].power = PWR_NO_BMC;
	R.bmc[hx(2)] = 0;
	rig_until(5000);
	R.beat[hx(2)] = 0;
	rig_until(12000);
	ck_assert_int_eq(st(2), HS_UNFENCEABLE);
	ck_assert_int_eq(count(ACT_ALERT, 2, WHY_BMC_UNREACHABLE), 1);
	ck_assert_int_eq(count(ACT_FENCE, 0, -1), 0);
	R.beat[hx(2)] = 1;		/* it was alive after all */
	rig_tick();
	ck_assert_int_eq(st(2), HS_ALIVE);
	ck_assert_int_eq(count(ACT_CLEAR_ALERT, 2, WHY_BMC_UNREACHABLE), 1);
	rig_done();
}
END_TEST

/* ---- startup --------------------------------------------------------- */

START_TEST(test_startup_grace)
{
	rig_three();
	R.pol.startup_grace_ms = 20000;
	R.beat[hx(2)] = 0;		/* last write at t=0 */
	R.h[hx(2)].hb[0] = (struct hb_reading){ 1, HB_OK, 100000, SRV0 };
	rig_until(19000);
	ck_assert_int_eq(st(2), HS_DEAD);
	ck_assert_int_eq(view(2)->hold, WHY_STARTUP_GRACE);
	ck_assert_int_eq(count(ACT_FENCE, 0, -1), 0);
	rig_tick();			/* 20000 */
	ck_assert_int_eq(first_t(ACT_FENCE, 2), 20000);
	rig_done();
}
END_TEST

START_TEST(test_startup_seeding)
{
	rig_three();
	R.pol.startup_grace_ms = 3000;
	/* Host 2's file stopped 60 s before we started, host 3's 1 s. */
	R.beat[hx(2)] = R.beat[hx(3)] = 0;
	R.h[hx(2)].hb[0] = (struct hb_reading){ 1, HB_OK, 99940, SRV0 - 60000 };
	R.h[hx(3)].hb[0] = (struct hb_reading){ 1, HB_OK, 99999, SRV0 - 1000 };
	rig_tick();			/* t=0 */
	ck_assert_int_eq(st(1), HS_ALIVE);
	ck_assert_int_eq(st(3), HS_ALIVE);	/* lag 1 s: alive at once */
	ck_assert_int_eq(view(2)->stale_ms, 60000);
	ck_assert(view(2)->pools[0].seeded);
	/* No observed change from a peer yet: S1 cannot hold. */
	ck_assert_int_eq(st(2), HS_SUSPECT);
	ck_assert_int_eq(view(2)->hold, WHY_NO_EVIDENCE);
	R.beat[hx(3)] = 1;		/* host 3 writes again */
	rig_tick();			/* host 1 seen changing */
	ck_assert_int_eq(st(2), HS_DEAD);
	ck_assert_int_eq(view(2)->hold, WHY_STARTUP_GRACE);
	rig_tick();
	ck_assert_int_eq(count(ACT_FENCE, 0, -1), 0);
	rig_tick();			/* 3000: grace over */
	ck_assert_int_eq(first_t(ACT_FENCE, 2), 3000);
	ck_assert_int_eq(count(ACT_FENCE, 3, -1), 0);
	rig_done();
}
END_TEST

START_TEST(test_late_host_not_seeded)
{
	rig_three();
	R.nh = 2;			/* host 3 not in the inventory yet */
	rig_until(10000);
	R.nh = 3;
	R.beat[hx(3)] = 0;
	R.h[hx(3)].hb[0] = (struct hb_reading){ 1, HB_OK, 1, SRV0 - 600000 };
	rig_tick();
	ck_assert_int_eq(st(3), HS_UNKNOWN);
	ck_assert_int_eq(view(3)->hold, WHY_NO_EVIDENCE);
	rig_until(15000);
	ck_assert_int_eq(count(ACT_FENCE, 3, -1), 0);
	rig_tick();			/* 16000 = 11000 + dead_after */
	ck_assert_int_eq(first_t(ACT_FENCE, 3), 16000);
	rig_done();
}
END_TEST

/* ---- ignore, return, self-fence, garbage ------------------------------ */

START_TEST(test_ignored_maintenance)
{
	rig_three();
	rig_until(3000);
	R.h[hx(2)].ignored = IGN_MAINTENANCE;
	R.beat[hx(2)] = 0;
	R.h[hx(2)].power = PWR_OFF;
	rig_until(30000);
	ck_assert_int_eq(st(2), HS_IGNORED);
	ck_assert_int_eq(view(2)->why, WHY_IGN_MAINTENANCE);
	ck_assert_int_eq(count(ACT_FENCE, 0, -1) + count(ACT_RECONCILE, 0, -1) +
	    count(ACT_ALERT, 0, -1), 0);
	R.h[hx(2)].power = PWR_ON;
	R.h[hx(2)].ignored = IGN_NONE;	/* back, still not beating */
	rig_tick();			/* 31000 */
	ck_assert_int_eq(st(2), HS_UNKNOWN);
	ck_assert_int_eq(view(2)->why, WHY_UNIGNORED);
	rig_until(35000);
	ck_assert_int_eq(count(ACT_FENCE, 0, -1), 0);	/* fresh evidence */
	rig_tick();			/* 36000 = 31000 + dead_after */
	ck_assert_int_eq(first_t(ACT_FENCE, 2), 36000);
	rig_done();
}
END_TEST

START_TEST(test_returned_never_loops)
{
	rig_dead2();
	fence_result(2, FENCE_OFF_CONFIRMED);
	R.h[hx(2)].power = PWR_OFF;
	rig_until(15000);
	ck_assert_int_eq(st(2), HS_FENCED);
	R.h[hx(2)].power = PWR_ON;	/* somebody powered it on */
	R.beat[hx(2)] = 1;
	rig_tick();			/* 16000: heartbeat changed */
	ck_assert_int_eq(st(2), HS_RETURNED);
	ck_assert_int_eq(count(ACT_REPORT, 2, WHY_HB_RETURNED), 1);
	rig_until(20000);
	R.beat[hx(2)] = 0;		/* and it hangs again */
	rig_until(36000);		/* < 16000 + rearm_after */
	ck_assert_int_eq(st(2), HS_RETURNED);
	ck_assert_int_eq(count(ACT_FENCE, 2, -1), 1);
	ck_assert_int_eq(count(ACT_ALERT, 2, WHY_DEAD_BEFORE_REARM), 1);
	ck_assert_int_eq(count(ACT_RECONCILE, 2, -1), 1);
	rig_done();
}
END_TEST

START_TEST(test_returned_rearms)
{
	rig_dead2();
	fence_result(2, FENCE_OFF_CONFIRMED);
	rig_tick();			/* 11000 fenced */
	R.h[hx(2)].power = PWR_ON;
	rig_tick();
	rig_tick();			/* 13000: second on reading */
	ck_assert_int_eq(st(2), HS_RETURNED);
	ck_assert_int_eq(view(2)->why, WHY_POWER_RETURNED);
	R.beat[hx(2)] = 1;
	rig_until(33000);		/* healthy from 14000 */
	ck_assert_int_eq(st(2), HS_RETURNED);
	rig_tick();			/* 34000 = 14000 + rearm_after */
	ck_assert_int_eq(st(2), HS_ALIVE);
	ck_assert_int_eq(view(2)->why, WHY_REARMED);
	ck_assert_uint_eq(view(2)->fence_attempts, 0);
	R.beat[hx(2)] = 0;		/* armed again: a new hang is fenced */
	rig_until(40000);
	ck_assert_int_eq(count(ACT_FENCE, 2, -1), 2);
	rig_done();
}
END_TEST

START_TEST(test_self_fence)
{
	char	err[ERR_LEN];

	rig_three();
	R.pol.self_fence_after_ms = 9999;	/* minimum is 10000 */
	ck_assert_int_eq(core_policy_check(&R.pol, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "self_fence_after_ms"));
	R.pol.self_fence_after_ms = 10000;
	ck_assert_int_eq(core_policy_check(&R.pol, err), 0);
	R.pol.self_fence_after_ms = 20000;
	R.pol.fence_max_attempts = 1;
	R.pol.storm_guard_enabled = 0;		/* 2 of 3 go stale */
	R.h[hx(2)].power = PWR_UNKNOWN;		/* BMC unreachable */
	R.h[hx(3)].power = PWR_ON;
	rig_until(5000);
	R.beat[hx(2)] = R.beat[hx(3)] = 0;
	rig_until(24000);	/* fenced at 10000, stuck at 14000 */
	rig_tick_at(24999);
	ck_assert_int_ne(st(2), HS_FENCED);
	ck_assert_int_eq(st(2), HS_UNFENCEABLE);
	ck_assert_int_eq(view(2)->alert_why, WHY_BMC_UNREACHABLE);
	rig_tick_at(25000);			/* 5000 + self_fence_after */
	ck_assert_int_eq(st(2), HS_FENCED);
	ck_assert_int_eq(view(2)->why, WHY_SELF_FENCE_ELAPSED);
	ck_assert_int_eq(count(ACT_RECONCILE, 2, WHY_SELF_FENCE_ELAPSED), 1);
	ck_assert_int_eq(count(ACT_CLEAR_ALERT, 2, WHY_BMC_UNREACHABLE), 1);
	/* Host 3 reads ON: fenced or unfenceable, never self-fenced. */
	R.now = 26000;
	rig_until(60000);
	ck_assert_int_ne(st(3), HS_FENCED);
	ck_assert_int_eq(count(ACT_RECONCILE, 3, -1), 0);
	rig_done();
}
END_TEST

START_TEST(test_garbage_reported_once)
{
	rig_three();
	rig_until(3000);
	R.beat[hx(2)] = 0;
	R.h[hx(2)].hb[0].status = HB_GARBAGE;
	rig_until(20000);
	ck_assert_int_eq(st(2), HS_UNKNOWN);
	ck_assert_int_eq(view(2)->hold, WHY_HB_GARBAGE);
	ck_assert_int_eq(count(ACT_REPORT, 2, WHY_HB_GARBAGE), 1);
	ck_assert_int_eq(count(ACT_FENCE, 0, -1), 0);
	R.beat[hx(2)] = 1;		/* parses again, then garbage again */
	rig_tick();
	ck_assert_int_eq(st(2), HS_ALIVE);
	R.beat[hx(2)] = 0;
	R.h[hx(2)].hb[0].status = HB_GARBAGE;
	rig_tick();
	ck_assert_int_eq(count(ACT_REPORT, 2, WHY_HB_GARBAGE), 2);
	rig_done();
}
END_TEST

/* ---- contract -------------------------------------------------------- */

START_TEST(test_host_dropped)
{
	rig_three();
	R.h[hx(3)].power = PWR_NO_BMC;
	rig_until(3000);
	R.beat[hx(3)] = 0;
	rig_until(12000);
	ck_assert_int_eq(st(3), HS_UNFENCEABLE);
	R.nh = 2;
	rig_tick();
	ck_assert_ptr_null(view(3));
	ck_assert_int_eq(count(ACT_CLEAR_ALERT, 3, WHY_BMC_UNREACHABLE), 1);
	ck_assert_int_eq(count(ACT_REPORT, 3, WHY_HOST_GONE), 1);
	ck_assert_uint_eq(core_host_count(R.st), 2);
	rig_done();
}
END_TEST

START_TEST(test_refuses_bad_input)
{
	struct host_obs	 h2[2];
	struct core_obs	 o;
	char		 err[ERR_LEN];

	rig_three();
	rig_until(2000);
	h2[0] = R.h[1];
	h2[1] = R.h[0];			/* unsorted */
	o = (struct core_obs){ 3000, 1, h2, 2, R.p, R.np };
	R.a.n = R.e.n = 0;
	ck_assert_int_eq(core_step(&R.pol, R.st, &o, &R.a, &R.e), -1);
	ck_assert_int_eq(core_obs_check(&R.pol, R.st, &o, &R.a, &R.e, err),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "sorted"));
	ck_assert_uint_eq(core_host_count(R.st), 3);	/* unchanged */
	o = (struct core_obs){ 1000, 1, R.h, R.nh, R.p, R.np };
	ck_assert_int_eq(core_step(&R.pol, R.st, &o, &R.a, &R.e), -1);
	o.now_ms = 3000;
	R.a.cap = 3;			/* no room for the worst case */
	ck_assert_int_eq(core_step(&R.pol, R.st, &o, &R.a, &R.e), -1);
	R.a.cap = 4096;
	ck_assert_int_eq(core_step(&R.pol, R.st, &o, &R.a, &R.e), 0);
	rig_done();
}
END_TEST

START_TEST(test_names_total)
{
	int	i;

	for (i = 0; i <= HS_LAST; i++)
		ck_assert_str_ne(host_state_name(i), "invalid");
	for (i = 0; i <= WHY_LAST; i++)
		ck_assert_str_ne(act_why_name(i), "invalid");
	for (i = 0; i <= ACT_LAST; i++)
		ck_assert_str_ne(act_kind_name(i), "invalid");
	for (i = 0; i <= PWR_LAST; i++)
		ck_assert_str_ne(pwr_obs_name(i), "invalid");
	for (i = 0; i <= FENCE_LAST; i++)
		ck_assert_str_ne(fence_result_name(i), "invalid");
	for (i = 0; i <= HB_LAST; i++)
		ck_assert_str_ne(hb_status_name(i), "invalid");
	for (i = 0; i <= IGN_LAST; i++)
		ck_assert_str_ne(ign_reason_name(i), "invalid");
	ck_assert_str_eq(act_why_name(WHY_LAST + 1), "invalid");
	ck_assert_str_eq(host_state_name(HS_FENCED), "fenced");
}
END_TEST

START_TEST(test_defaults_pass_check)
{
	struct core_policy	p;
	char			err[ERR_LEN];

	core_policy_defaults(&p);
	ck_assert_msg(core_policy_check(&p, err) == 0, "%s", err);
	ck_assert_uint_eq(core_self_fence_min_ms(&p), 415000);
	p.dead_after_ms = p.suspect_after_ms + p.agent_hb_interval_ms - 1;
	ck_assert_int_eq(core_policy_check(&p, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "dead_after_ms"));
}
END_TEST

static Suite *
fsm_suite(void)
{
	Suite	*s = suite_create("host_fsm");
	TCase	*tc = tcase_create("fsm");

	tcase_add_test(tc, test_alive_at_once);
	tcase_add_test(tc, test_s1_fence_exactly_at_dead_after);
	tcase_add_test(tc, test_s1_one_pool_unknown_no_fence);
	tcase_add_test(tc, test_s1_missing_or_unreadable_no_fence);
	tcase_add_test(tc, test_s1_alone_on_pool_never_fenced);
	tcase_add_test(tc, test_s2_single_off_not_enough);
	tcase_add_test(tc, test_s2_off_on_off_not_enough);
	tcase_add_test(tc, test_s2_same_reading_counts_once);
	tcase_add_test(tc, test_s2_two_offs_fenced_and_reconciled);
	tcase_add_test(tc, test_standby_never_fences_or_reconciles);
	tcase_add_test(tc, test_operator_confirmed);
	tcase_add_test(tc, test_fence_confirmed);
	tcase_add_test(tc, test_fence_quiet_then_budget_unfenceable);
	tcase_add_test(tc, test_fence_stuck_counts_as_failed);
	tcase_add_test(tc, test_fence_fails_then_off_lands);
	tcase_add_test(tc, test_fence_auth_error);
	tcase_add_test(tc, test_pwr_auth_error_while_dead);
	tcase_add_test(tc, test_no_bmc_unfenceable);
	tcase_add_test(tc, test_startup_grace);
	tcase_add_test(tc, test_startup_seeding);
	tcase_add_test(tc, test_late_host_not_seeded);
	tcase_add_test(tc, test_ignored_maintenance);
	tcase_add_test(tc, test_returned_never_loops);
	tcase_add_test(tc, test_returned_rearms);
	tcase_add_test(tc, test_self_fence);
	tcase_add_test(tc, test_garbage_reported_once);
	tcase_add_test(tc, test_host_dropped);
	tcase_add_test(tc, test_refuses_bad_input);
	tcase_add_test(tc, test_names_total);
	tcase_add_test(tc, test_defaults_pass_check);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(fsm_suite());
	int	 nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
