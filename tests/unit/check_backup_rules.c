/*
 * check_backup_rules.c -- unit tests of the stale-backup rules
 * (src/core/backup_rules.c) and of sweep_cs_running_here(): which rows
 * may be reaped, when they are reaped, and how a reap's result reads.
 * Table-driven; no database, no libvirt.
 */
#include <check.h>
#include <stdlib.h>

#include "backup_rules.h"

START_TEST(test_classify_table)
{
	static const struct {
		struct backup_look	 b;
		enum sweep_bk_verdict	 want;
	} t[] = {
		/* { host_id, host_observed, dom_paused, dom_running, job } */
		/* no host wins over everything else */
		{ { 0, 1, 1, 0, SJ_NONE }, SBK_NO_HOST },
		{ { 0, 0, 0, 0, SJ_NONE }, SBK_NO_HOST },
		{ { 3, 0, 1, 0, SJ_NONE }, SBK_HOST_UNOBSERVED },
		{ { 3, 0, 0, 1, SJ_NONE }, SBK_HOST_UNOBSERVED },
		/* neither paused nor running there: kept (may run elsewhere) */
		{ { 3, 1, 0, 0, SJ_NONE }, SBK_NO_DOMAIN },
		{ { 3, 1, 0, 0, SJ_ACTIVE }, SBK_NO_DOMAIN },
		/* paused with no job, or no job API: reapable */
		{ { 3, 1, 1, 0, SJ_NONE }, SBK_WOULD_REAP },
		{ { 3, 1, 1, 0, SJ_UNSUPPORTED }, SBK_WOULD_REAP },
		/* running again with no job (issue 12): reapable too */
		{ { 3, 1, 0, 1, SJ_NONE }, SBK_WOULD_REAP },
		{ { 3, 1, 0, 1, SJ_UNSUPPORTED }, SBK_WOULD_REAP },
		/* a job, or one that could not be read: kept */
		{ { 3, 1, 1, 0, SJ_ACTIVE }, SBK_JOB_ACTIVE },
		{ { 3, 1, 1, 0, SJ_UNKNOWN }, SBK_JOB_ACTIVE },
		{ { 3, 1, 0, 1, SJ_ACTIVE }, SBK_JOB_ACTIVE },
		{ { 3, 1, 0, 1, SJ_UNKNOWN }, SBK_JOB_ACTIVE },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(backup_rule_classify(&t[i].b) == t[i].want,
		    "row %zu: got %s", i,
		    sweep_bk_verdict_name(backup_rule_classify(&t[i].b)));
}
END_TEST

START_TEST(test_next_table)
{
	static const struct {
		enum sweep_bk_verdict	v;
		int			enabled, acting;
		enum backup_next	want;
	} t[] = {
		{ SBK_WOULD_REAP, 1, 1, BKN_REAP },
		{ SBK_WOULD_REAP, 1, 0, BKN_COUNT_WOULD },
		{ SBK_WOULD_REAP, 0, 1, BKN_REAP_OFF },
		{ SBK_WOULD_REAP, 0, 0, BKN_REAP_OFF },
		{ SBK_JOB_ACTIVE, 1, 1, BKN_KEEP },
		{ SBK_NO_DOMAIN, 1, 1, BKN_KEEP },
		{ SBK_HOST_UNOBSERVED, 1, 1, BKN_KEEP },
		{ SBK_NO_HOST, 1, 1, BKN_KEEP },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(backup_rule_next(t[i].v, t[i].enabled,
		    t[i].acting) == t[i].want, "row %zu", i);
}
END_TEST

START_TEST(test_outcome)
{
	ck_assert_int_eq(backup_rule_outcome(1, 0), SBK_ERROR);
	ck_assert_int_eq(backup_rule_outcome(1, 1), SBK_ERROR);
	ck_assert_int_eq(backup_rule_outcome(0, 0), SBK_RACED);
	ck_assert_int_eq(backup_rule_outcome(0, 1), SBK_REAPED);
	ck_assert_str_eq(sweep_bk_verdict_name(SBK_WOULD_REAP), "would-reap");
	ck_assert_str_eq(sweep_bk_verdict_name(SBK_REAP_OFF), "reap-off");
	ck_assert_str_eq(sweep_bk_verdict_name(SBK_NO_DOMAIN), "no-domain");
}
END_TEST

START_TEST(test_cs_running_here_table)
{
	static const struct {
		int		 found, removed;
		const char	*state;
		uint64_t	 vm_host;
		int		 want;
	} t[] = {
		{ 1, 0, "Running", 7, 1 },
		{ 0, 0, "Running", 7, 0 },	/* no row */
		{ 1, 1, "Running", 7, 0 },	/* removed */
		{ 1, 0, "Stopped", 7, 0 },
		{ 1, 0, "Migrating", 7, 0 },
		{ 1, 0, "running", 7, 0 },	/* CloudStack's case only */
		{ 1, 0, "Running", 8, 0 },	/* another host */
		{ 1, 0, "Running", 0, 0 },	/* host_id NULL */
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(sweep_cs_running_here(t[i].found, t[i].removed,
		    t[i].state, t[i].vm_host, 7) == t[i].want, "row %zu", i);
}
END_TEST

static Suite *
suite(void)
{
	Suite	*s = suite_create("backup_rules");
	TCase	*tc = tcase_create("rules");

	tcase_add_test(tc, test_classify_table);
	tcase_add_test(tc, test_next_table);
	tcase_add_test(tc, test_outcome);
	tcase_add_test(tc, test_cs_running_here_table);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
