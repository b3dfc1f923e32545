/*
 * check_stop_effects.c -- unit tests of the side effects of CloudStack's
 * forced stop (src/core/stop_effects.c) and of the reconcile's row, defer
 * and migrating rules (src/core/reconcile_rules.c).  Table-driven; no
 * database.  The expected values are CloudStack 4.22's, with their sources
 * in ../shared/reference/cloudstack-stop.md.
 */
#include <check.h>
#include <stdlib.h>

#include "reconcile_rules.h"
#include "stop_effects.h"

START_TEST(test_vm_level_rules)
{
	static const struct {
		const char	*type, *state;
		int		 display, releases, usage, system, unmap;
		const char	*it_type;
	} t[] = {
		{ "User", "Running", 1, 1, 1, 0, 1, "Running" },
		{ "User", "Stopping", 1, 1, 1, 0, 1, "Stopping" },
		/* Starting->Stopped: released, no usage impact */
		{ "User", "Starting", 1, 1, 0, 0, 1, "Starting" },
		/* display_vm=0: no saved event, resources still released */
		{ "User", "Running", 0, 1, 0, 0, 1, "Running" },
		{ "DomainRouter", "Running", 1, 1, 0, 1, 0, "Running" },
		{ "ConsoleProxy", "Stopping", 1, 1, 0, 1, 0, "Stopping" },
		{ "SecondaryStorageVm", "Starting", 1, 1, 0, 1, 0, "Starting" },
		{ "User", "Migrating", 1, 0, 0, 0, 1, NULL },
		{ "User", "Stopped", 1, 0, 0, 0, 1, NULL },
	};
	size_t	i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_int_eq(stop_rule_releases(t[i].state), t[i].releases);
		ck_assert_int_eq(stop_rule_usage(t[i].type, t[i].state,
		    t[i].display), t[i].usage);
		ck_assert_int_eq(stop_rule_is_system_vm(t[i].type), t[i].system);
		ck_assert_int_eq(stop_rule_unmap(t[i].type), t[i].unmap);
		if (t[i].it_type == NULL)
			ck_assert_ptr_null(stop_rule_it_work_type(t[i].state));
		else
			ck_assert_str_eq(stop_rule_it_work_type(t[i].state),
			    t[i].it_type);
	}
}
END_TEST

START_TEST(test_nic_table)
{
	static const struct {
		const char		*vm, *state, *strategy, *nic_vm, *guru;
		const char		*traffic;
		enum stop_nic_action	 action;
		int			 clear, delta, gc;
	} t[] = {
		/* not Reserved/Reserving: nothing */
		{ "User", "Allocated", "Start", "User", "GuestNetworkGuru",
		    "Guest", SNA_NONE, 0, 0, 0 },
		{ "User", "Releasing", "Start", "User", "GuestNetworkGuru",
		    "Guest", SNA_NONE, 0, 0, 0 },
		{ "User", "Deallocating", "Create", "User", "DirectNetworkGuru",
		    "Guest", SNA_NONE, 0, 0, 0 },
		/* Start + Reserved: guest guru clears URIs, counted */
		{ "User", "Reserved", "Start", "User", "GuestNetworkGuru",
		    "Guest", SNA_RELEASE, 1, -1, 1 },
		{ "User", "Reserved", "Start", "User",
		    "ExternalGuestNetworkGuru", "Guest", SNA_RELEASE, 1, -1, 1 },
		{ "User", "Reserved", "Start", "User", "VxlanGuestNetworkGuru",
		    "Guest", SNA_RELEASE, 1, -1, 1 },
		/* Start + Reserving: released, not counted */
		{ "User", "Reserving", "Start", "User", "GuestNetworkGuru",
		    "Guest", SNA_RELEASE, 1, 0, 0 },
		/* Start under a guru that changes nothing */
		{ "User", "Reserved", "Start", "User", "NsxGuestNetworkGuru",
		    "Guest", SNA_RELEASE, 0, -1, 1 },
		/* Start under an unmodelled guru: left to CloudStack */
		{ "User", "Reserved", "Start", "User",
		    "TungstenGuestNetworkGuru", "Guest", SNA_LEFT_GURU, 0, 0, 0 },
		/* Create/Managed/PlaceHolder: counted, also from Reserving */
		{ "User", "Reserved", "Create", "User", "DirectNetworkGuru",
		    "Guest", SNA_RELEASE, 0, -1, 1 },
		{ "User", "Reserving", "Create", "User", "DirectNetworkGuru",
		    "Guest", SNA_RELEASE, 0, -1, 1 },
		{ "User", "Reserved", "Managed", "User", "PublicNetworkGuru",
		    "Public", SNA_RELEASE, 0, -1, 1 },
		/* the count follows nics.vm_type, not the VM's type */
		{ "User", "Reserved", "Create", "", "DirectNetworkGuru",
		    "Guest", SNA_RELEASE, 0, 0, 0 },
		/* system VMs: left to CloudStack */
		{ "DomainRouter", "Reserved", "Start", "DomainRouter",
		    "GuestNetworkGuru", "Guest", SNA_LEFT_SYSTEM_VM, 0, 0, 0 },
		{ "ConsoleProxy", "Reserved", "Start", "ConsoleProxy",
		    "ControlNetworkGuru", "Control", SNA_LEFT_SYSTEM_VM, 0, 0, 0 },
		{ "SecondaryStorageVm", "Allocated", "Create",
		    "SecondaryStorageVm", "PublicNetworkGuru", "Public", SNA_NONE,
		    0, 0, 0 },
	};
	struct stop_nic_facts	f;
	struct stop_nic_effect	e;
	size_t			i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		f.vm_type = t[i].vm;
		f.nic_state = t[i].state;
		f.strategy = t[i].strategy;
		f.nic_vm_type = t[i].nic_vm;
		f.guru_name = t[i].guru;
		f.traffic_type = t[i].traffic;
		stop_rule_nic(&f, &e);
		ck_assert_msg(e.action == t[i].action, "row %zu: action %d",
		    i, e.action);
		ck_assert_msg(e.clear_uris == t[i].clear, "row %zu: clear", i);
		ck_assert_msg(e.nics_count_delta == t[i].delta,
		    "row %zu: delta %d", i, e.nics_count_delta);
		ck_assert_msg(e.check_for_gc == t[i].gc, "row %zu: gc", i);
	}
}
END_TEST

START_TEST(test_offering_table)
{
	static const struct {
		int			 removed, hc, hs, hr;
		const char		*dc, *ds, *dm;
		enum stop_offering	 want;
		uint64_t		 cpu, speed, mem;
	} t[] = {
		{ 0, 1, 1, 1, NULL, NULL, NULL, SOF_FIXED, 0, 0, 0 },
		/* fixed offerings ignore details */
		{ 0, 1, 1, 1, "8", NULL, NULL, SOF_FIXED, 0, 0, 0 },
		/* fully custom: the details */
		{ 0, 0, 0, 0, "4", "2000", "4096", SOF_DYNAMIC, 4, 2000, 4096 },
		/* constrained custom: offering values fill the gaps */
		{ 0, 1, 1, 0, NULL, NULL, "2048", SOF_DYNAMIC, 2, 1500, 2048 },
		/* a detail wins over the offering's value */
		{ 0, 1, 1, 0, "6", NULL, "2048", SOF_DYNAMIC, 6, 1500, 2048 },
		{ 0, 0, 0, 0, "4", NULL, "4096", SOF_MISSING_VALUE, 0, 0, 0 },
		{ 0, 0, 0, 0, "4", "x", "4096", SOF_BAD_VALUE, 0, 0, 0 },
		{ 0, 0, 0, 0, "-4", "1", "4096", SOF_BAD_VALUE, 0, 0, 0 },
		{ 0, 0, 0, 0, "4", "1", "99999999999", SOF_BAD_VALUE, 0, 0, 0 },
		{ 1, 1, 1, 1, NULL, NULL, NULL, SOF_REMOVED, 0, 0, 0 },
	};
	struct stop_offering_facts	f;
	struct stop_dynamic		d;
	size_t				i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		f.removed = t[i].removed;
		f.has_cpu = t[i].hc;
		f.has_speed = t[i].hs;
		f.has_ram = t[i].hr;
		f.cpu = 2;
		f.speed = 1500;
		f.ram_size = 1024;
		f.detail_cpu = t[i].dc;
		f.detail_speed = t[i].ds;
		f.detail_memory = t[i].dm;
		ck_assert_msg(stop_rule_offering(&f, &d) == t[i].want,
		    "row %zu", i);
		if (t[i].want != SOF_DYNAMIC)
			continue;
		ck_assert_uint_eq(d.cpu_number, t[i].cpu);
		ck_assert_uint_eq(d.cpu_speed, t[i].speed);
		ck_assert_uint_eq(d.memory, t[i].mem);
	}
	ck_assert_ptr_null(stop_offering_reason(SOF_FIXED));
	ck_assert_ptr_nonnull(stop_offering_reason(SOF_REMOVED));
}
END_TEST

START_TEST(test_row_defer_migrating)
{
	struct rec_row_facts	r = { 0, 0, 0, 0 };
	struct rec_defer_facts	d = { 0, 0, 0, 300000 };

	ck_assert_int_eq(reconcile_rule_row(&r), RROW_OK);
	ck_assert_ptr_null(reconcile_row_reason(RROW_OK));
	r.hypervisor_null = 1;
	ck_assert_int_eq(reconcile_rule_row(&r), RROW_OK);
	r.needs_usage_event = 1;
	ck_assert_int_eq(reconcile_rule_row(&r), RROW_NULL_HYPERVISOR);
	r.type_null = 1;
	ck_assert_int_eq(reconcile_rule_row(&r), RROW_NULL_TYPE);
	r.update_count_null = 1;
	ck_assert_int_eq(reconcile_rule_row(&r), RROW_NULL_UPDATE_COUNT);
	ck_assert_ptr_nonnull(reconcile_row_reason(RROW_NULL_UPDATE_COUNT));

	ck_assert_int_eq(reconcile_rule_defer(&d), RDF_NONE);
	d.ha_live_claim = 1;
	d.ha_age_ms = 299999;
	ck_assert_int_eq(reconcile_rule_defer(&d), RDF_CLOUDSTACK_HA);
	d.ha_age_ms = 300000;		/* grace over: reconcile */
	ck_assert_int_eq(reconcile_rule_defer(&d), RDF_NONE);
	d.work_job_live = 1;		/* a work job defers without bound */
	ck_assert_int_eq(reconcile_rule_defer(&d), RDF_WORK_JOB);

	ck_assert_int_eq(reconcile_rule_migrating_to(6, 0, 6), 1);
	ck_assert_int_eq(reconcile_rule_migrating_to(7, 0, 6), 0);
	ck_assert_int_eq(reconcile_rule_migrating_to(0, 1, 6), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite	*s = suite_create("stop_effects");
	TCase	*tc = tcase_create("rules");

	tcase_add_test(tc, test_vm_level_rules);
	tcase_add_test(tc, test_nic_table);
	tcase_add_test(tc, test_offering_table);
	tcase_add_test(tc, test_row_defer_migrating);
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
