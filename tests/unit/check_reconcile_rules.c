/*
 * check_reconcile_rules.c -- unit tests of the per-host reconcile's rules
 * (src/core/reconcile_rules.c): when a host counts as fenced, when a
 * confirmation is recorded, what the plan makes of each VM, and which
 * locked row counts as changed.  Table-driven; no database.
 */
#include <check.h>
#include <stdlib.h>

#include "reconcile_rules.h"

START_TEST(test_fenced_table)
{
	static const struct {
		int		 confirming, present;
		const char	*status;
		uint64_t	 uc_now, uc_rec;
		enum rec_fenced	 want;
	} t[] = {
		/* a confirmation given now wins over everything */
		{ 1, 0, "Up", 9, 0, RECF_CONFIRMING },
		{ 1, 1, "Up", 9, 3, RECF_CONFIRMING },
		/* no record, no confirmation */
		{ 0, 0, "Down", 0, 0, RECF_NOT_CONFIRMED },
		{ 0, 0, "Alert", 5, 5, RECF_NOT_CONFIRMED },
		/* the record holds while CloudStack has not seen it return */
		{ 0, 1, "Down", 7, 3, RECF_RECORDED },
		{ 0, 1, "Up", 3, 3, RECF_RECORDED },
		{ 0, 1, "Disconnected", 8, 3, RECF_RECORDED },
		/* Up and update_count moved: reconnected, the record is stale */
		{ 0, 1, "Up", 4, 3, RECF_RECONNECTED },
		{ 0, 1, "Up", 2, 3, RECF_RECONNECTED },
	};
	struct rec_fence_facts	f;
	size_t			i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		f.confirming = t[i].confirming;
		f.record_present = t[i].present;
		f.host_status = t[i].status;
		f.host_update_count = t[i].uc_now;
		f.record_update_count = t[i].uc_rec;
		ck_assert_msg(reconcile_rule_fenced(&f) == t[i].want,
		    "row %zu", i);
	}
}
END_TEST

START_TEST(test_record_confirm_table)
{
	/* confirming, by_operator, record_present -> recorded? */
	ck_assert_int_eq(reconcile_rule_record_confirm(0, 0, 0), 0);
	ck_assert_int_eq(reconcile_rule_record_confirm(0, 0, 1), 0);
	ck_assert_int_eq(reconcile_rule_record_confirm(1, 0, 0), 1);
	ck_assert_int_eq(reconcile_rule_record_confirm(1, 0, 1), 0);
	ck_assert_int_eq(reconcile_rule_record_confirm(1, 1, 0), 1);
	ck_assert_int_eq(reconcile_rule_record_confirm(1, 1, 1), 1);
}
END_TEST

START_TEST(test_vm_plan_table)
{
	static const struct {
		const char	*state;
		int		 ha, dry;
		enum vm_outcome	 want;
	} t[] = {
		{ "Migrating", 1, 0, VMO_MIGRATING },
		{ "Migrating", 0, 1, VMO_MIGRATING },
		{ "Running", 1, 0, VMO_REQUEUED },
		{ "Running", 0, 0, VMO_STOPPED },
		{ "Starting", 1, 1, VMO_PLAN_REQUEUE },
		{ "Stopping", 0, 1, VMO_PLAN_STOP },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(reconcile_rule_vm_plan(t[i].state, t[i].ha,
		    t[i].dry) == t[i].want, "row %zu", i);
}
END_TEST

START_TEST(test_recheck_table)
{
	static const struct {
		struct rec_locked_vm	now;
		enum rec_recheck	want;
	} t[] = {
		{ { 0, "Running", 0, 4, 10 }, RRC_UNCHANGED },
		{ { 1, "Running", 0, 4, 10 }, RRC_REMOVED },
		/* removed first, then state, host, update_count */
		{ { 1, "Stopped", 1, 0, 11 }, RRC_REMOVED },
		{ { 0, "Stopped", 1, 0, 11 }, RRC_STATE_CHANGED },
		{ { 0, "", 0, 4, 10 }, RRC_STATE_CHANGED },
		{ { 0, "Running", 1, 0, 11 }, RRC_HOST_CHANGED },
		{ { 0, "Running", 0, 5, 11 }, RRC_HOST_CHANGED },
		{ { 0, "Running", 0, 4, 11 }, RRC_UPDATE_COUNT_CHANGED },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(reconcile_rule_recheck("Running", 4, 10,
		    &t[i].now) == t[i].want, "row %zu", i);
}
END_TEST

START_TEST(test_outcome_writes_and_audit)
{
	ck_assert(reconcile_outcome_writes(VMO_REQUEUED));
	ck_assert(reconcile_outcome_writes(VMO_STOPPED));
	ck_assert(!reconcile_outcome_writes(VMO_PLAN_REQUEUE));
	ck_assert(!reconcile_outcome_writes(VMO_PLAN_STOP));
	ck_assert(!reconcile_outcome_writes(VMO_MIGRATING));
	ck_assert(!reconcile_outcome_writes(VMO_SKIPPED));
	ck_assert_str_eq(reconcile_rule_vm_audit_action(VMO_REQUEUED),
	    "vm.stopped_requeued");
	ck_assert_str_eq(reconcile_rule_vm_audit_action(VMO_STOPPED),
	    "vm.stopped");
}
END_TEST

static Suite *
suite(void)
{
	Suite	*s = suite_create("reconcile_rules");
	TCase	*tc = tcase_create("rules");

	tcase_add_test(tc, test_fenced_table);
	tcase_add_test(tc, test_record_confirm_table);
	tcase_add_test(tc, test_vm_plan_table);
	tcase_add_test(tc, test_recheck_table);
	tcase_add_test(tc, test_outcome_writes_and_audit);
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
