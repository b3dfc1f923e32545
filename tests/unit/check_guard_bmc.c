/*
 * check_guard_bmc.c -- unit tests of the BMC corroboration rule
 * (src/core/guard_bmc.c): when two off readings may count as S2, what
 * contradicts them, and how the bmc_contradiction latch is restored from
 * hawatch.alerts and lifted by an operator.  Fake clock: the rig's now.
 * The stories behind them: tests/scenarios/04x-bmc-*.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

#include "core_rig.h"

/* Hosts 1-3 on pool 1, writing every tick; host 2's BMC is the subject. */
static void
rig_three(void)
{
	rig_init();
	rig_pool(1);
	rig_host(1, 1, 1, 0);
	rig_host(2, 1, 1, 0);
	rig_host(3, 1, 1, 0);
}

START_TEST(test_no_endpoint_window_is_interval_plus_tick)
{
	rig_three();
	rig_until(5000);
	R.beat[hx(2)] = 0;			/* power lost before 6000 */
	R.h[hx(2)].power = PWR_OFF;
	rig_tick();				/* 6000: first off */
	ck_assert_int_eq(st(2), HS_ALIVE);
	rig_tick();				/* 7000: second off */
	ck_assert_int_eq(st(2), HS_SUSPECT);
	ck_assert_int_eq(view(2)->hold, WHY_BMC_OFF_UNCONFIRMED);
	rig_tick_at(7999);			/* 1 ms short of 1000 + 1000 */
	ck_assert_int_eq(st(2), HS_SUSPECT);
	rig_tick_at(8000);
	ck_assert_int_eq(st(2), HS_FENCED);
	ck_assert_int_eq(view(2)->why, WHY_POWER_OFF_CONFIRMED);
	ck_assert_int_eq(count(ACT_ALERT, 2, -1), 0);
	rig_done();
}
END_TEST

START_TEST(test_writing_host_contradicts_after_two_ticks)
{
	rig_three();
	rig_until(5000);
	R.h[hx(2)].power = PWR_OFF;		/* wrong BMC; host 2 writes */
	rig_tick();				/* 6000: change, tick 0 */
	rig_tick();				/* 7000: change, tick 1 */
	ck_assert_int_eq(count(ACT_ALERT, 2, WHY_BMC_CONTRADICTION), 0);
	rig_tick();				/* 8000: tick 2: seen */
	ck_assert_int_eq(count(ACT_ALERT, 2, WHY_BMC_CONTRADICTION), 0);
	ck_assert_int_eq(st(2), HS_ALIVE);	/* the off run proves nothing */
	rig_tick();				/* 9000: reading +1 */
	ck_assert_int_eq(count(ACT_ALERT, 2, WHY_BMC_CONTRADICTION), 0);
	rig_tick();				/* 10000: +2, still off */
	ck_assert_int_eq(count(ACT_ALERT, 2, WHY_BMC_CONTRADICTION), 1);
	ck_assert_int_eq(first_t(ACT_ALERT, 2), 10000);
	ck_assert_int_eq(st(2), HS_ALIVE);
	ck_assert_int_eq(view(2)->hold, WHY_BMC_CONTRADICTION);
	ck_assert_int_eq(view(2)->bmc_contradiction, 1);
	/* then it really dies: S1 dead, but the distrusted BMC fences
	 * nothing and confirms nothing */
	R.beat[hx(2)] = 0;
	rig_until(20000);
	ck_assert_int_eq(st(2), HS_DEAD);
	ck_assert_int_eq(view(2)->hold, WHY_BMC_CONTRADICTION);
	ck_assert_int_eq(count(ACT_FENCE, 2, -1), 0);
	ck_assert_int_eq(count(ACT_RECONCILE, 2, -1), 0);
	ck_assert_int_eq(count(ACT_ALERT, 2, WHY_BMC_CONTRADICTION), 1);
	rig_done();
}
END_TEST

/*
 * A fenced host powered on again writes before the BMC is read again: the
 * write meets an old off reading.  The next reading is on: no
 * contradiction, and the BMC still fences the host when it hangs again.
 */
START_TEST(test_power_on_write_before_next_reading_no_contradiction)
{
	rig_three();
	rig_until(5000);
	R.beat[hx(2)] = 0;			/* power lost */
	R.h[hx(2)].power = PWR_OFF;
	rig_until(12000);
	ck_assert_int_eq(st(2), HS_FENCED);
	R.beat[hx(2)] = 1;			/* powered on: it writes, */
	R.bmc[hx(2)] = 0;			/* the BMC not read again yet */
	rig_tick();
	R.bmc[hx(2)] = 1;
	R.h[hx(2)].power = PWR_ON;		/* the next reading */
	rig_until(16000);
	ck_assert_int_eq(count(ACT_ALERT, 2, WHY_BMC_CONTRADICTION), 0);
	ck_assert_int_eq(view(2)->bmc_contradiction, 0);
	ck_assert_int_eq(view(2)->hold, WHY_NONE);
	rig_done();
}
END_TEST

START_TEST(test_unknown_reading_then_write_ends_run)
{
	rig_three();
	rig_until(5000);
	R.beat[hx(2)] = 0;
	R.h[hx(2)].power = PWR_OFF;
	rig_tick();				/* 6000: first off */
	R.h[hx(2)].power = PWR_UNKNOWN;		/* BMC stops answering */
	rig_tick();				/* 7000 */
	R.beat[hx(2)] = 1;			/* the host writes: not off */
	rig_until(12000);
	ck_assert_int_eq(count(ACT_ALERT, 2, -1), 0);
	ck_assert_int_eq(st(2), HS_ALIVE);
	rig_done();
}
END_TEST

START_TEST(test_probe_answer_contradicts_silence_confirms)
{
	rig_three();
	R.h[hx(2)].probe = PROBE_NONE;		/* host 2 has an endpoint */
	R.h[hx(3)].probe = PROBE_NONE;		/* so has host 3 */
	rig_until(5000);
	R.h[hx(2)].power = R.h[hx(3)].power = PWR_OFF;
	R.beat[hx(3)] = 0;
	rig_tick();				/* 6000: first off, probes go */
	/* a result of a probe begun before the run means nothing */
	R.h[hx(2)].probe = PROBE_ANSWERED;
	R.h[hx(2)].probe_seq = 1;
	R.h[hx(2)].probe_power_seq = R.h[hx(2)].power_seq - 1;
	rig_tick();				/* 7000: second off */
	ck_assert_int_eq(count(ACT_ALERT, 2, -1), 0);
	ck_assert_int_eq(st(2), HS_SUSPECT);
	ck_assert_int_eq(st(3), HS_SUSPECT);	/* no result yet: wait */
	R.h[hx(2)].probe_seq = 2;		/* begun at the first off */
	R.h[hx(2)].probe_power_seq = R.h[hx(2)].power_seq - 1;
	R.h[hx(3)].probe = PROBE_SILENT;
	R.h[hx(3)].probe_seq = 1;
	R.h[hx(3)].probe_power_seq = R.h[hx(3)].power_seq - 1;
	rig_tick();				/* 8000: answered */
	ck_assert_int_eq(count(ACT_ALERT, 2, WHY_BMC_CONTRADICTION), 0);
	ck_assert_int_ne(st(2), HS_FENCED);	/* the off run proves nothing */
	ck_assert_int_eq(st(3), HS_FENCED);
	rig_until(10000);			/* two readings on, still off */
	ck_assert_int_eq(count(ACT_ALERT, 2, WHY_BMC_CONTRADICTION), 1);
	ck_assert_int_eq(first_t(ACT_ALERT, 2), 10000);
	ck_assert_int_eq(count(ACT_ALERT, 3, -1), 0);
	rig_done();
}
END_TEST

START_TEST(test_open_row_restores_latch_operator_clears)
{
	rig_three();
	R.h[hx(2)].contradiction_open = 1;	/* raised before a restart */
	R.h[hx(2)].contradiction_cleared = 4;
	rig_tick();				/* 0 */
	ck_assert_int_eq(count(ACT_ALERT, 2, WHY_BMC_CONTRADICTION), 1);
	ck_assert_int_eq(view(2)->bmc_contradiction, 1);
	rig_until(5000);
	R.beat[hx(2)] = 0;			/* power really lost */
	R.h[hx(2)].power = PWR_OFF;
	rig_until(9000);
	ck_assert_int_eq(count(ACT_RECONCILE, 2, -1), 0);
	ck_assert_int_ne(st(2), HS_FENCED);
	/* the operator clears row 7: the latch goes, a fresh run starts */
	R.h[hx(2)].contradiction_open = 0;
	R.h[hx(2)].contradiction_cleared = 7;
	rig_tick();				/* 10000 (reading not counted) */
	ck_assert_int_eq(count(ACT_CLEAR_ALERT, 2, WHY_BMC_CONTRADICTION), 1);
	ck_assert_int_eq(view(2)->bmc_contradiction, 0);
	rig_tick();				/* 11000: first off */
	rig_tick();				/* 12000: second off */
	ck_assert_int_ne(st(2), HS_FENCED);
	rig_tick_at(13000);			/* 11000 + 1000 + 1000 */
	ck_assert_int_eq(st(2), HS_FENCED);
	rig_done();
}
END_TEST

START_TEST(test_fence_off_confirmed_from_distrusted_bmc)
{
	rig_three();
	R.h[hx(2)].probe = PROBE_NONE;
	rig_until(5000);
	R.beat[hx(2)] = 0;			/* host 2 hangs, BMC says on */
	rig_until(10000);
	ck_assert_int_eq(st(2), HS_FENCING);
	/* its libvirt answers while the BMC (mid-fence) reads off */
	R.h[hx(2)].power = PWR_OFF;
	rig_tick();				/* 11000 */
	R.h[hx(2)].probe = PROBE_ANSWERED;
	R.h[hx(2)].probe_seq = 1;
	R.h[hx(2)].probe_power_seq = R.h[hx(2)].power_seq;
	R.h[hx(2)].fence = FENCE_OFF_CONFIRMED;
	R.h[hx(2)].fence_seq = 1;
	rig_tick();				/* 12000 */
	/* the answer is not resolved yet: the result is not believed */
	ck_assert_int_eq(st(2), HS_DEAD);
	ck_assert_int_eq(view(2)->why, WHY_FENCE_FAILED);
	rig_until(14000);			/* two readings on, still off */
	ck_assert_int_eq(count(ACT_ALERT, 2, WHY_BMC_CONTRADICTION), 1);
	ck_assert_int_eq(view(2)->hold, WHY_BMC_CONTRADICTION);
	rig_until(30000);
	ck_assert_int_eq(count(ACT_RECONCILE, 2, -1), 0);
	ck_assert_int_eq(count(ACT_FENCE, 2, -1), 1);
	rig_done();
}
END_TEST

START_TEST(test_identity_mismatch_disables_fencing)
{
	rig_three();
	R.h[hx(2)].identity = BMC_ID_MISMATCH;
	rig_until(5000);
	R.beat[hx(2)] = 0;			/* hang: BMC reads on */
	rig_until(15000);
	ck_assert_int_eq(count(ACT_ALERT, 2, WHY_BMC_IDENTITY_MISMATCH), 1);
	ck_assert_int_eq(st(2), HS_DEAD);
	ck_assert_int_eq(view(2)->hold, WHY_BMC_IDENTITY_MISMATCH);
	ck_assert_int_eq(count(ACT_FENCE, 2, -1), 0);
	R.h[hx(2)].identity = BMC_ID_UNKNOWN;	/* unknown keeps the latch */
	rig_until(17000);
	ck_assert_int_eq(count(ACT_FENCE, 2, -1), 0);
	R.h[hx(2)].identity = BMC_ID_MATCH;
	rig_tick();
	ck_assert_int_eq(count(ACT_CLEAR_ALERT, 2,
	    WHY_BMC_IDENTITY_MISMATCH), 1);
	ck_assert_int_eq(count(ACT_FENCE, 2, WHY_HB_DEAD), 1);
	rig_done();
}
END_TEST

START_TEST(test_obs_check_refuses_bad_enums)
{
	struct core_obs	 o;
	char		 err[ERR_LEN];

	rig_three();
	R.h[hx(2)].probe = (enum probe_obs)(PROBE_LAST + 1);
	memset(&o, 0, sizeof(o));
	o.hosts = R.h;
	o.nhosts = R.nh;
	o.pools = R.p;
	o.npools = R.np;
	ck_assert_int_eq(core_state_reserve(R.st, R.nh, R.np), 0);
	R.a.n = R.e.n = 0;
	ck_assert_int_eq(core_obs_check(&R.pol, R.st, &o, &R.a, &R.e, err),
	    -1);
	ck_assert_ptr_nonnull(strstr(err, "host 2"));
	rig_done();
}
END_TEST

static Suite *
guard_bmc_suite(void)
{
	Suite	*s = suite_create("guard_bmc");
	TCase	*tc = tcase_create("guard_bmc");

	tcase_add_test(tc, test_no_endpoint_window_is_interval_plus_tick);
	tcase_add_test(tc, test_writing_host_contradicts_after_two_ticks);
	tcase_add_test(tc, test_unknown_reading_then_write_ends_run);
	tcase_add_test(tc, test_power_on_write_before_next_reading_no_contradiction);
	tcase_add_test(tc, test_probe_answer_contradicts_silence_confirms);
	tcase_add_test(tc, test_open_row_restores_latch_operator_clears);
	tcase_add_test(tc, test_fence_off_confirmed_from_distrusted_bmc);
	tcase_add_test(tc, test_identity_mismatch_disables_fencing);
	tcase_add_test(tc, test_obs_check_refuses_bad_enums);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(guard_bmc_suite());
	int	 nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
