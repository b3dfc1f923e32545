/*
 * check_tick.c -- the supervisor's round (src/tick.c) with a fake clock:
 * the core's time is taken after the heartbeat reads.
 *
 * A daemon with three hosts on one local heartbeat pool (a temporary
 * directory, read by the real heartbeat reader), no database (down, no
 * retry due) and no BMC pool runs tick_run() while the test moves a fake
 * monotonic clock.  A slow round -- started at 3000, its reads done at
 * 5000, as after a database timeout or an NFS stall -- must stamp the
 * changes it saw at 5000.  Stamped at the round's start they look 2 s
 * older on the catch-up round, every host goes suspect at once and the
 * storm guard raises a false alert.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "act.h"
#include "corroborate.h"
#include "daemon.h"

#define NH	3

static struct daemon	 D;
static char		 dir[64];
static uint64_t		 fake_now;

static uint64_t
fake_clock(void)
{
	return fake_now;
}

static void
write_beats(uint64_t value)
{
	char	path[128];
	FILE	*f;
	size_t	i;

	for (i = 0; i < NH; i++) {
		snprintf(path, sizeof(path), "%s/KVMHA/hb-10.0.0.%zu", dir,
		    i + 1);
		f = fopen(path, "w");
		ck_assert_ptr_nonnull(f);
		fprintf(f, "%llu\n", (unsigned long long)value);
		ck_assert_int_eq(fclose(f), 0);
	}
}

static void
setup(void)
{
	char	err[ERR_LEN], path[128];
	size_t	i;

	snprintf(dir, sizeof(dir), "/tmp/hawatch-tick.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/KVMHA", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	memset(&D, 0, sizeof(D));
	config_defaults(&D.cfg);
	D.mono_ms = fake_clock;
	D.cfg.sweep.enabled = 0;		/* no libvirt corroboration */
	D.corr = corroborate_new();
	D.db_next_try_ms = UINT64_MAX;		/* database down, no retry */
	hb_opts_default(&D.hb_opts);
	D.inv.hosts = calloc(NH, sizeof(*D.inv.hosts));
	D.extra = calloc(NH, sizeof(*D.extra));
	D.inv.nhosts = NH;
	for (i = 0; i < NH; i++) {
		D.inv.hosts[i].id = i + 1;
		D.inv.hosts[i].cluster_id = 1;
		snprintf(D.inv.hosts[i].ip, sizeof(D.inv.hosts[i].ip),
		    "10.0.0.%zu", i + 1);
		D.inv.hosts[i].npools = 1;	/* pools[0] = slot 0 */
		D.extra[i].id = i + 1;
	}
	D.slots = calloc(1, sizeof(*D.slots));
	D.nslots = 1;
	D.slots[0].pool_id = 1;
	snprintf(D.slots[0].spec, sizeof(D.slots[0].spec), "%s", dir);
	D.slots[0].pool = hb_pool_open(dir, &D.hb_opts, err);
	ck_assert_msg(D.slots[0].pool != NULL, "%s", err);
	D.core = core_state_new();
	core_policy_defaults(&D.pol);
	D.pol.agent_hb_interval_ms = 1000;
	D.pol.agent_hb_write_timeout_ms = 1000;
	D.pol.agent_hb_max_tries = 2;
	D.pol.agent_hb_retry_sleep_ms = 1000;
	D.pol.suspect_after_ms = 1500;
	D.pol.dead_after_ms = 3000;
	D.pol.startup_grace_ms = 0;
	D.pol.rearm_after_ms = 20000;
	ck_assert_int_eq(core_policy_check(&D.pol, err), 0);
}

static void
teardown(void)
{
	char	path[128];
	size_t	i;

	for (i = 0; i < NH; i++) {
		snprintf(path, sizeof(path), "%s/KVMHA/hb-10.0.0.%zu", dir,
		    i + 1);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/KVMHA", dir);
	rmdir(path);
	rmdir(dir);
	hb_pool_close(D.slots[0].pool);
	free(D.slots);
	free(D.inv.hosts);
	free(D.extra);
	free(D.obs_hosts);
	free(D.obs_pools);
	free(D.fence_news);
	free(D.alerts);
	free(D.acts.v);
	free(D.evs.v);
	core_state_free(D.core);
	corroborate_free(D.corr);
	config_free(&D.cfg);
}

/* one round started at start; the reads are over at done */
static void
round_at(uint64_t start, uint64_t done)
{
	fake_now = done;
	ck_assert_int_eq(tick_run(&D, start), 0);
}

START_TEST(test_stamp_after_reads)
{
	const struct host_core_view	*v;
	size_t				 i;

	write_beats(1000);
	round_at(0, 0);
	write_beats(1001);
	round_at(1000, 1000);
	write_beats(1002);
	round_at(2000, 2000);
	/* a slow round: started at 3000, the hosts wrote at 4500, the
	 * reads saw it at 5000 */
	write_beats(1004);
	round_at(3000, 5000);
	v = core_host_view(D.core, 1);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->npools, 1);
	ck_assert_int_eq(v->pools[0].last_change_ms, 5000);
	/* the catch-up round right after: nothing is 2 s old */
	round_at(5000, 5000);
	ck_assert_uint_eq(D.nalerts, 0);
	for (i = 1; i <= NH; i++)
		ck_assert_int_eq(core_host_view(D.core, i)->state, HS_ALIVE);
	ck_assert_int_eq(core_cluster_storm(D.core, 1), 0);
	ck_assert_uint_eq(D.nalerts, 0);
}
END_TEST

static Suite *
tick_suite(void)
{
	Suite	*s = suite_create("tick");
	TCase	*tc = tcase_create("stamp");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_stamp_after_reads);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(tick_suite());
	int	 nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
