/*
 * check_guards.c -- unit tests of the cluster and pool guards.
 *
 * Storm guard (S3) on and off, its fraction boundary, its alert raised
 * and cleared once, a pool-wide stall (S1's "another host advances"
 * test and the pool storm), the derived dead_after floor against
 * staggered writers, unreadable pools, and which hosts count as
 * eligible.  Fake clock: the rig's uint64_t now.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

#include "core_rig.h"

static void
rig_two_clusters(void)
{
	uint64_t	id;

	rig_init();
	rig_pool(1);
	for (id = 1; id <= 6; id++)
		rig_host(id, id <= 4 ? 1 : 2, 1, 0);
}

START_TEST(test_storm_rule_boundary)
{
	struct core_policy	p;

	core_policy_defaults(&p);		/* 500 per mille */
	ck_assert_int_eq(guard_storm_rule(&p, 4, 2), 0);	/* = half */
	ck_assert_int_eq(guard_storm_rule(&p, 4, 3), 1);
	ck_assert_int_eq(guard_storm_rule(&p, 3, 2), 1);
	ck_assert_int_eq(guard_storm_rule(&p, 2, 2), 1);
	ck_assert_int_eq(guard_storm_rule(&p, 1, 1), 0);	/* one host */
	ck_assert_int_eq(guard_storm_rule(&p, 2, 1), 0);
	p.storm_fraction = 250;
	ck_assert_int_eq(guard_storm_rule(&p, 8, 2), 0);	/* = quarter */
	ck_assert_int_eq(guard_storm_rule(&p, 8, 3), 1);
	p.storm_fraction = 1000;
	ck_assert_int_eq(guard_storm_rule(&p, 4, 4), 0);	/* never */
}
END_TEST

START_TEST(test_storm_half_cluster)
{
	rig_two_clusters();
	rig_until(5000);
	R.beat[hx(1)] = R.beat[hx(2)] = R.beat[hx(3)] = 0;
	rig_until(30000);
	ck_assert_int_eq(count(ACT_FENCE, 0, -1), 0);
	ck_assert_int_eq(count(ACT_ALERT, 0, WHY_STORM_GUARD), 1);
	ck_assert_int_eq(first_t(ACT_ALERT, 0), 7000);	/* stale at once */
	ck_assert(core_cluster_storm(R.st, 1));
	ck_assert(!core_cluster_storm(R.st, 2));
	ck_assert_int_eq(st(1), HS_DEAD);
	ck_assert_int_eq(view(1)->hold, WHY_STORM_GUARD);
	R.beat[hx(1)] = R.beat[hx(2)] = R.beat[hx(3)] = 1;
	rig_tick();
	ck_assert_int_eq(count(ACT_CLEAR_ALERT, 0, WHY_STORM_GUARD), 1);
	ck_assert(!core_cluster_storm(R.st, 1));
	rig_until(40000);
	ck_assert_int_eq(count(ACT_ALERT, 0, WHY_STORM_GUARD), 1);
	rig_done();
}
END_TEST

START_TEST(test_storm_boundary_half_is_not_storm)
{
	rig_two_clusters();
	rig_until(5000);
	R.beat[hx(1)] = R.beat[hx(2)] = 0;	/* 2 of 4 */
	rig_until(10000);
	ck_assert_int_eq(count(ACT_ALERT, 0, WHY_STORM_GUARD), 0);
	ck_assert_int_eq(count(ACT_FENCE, 1, -1), 1);
	ck_assert_int_eq(count(ACT_FENCE, 2, -1), 1);
	rig_done();
}
END_TEST

START_TEST(test_storm_guard_off)
{
	rig_two_clusters();
	R.pol.storm_guard_enabled = 0;
	rig_until(5000);
	R.beat[hx(1)] = R.beat[hx(2)] = R.beat[hx(3)] = 0;
	rig_until(10000);
	ck_assert_int_eq(count(ACT_ALERT, 0, WHY_STORM_GUARD), 0);
	ck_assert_int_eq(count(ACT_FENCE, 0, -1), 3);
	ck_assert_int_eq(first_t(ACT_FENCE, 3), 10000);
	rig_done();
}
END_TEST

START_TEST(test_single_host_cluster_is_no_storm)
{
	rig_two_clusters();
	R.h[hx(5)].cluster_id = 3;	/* cluster 3: host 5 alone */
	rig_until(5000);
	R.beat[hx(5)] = 0;
	rig_until(10000);
	ck_assert_int_eq(count(ACT_ALERT, 0, -1), 0);
	ck_assert_int_eq(first_t(ACT_FENCE, 5), 10000);
	rig_done();
}
END_TEST

static void
pool_stall(int guard)
{
	uint64_t	id;

	rig_two_clusters();
	R.pol.storm_guard_enabled = guard;
	rig_until(5000);
	for (id = 1; id <= 6; id++)
		R.beat[hx(id)] = 0;	/* every write on pool 1 stops */
	rig_until(60000);
	ck_assert_int_eq(count(ACT_FENCE, 0, -1), 0);
	ck_assert_int_eq(count(ACT_ALERT, 0, WHY_POOL_STALL), 1);
	ck_assert_int_eq(first_t(ACT_ALERT, 0), guard ? 7000 : 10000);
	ck_assert(core_pool_stalled(R.st, 1));
	ck_assert_int_eq(st(3), HS_SUSPECT);
	ck_assert_int_eq(view(3)->hold, WHY_POOL_STALL);
	ck_assert_int_eq(count(ACT_ALERT, 0, WHY_STORM_GUARD), guard ? 2 : 0);
	for (id = 1; id <= 6; id++)
		R.beat[hx(id)] = 1;
	rig_tick();
	ck_assert_int_eq(count(ACT_CLEAR_ALERT, 0, WHY_POOL_STALL), 1);
	ck_assert_int_eq(st(3), HS_ALIVE);
	rig_done();
}

START_TEST(test_pool_stall_guard_on)
{
	pool_stall(1);
}
END_TEST

START_TEST(test_pool_stall_guard_off)
{
	pool_stall(0);	/* S1 alone still fences nobody */
}
END_TEST

/*
 * Writers on a 3 s interval at three phases; the pool stalls.  With
 * dead_after at its floor (suspect_after + interval) S1 alone, storm
 * guard off, must fence nobody: by the time the earliest writer is
 * dead, the latest is already past suspect_after.
 */
START_TEST(test_stall_staggered_writers_floor)
{
	char		err[ERR_LEN];
	uint64_t	id;

	rig_init();
	R.pol.agent_hb_interval_ms = 3000;
	R.pol.suspect_after_ms = 4000;
	R.pol.dead_after_ms = 6999;
	ck_assert_int_eq(core_policy_check(&R.pol, err), -1);
	R.pol.dead_after_ms = 7000;
	ck_assert_msg(core_policy_check(&R.pol, err) == 0, "%s", err);
	R.pol.storm_guard_enabled = 0;
	rig_pool(1);
	for (id = 1; id <= 3; id++)
		rig_host(id, 1, 1, 0);
	rig_until(2000);		/* every tick at first, then phases */
	for (id = 1; id <= 3; id++) {
		R.every[hx(id)] = 3000;
		R.phase[hx(id)] = (id - 1) * 1000;
	}
	rig_until(20000);
	ck_assert_int_eq(st(1), HS_ALIVE);
	ck_assert_int_eq(st(3), HS_ALIVE);
	for (id = 1; id <= 3; id++)
		R.beat[hx(id)] = 0;	/* last writes: 18000, 19000, 20000 */
	rig_until(60000);
	ck_assert_int_eq(count(ACT_FENCE, 0, -1), 0);
	ck_assert_int_eq(count(ACT_ALERT, 0, WHY_POOL_STALL), 1);
	rig_done();
}
END_TEST

/* A stall on pool 2 blocks fencing in every cluster with a host there. */
START_TEST(test_pool_storm_blocks_cluster)
{
	rig_init();
	rig_pool(1);
	rig_pool(2);
	rig_host(1, 1, 1, 0);
	rig_host(2, 1, 1, 0);
	rig_host(3, 1, 2, 0);
	rig_host(4, 1, 2, 0);
	rig_host(5, 2, 1, 0);
	rig_until(5000);
	R.beat[hx(3)] = R.beat[hx(4)] = 0;	/* pool 2 stalls */
	R.beat[hx(1)] = 0;			/* and host 1 hangs */
	rig_until(30000);
	ck_assert_int_eq(count(ACT_FENCE, 0, -1), 0);
	ck_assert_int_eq(st(1), HS_DEAD);
	ck_assert_int_eq(view(1)->hold, WHY_STORM_GUARD);
	R.beat[hx(3)] = R.beat[hx(4)] = 1;	/* pool 2 recovers */
	rig_tick();
	ck_assert_int_eq(count(ACT_FENCE, 1, -1), 1);
	ck_assert_int_eq(count(ACT_CLEAR_ALERT, 0, WHY_STORM_GUARD), 1);
	rig_done();
}
END_TEST

START_TEST(test_unreadable_pool_alert)
{
	rig_two_clusters();
	rig_until(3000);
	R.p[0].readable = 0;
	rig_until(4000);			/* unreadable since 4000 */
	rig_until(5000);
	ck_assert_int_eq(count(ACT_ALERT, 0, WHY_POOL_UNREADABLE), 0);
	rig_tick();				/* 6000: suspect_after */
	ck_assert_int_eq(count(ACT_ALERT, 0, WHY_POOL_UNREADABLE), 1);
	ck_assert_int_eq(st(1), HS_UNKNOWN);
	rig_until(30000);
	ck_assert_int_eq(count(ACT_FENCE, 0, -1), 0);
	ck_assert_int_eq(count(ACT_ALERT, 0, -1), 1);
	R.p[0].readable = 1;
	rig_tick();
	ck_assert_int_eq(count(ACT_CLEAR_ALERT, 0, WHY_POOL_UNREADABLE), 1);
	ck_assert_int_eq(st(1), HS_ALIVE);
	rig_done();
}
END_TEST

/*
 * S3 cascade: a host fenced within rearm_after still counts, in the
 * stale hosts and in the total, so the next death in a 3-host cluster
 * is 2 of 3 and held; once that fence is older than rearm_after the
 * fenced host leaves both counts and the next one is fenced.
 */
START_TEST(test_fenced_recently_counts_in_storm)
{
	int64_t	fenced_at;

	rig_init();
	rig_pool(1);
	rig_host(1, 1, 1, 0);
	rig_host(2, 1, 1, 0);
	rig_host(3, 1, 1, 0);
	rig_until(3000);
	R.beat[hx(3)] = 0;
	R.h[hx(3)].power = PWR_OFF;
	rig_until(6000);
	ck_assert_int_eq(st(3), HS_FENCED);
	fenced_at = first_t(ACT_RECONCILE, 3);
	R.beat[hx(2)] = 0;
	rig_until(20000);
	ck_assert_int_eq(count(ACT_ALERT, 0, WHY_STORM_GUARD), 1);
	ck_assert_int_eq(count(ACT_FENCE, 2, -1), 0);
	ck_assert_int_eq(st(2), HS_DEAD);
	ck_assert_int_eq(core_host_view(R.st, 2)->hold, WHY_STORM_GUARD);
	rig_until(fenced_at + (int64_t)R.pol.rearm_after_ms);
	ck_assert_int_eq(count(ACT_CLEAR_ALERT, 0, WHY_STORM_GUARD), 1);
	ck_assert_int_eq(first_t(ACT_FENCE, 2),
	    fenced_at + (int64_t)R.pol.rearm_after_ms);
	rig_done();
}
END_TEST

/*
 * Random observations, fixed seeds: after every tick the actions must
 * respect the invariants, whatever happened.  S1 is checked from the
 * views: a fenced host has every pool readable with an OK reading
 * unchanged for dead_after, and on each pool another watched host seen
 * changing within suspect_after.
 */
static uint64_t rs;

static uint32_t
rnd(uint32_t n)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs % n);
}

static int
peer_advances(uint64_t self, uint32_t pool)
{
	const struct host_core_view	*v;
	size_t				 i, j;

	for (i = 0; i < R.nh; i++) {
		v = view(R.h[i].host_id);
		if (v->host_id == self || v->state == HS_IGNORED)
			continue;
		for (j = 0; j < v->npools; j++)
			if (v->pools[j].pool_id == pool && !v->pools[j].seeded &&
			    v->pools[j].status == HB_OK &&
			    (int64_t)R.now - v->pools[j].last_change_ms <
			    (int64_t)R.pol.suspect_after_ms)
				return 1;
	}
	return 0;
}

static void
check_invariants(void)
{
	const struct host_core_view	*v;
	const struct action		*a;
	size_t				 i, j;

	for (i = 0; i < R.a.n; i++) {
		a = &R.av[i];
		if (a->kind != ACT_FENCE && a->kind != ACT_RECONCILE)
			continue;
		ck_assert(R.leader);
		v = view(a->host_id);
		ck_assert_ptr_nonnull(v);
		if (a->kind == ACT_RECONCILE) {
			ck_assert_int_eq(v->state, HS_FENCED);
			continue;
		}
		ck_assert_int_eq(v->state, HS_FENCING);
		ck_assert(!core_cluster_storm(R.st, v->cluster_id));
		ck_assert_uint_le(v->fence_attempts, R.pol.fence_max_attempts);
		ck_assert_uint_gt(v->npools, 0);
		for (j = 0; j < v->npools; j++) {
			ck_assert(v->pools[j].readable);
			ck_assert_int_eq(v->pools[j].status, HB_OK);
			ck_assert_int_ge((int64_t)R.now -
			    v->pools[j].last_change_ms,
			    (int64_t)R.pol.dead_after_ms);
			ck_assert(peer_advances(v->host_id,
			    v->pools[j].pool_id));
		}
	}
}

START_TEST(test_random_invariants)
{
	static const enum hb_status hs[] = { HB_OK, HB_OK, HB_OK, HB_UNKNOWN,
	    HB_GARBAGE, HB_MISSING };
	static const enum pwr_obs ps[] = { PWR_ON, PWR_ON, PWR_OFF, PWR_OFF,
	    PWR_UNKNOWN, PWR_AUTH_ERROR, PWR_NO_BMC };
	static const enum fence_result fr[] = { FENCE_OFF_CONFIRMED,
	    FENCE_FAILED_UNKNOWN, FENCE_FAILED_UNKNOWN, FENCE_AUTH_ERROR };
	uint64_t	id;
	size_t		i, k, n;
	int		tick;

	rs = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(_i + 1) * 0x100000001b3ULL;
	rig_init();
	R.pol.self_fence_after_ms = rnd(2) ? 12000 : 0;
	R.pol.storm_guard_enabled = rnd(4) != 0;
	rig_pool(1);
	rig_pool(2);
	for (id = 1; id <= 8; id++)
		rig_host(id, 1 + id % 2, 1 + rnd(2), rnd(2) ? 2 : 0);
	for (i = 0; i < R.nh; i++)	/* pool lists must be unique */
		if (R.h[i].nhb == 2 && R.h[i].hb[0].pool_id == 2)
			R.h[i].nhb = 1;
	for (tick = 0; tick < 300; tick++) {
		for (n = rnd(4), k = 0; k < n; k++) {
			i = rnd((uint32_t)R.nh);
			switch (rnd(9)) {
			case 0:
			case 1:
				R.beat[i] = !R.beat[i];
				break;
			case 2:
				R.h[i].hb[rnd((uint32_t)R.h[i].nhb)].status =
				    hs[rnd(6)];
				break;
			case 3:
				R.h[i].power = ps[rnd(7)];
				break;
			case 4:
				R.h[i].fence = fr[rnd(4)];
				R.h[i].fence_seq++;
				break;
			case 5:
				R.p[rnd(2)].readable = rnd(5) != 0;
				break;
			case 6:
				R.leader = rnd(5) != 0;
				break;
			case 7:
				R.h[i].ignored = rnd(6) == 0 ?
				    IGN_MAINTENANCE : IGN_NONE;
				break;
			case 8:
				R.h[i].operator_confirmed_off = rnd(8) == 0;
				R.h[i].vms_active = rnd(3);
				break;
			}
		}
		rig_tick();
		R.now -= R.tick;	/* views are as of this tick */
		check_invariants();
		R.now += R.tick + rnd(3) * 500;
	}
	rig_done();
}
END_TEST

static Suite *
guards_suite(void)
{
	Suite	*s = suite_create("guards");
	TCase	*tc = tcase_create("guards");

	tcase_add_test(tc, test_storm_rule_boundary);
	tcase_add_test(tc, test_storm_half_cluster);
	tcase_add_test(tc, test_storm_boundary_half_is_not_storm);
	tcase_add_test(tc, test_storm_guard_off);
	tcase_add_test(tc, test_single_host_cluster_is_no_storm);
	tcase_add_test(tc, test_pool_stall_guard_on);
	tcase_add_test(tc, test_pool_stall_guard_off);
	tcase_add_test(tc, test_stall_staggered_writers_floor);
	tcase_add_test(tc, test_pool_storm_blocks_cluster);
	tcase_add_test(tc, test_unreadable_pool_alert);
	tcase_add_test(tc, test_fenced_recently_counts_in_storm);
	tcase_add_loop_test(tc, test_random_invariants, 0, 40);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(guards_suite());
	int	 nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
