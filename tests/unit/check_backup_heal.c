/*
 * check_backup_heal.c -- unit tests for the decision on VMs left in a native
 * backup provider's BackupError / BackingUp states (src/core/backup_heal.c):
 * every rule of backup_heal.h, in its order.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "backup_heal.h"

#define H	3600000ULL	/* one hour in ms: the backup_timeout used */

/* BackupError on host 4, host observed, every host observed, no domain. */
static struct bh_vm
vm(void)
{
	struct bh_vm	v;

	memset(&v, 0, sizeof(v));
	v.state_age_ms = 2 * H;
	v.host_id = 4;
	v.host_observed = 1;
	v.all_observed = 1;
	return v;
}

START_TEST(test_running_here)
{
	struct bh_vm	v = vm();

	v.dom = BHD_RUNNING;
	ck_assert_int_eq(bh_decide(&v, H), BHV_HEAL_RUNNING);
	v.dom = BHD_PAUSED;		/* PowerOn for CloudStack */
	ck_assert_int_eq(bh_decide(&v, H), BHV_HEAL_RUNNING);
	v.dom_job = 1;
	ck_assert_int_eq(bh_decide(&v, H), BHV_JOB);
	/* running here needs only this host's view */
	v.dom_job = 0;
	v.all_observed = 0;
	ck_assert_int_eq(bh_decide(&v, H), BHV_HEAL_RUNNING);
}
END_TEST

START_TEST(test_nowhere_is_stopped_only_with_a_full_view)
{
	struct bh_vm	v = vm();

	ck_assert_int_eq(bh_decide(&v, H), BHV_HEAL_STOPPED);
	v.all_observed = 0;
	ck_assert_int_eq(bh_decide(&v, H), BHV_UNKNOWN);
	v = vm();
	v.host_id = 0;			/* no host recorded */
	v.host_observed = 0;
	ck_assert_int_eq(bh_decide(&v, H), BHV_HEAL_STOPPED);
	v.elsewhere_host = 7;
	ck_assert_int_eq(bh_decide(&v, H), BHV_ELSEWHERE);
}
END_TEST

START_TEST(test_host_unobserved_is_unknown)
{
	struct bh_vm	v = vm();

	v.host_observed = 0;
	v.all_observed = 0;
	v.dom = BHD_NONE;
	ck_assert_int_eq(bh_decide(&v, H), BHV_UNKNOWN);
}
END_TEST

START_TEST(test_backing_up_young)
{
	struct bh_vm	v = vm();

	v.backing_up = 1;
	v.dom = BHD_RUNNING;
	v.state_age_ms = H - 1;
	ck_assert_int_eq(bh_decide(&v, H), BHV_YOUNG);
	v.state_age_ms = H;
	ck_assert_int_eq(bh_decide(&v, H), BHV_HEAL_RUNNING);
	/* BackupError has no age rule: nothing is running for it */
	v.backing_up = 0;
	v.state_age_ms = 0;
	ck_assert_int_eq(bh_decide(&v, H), BHV_HEAL_RUNNING);
}
END_TEST

START_TEST(test_names)
{
	int	i;

	for (i = BHV_HEAL_RUNNING; i <= BHV_ELSEWHERE; i++)
		ck_assert_str_ne(bh_verdict_name((enum bh_verdict)i), "invalid");
	for (i = BHD_NONE; i <= BHD_PAUSED; i++)
		ck_assert_str_ne(bh_dom_name((enum bh_dom)i), "invalid");
	ck_assert_int_eq(bh_heals(BHV_HEAL_STOPPED), 1);
	ck_assert_int_eq(bh_heals(BHV_UNKNOWN), 0);
}
END_TEST

static Suite *
heal_suite(void)
{
	Suite	*s = suite_create("backup_heal");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_running_here);
	tcase_add_test(tc, test_nowhere_is_stopped_only_with_a_full_view);
	tcase_add_test(tc, test_host_unobserved_is_unknown);
	tcase_add_test(tc, test_backing_up_young);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(heal_suite());
	int	 nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
