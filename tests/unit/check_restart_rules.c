/*
 * check_restart_rules.c -- unit tests of restart assurance's rules
 * (src/core/restart_rules.c): a table of facts -> verdict, the verdict
 * classes, and scenarios that play a VM's life step by step against a
 * small model of CloudStack's HA worker (a management server start marks
 * the row Investigating, restart() ends it Done, hawatch heals or
 * re-queues, up to the limit).  No database.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "restart_rules.h"

static const struct restart_limits lim = { 3, 60000 };

/* a VM exactly as hawatch left it: Stopped, off host 6, uc 11, row open */
static struct restart_facts
base(void)
{
	struct restart_facts	f;

	memset(&f, 0, sizeof(f));
	f.fenced_host = 6;
	f.uc_written = 11;
	f.since_queued_ms = 120000;
	f.vm_present = 1;
	f.vm_state = "Stopped";
	f.vm_host_null = 1;
	f.vm_last_host = 6;
	f.vm_update_count = 11;
	f.vm_ha_enabled = 1;
	f.zone_ha_enabled = 1;
	f.row_present = 1;
	f.row_step = "Scheduled";
	return f;
}

enum field { F_NONE, F_STATE, F_REMOVED, F_PRESENT, F_HOST, F_LAST_HOST,
	F_UC, F_HA, F_FORCE, F_ZONE, F_LOCAL, F_STEP, F_ROW_GONE, F_CLAIMED,
	F_OTHER, F_JOB, F_REQUEUES, F_SINCE };

struct change {
	enum field	 f;
	const char	*s;
	uint64_t	 n;
};

static void
apply(struct restart_facts *f, const struct change *c)
{
	switch (c->f) {
	case F_NONE: break;
	case F_STATE: f->vm_state = c->s; break;
	case F_REMOVED: f->vm_removed = 1; break;
	case F_PRESENT: f->vm_present = 0; f->vm_state = ""; break;
	case F_HOST: f->vm_host_null = 0; break;
	case F_LAST_HOST: f->vm_last_host = c->n; break;
	case F_UC: f->vm_update_count = c->n; break;
	case F_HA: f->vm_ha_enabled = 0; break;
	case F_FORCE: f->force_ha = 1; break;
	case F_ZONE: f->zone_ha_enabled = 0; break;
	case F_LOCAL: f->local_storage = 1; break;
	case F_STEP: f->row_step = c->s; break;
	case F_ROW_GONE: f->row_present = 0; f->row_step = ""; break;
	case F_CLAIMED: f->row_claimed = 1; break;
	case F_OTHER: f->other_pending_ha = (unsigned)c->n; break;
	case F_JOB: f->work_job_pending = 1; break;
	case F_REQUEUES: f->requeues = (unsigned)c->n; break;
	case F_SINCE: f->since_queued_ms = c->n; break;
	}
}

#define N_	{ F_NONE, NULL, 0 }

START_TEST(test_decide_table)
{
	static const struct {
		struct change		c1, c2, c3;
		enum restart_verdict	want;
	} t[] = {
		/* the row is CloudStack's work while it is open */
		{ N_, N_, N_, RV_WAIT },
		{ {F_STEP, "Investigating", 0}, N_, N_, RV_HEAL },
		{ {F_STEP, "Investigating", 0}, {F_CLAIMED, NULL, 0}, N_, RV_WAIT },
		{ {F_STEP, "Investigating", 0}, {F_UC, NULL, 12}, N_,
		    RV_WAIT },
		/* heal needs the VM as hawatch left it: no other check */
		{ {F_STEP, "Investigating", 0}, {F_HA, NULL, 0}, N_, RV_HEAL },
		/* the VM's life decides first, whatever the row */
		{ {F_STATE, "Running", 0}, {F_STEP, "Done", 0}, N_, RV_RUNNING },
		{ {F_STATE, "Running", 0}, {F_STEP, "Investigating", 0}, N_,
		    RV_RUNNING },
		{ {F_REMOVED, NULL, 0}, {F_STEP, "Done", 0}, N_, RV_REMOVED },
		{ {F_PRESENT, NULL, 0}, N_, N_, RV_REMOVED },
		{ {F_STATE, "Destroyed", 0}, N_, N_, RV_REMOVED },
		{ {F_STATE, "Expunging", 0}, {F_STEP, "Done", 0}, N_,
		    RV_REMOVED },
		{ {F_STATE, "Error", 0}, {F_STEP, "Done", 0}, N_,
		    RV_START_FAILED },
		{ {F_STATE, "Starting", 0}, {F_STEP, "Done", 0}, N_, RV_WAIT },
		{ {F_STATE, "Migrating", 0}, {F_ROW_GONE, NULL, 0}, N_, RV_WAIT },
		/* ended rows: every way of ending counts, vanishing too */
		{ {F_STEP, "Done", 0}, N_, N_, RV_REQUEUE },
		{ {F_STEP, "Cancelled", 0}, N_, N_, RV_REQUEUE },
		{ {F_STEP, "Error", 0}, N_, N_, RV_REQUEUE },
		{ {F_ROW_GONE, NULL, 0}, N_, N_, RV_REQUEUE },
		/* ... but only for a VM unchanged since hawatch's write */
		{ {F_STEP, "Done", 0}, {F_HOST, NULL, 0}, N_, RV_CHANGED },
		{ {F_STEP, "Done", 0}, {F_LAST_HOST, NULL, 7}, N_,
		    RV_CHANGED },
		{ {F_STEP, "Done", 0}, {F_UC, NULL, 14}, N_,
		    RV_START_FAILED },
		{ {F_STEP, "Done", 0}, {F_HA, NULL, 0}, N_, RV_NOT_HA },
		{ {F_STEP, "Done", 0}, {F_HA, NULL, 0}, {F_FORCE, NULL, 0}, RV_REQUEUE },
		{ {F_STEP, "Done", 0}, {F_LOCAL, NULL, 0}, N_, RV_LOCAL_STORAGE },
		{ {F_STEP, "Done", 0}, {F_OTHER, NULL, 1}, N_, RV_DEFER },
		{ {F_STEP, "Done", 0}, {F_JOB, NULL, 0}, N_, RV_DEFER },
		{ {F_STEP, "Done", 0}, {F_ZONE, NULL, 0}, N_, RV_HELD },
		/* limits */
		{ {F_STEP, "Done", 0}, {F_REQUEUES, NULL, 2}, N_,
		    RV_REQUEUE },
		{ {F_STEP, "Done", 0}, {F_REQUEUES, NULL, 3}, N_,
		    RV_GIVE_UP },
		{ {F_STEP, "Done", 0}, {F_REQUEUES, NULL, 3}, {F_JOB, NULL, 0}, RV_DEFER },
		{ {F_STEP, "Done", 0}, {F_SINCE, NULL, 59999}, N_,
		    RV_REQUEUE_LATER },
		{ {F_STEP, "Done", 0}, {F_SINCE, NULL, 60000}, N_,
		    RV_REQUEUE },
		{ {F_STEP, "Done", 0}, {F_SINCE, NULL, 0}, {F_REQUEUES, NULL, 3},
		    RV_GIVE_UP },
	};
	struct restart_facts	f;
	size_t			i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		f = base();
		apply(&f, &t[i].c1);
		apply(&f, &t[i].c2);
		apply(&f, &t[i].c3);
		ck_assert_msg(restart_rule_decide(&f, &lim) == t[i].want,
		    "row %zu: got %s, want %s", i,
		    restart_verdict_name(restart_rule_decide(&f, &lim)),
		    restart_verdict_name(t[i].want));
	}
}
END_TEST

START_TEST(test_classes)
{
	enum restart_verdict	v;
	int			finals = 0, alerts = 0, writes = 0;

	for (v = RV_WAIT; v <= RV_NOT_HA; v++) {
		ck_assert_str_ne(restart_verdict_name(v), "invalid");
		/* an alert always ends the watch; a write never does */
		if (restart_verdict_alerts(v))
			ck_assert(restart_verdict_final(v));
		if (restart_verdict_writes(v))
			ck_assert(!restart_verdict_final(v));
		finals += restart_verdict_final(v);
		alerts += restart_verdict_alerts(v);
		writes += restart_verdict_writes(v);
	}
	ck_assert_int_eq(finals, 7);
	ck_assert_int_eq(alerts, 3);
	ck_assert_int_eq(writes, 2);
	ck_assert_str_eq(restart_verdict_status(RV_GIVE_UP), "given_up");
	ck_assert_str_eq(restart_verdict_status(RV_LOCAL_STORAGE), "given_up");
	ck_assert_str_eq(restart_verdict_status(RV_RUNNING), "running");
	ck_assert_str_eq(restart_verdict_status(RV_HEAL), "watching");
	ck_assert_str_eq(restart_verdict_name((enum restart_verdict)99),
	    "invalid");
	ck_assert(restart_rule_row_ended(0, ""));
	ck_assert(restart_rule_row_ended(1, "Done"));
	ck_assert(!restart_rule_row_ended(1, "Scheduled"));
	ck_assert(!restart_rule_row_ended(1, "Investigating"));
}
END_TEST

/*
 * Scenarios: a model of one VM, hawatch's memory and CloudStack's HA
 * worker.  Each step is an event; after it hawatch runs one pass (decide,
 * then carry out heal/re-queue as restart_assurance.c does).
 */
enum ev { MS_START, WORKER_RUN, START_FAILS, WAIT_MS, USER_START };

struct world {
	struct restart_facts	f;
	uint64_t		clock_ms;
	uint64_t		queued_at_ms;
	enum restart_verdict	last;
	unsigned		heals, final;
};

static void
cs_event(struct world *w, enum ev e)
{
	struct restart_facts	*f = &w->f;

	switch (e) {
	case MS_START:		/* markPendingWorksAsInvestigating */
		if (!f->row_claimed && strcmp(f->row_step, "Scheduled") == 0)
			f->row_step = "Investigating";
		break;
	case WORKER_RUN:	/* take() + restart() */
		if (restart_rule_row_ended(f->row_present, f->row_step))
			break;
		if (strcmp(f->row_step, "Investigating") == 0 &&
		    f->vm_host_null) {
			f->row_step = "Done";	/* "no longer on host" */
			break;
		}
		f->vm_state = "Running";	/* started */
		f->vm_host_null = 0;
		f->vm_update_count += 3;
		f->row_step = "Done";
		break;
	case START_FAILS:	/* a start that did not reach Running */
		f->vm_update_count += 2;
		f->row_step = "Done";
		break;
	case WAIT_MS:
		w->clock_ms += 61000;
		break;
	case USER_START:
		f->vm_state = "Running";
		f->vm_host_null = 0;
		f->vm_update_count += 3;
		break;
	}
}

static void
hawatch_pass(struct world *w)
{
	w->f.since_queued_ms = w->clock_ms - w->queued_at_ms;
	w->last = restart_rule_decide(&w->f, &lim);
	switch (w->last) {
	case RV_HEAL:
		w->f.row_step = "Scheduled";
		w->heals++;
		break;
	case RV_REQUEUE:
		w->f.row_step = "Scheduled";	/* a new row */
		w->f.requeues++;
		w->queued_at_ms = w->clock_ms;
		break;
	default:
		if (restart_verdict_final(w->last))
			w->final = 1;
		break;
	}
}

static struct world
play(const enum ev *evs, size_t n)
{
	struct world	w;
	size_t		i;

	memset(&w, 0, sizeof(w));
	w.f = base();
	w.clock_ms = 1000000;
	w.queued_at_ms = w.clock_ms;
	for (i = 0; i < n && !w.final; i++) {
		cs_event(&w, evs[i]);
		hawatch_pass(&w);
	}
	return w;
}

START_TEST(test_scenario_heal)
{
	/* an MS start marks the row; hawatch heals it before a worker
	 * takes it; the worker then starts the VM */
	static const enum ev evs[] = { MS_START, WORKER_RUN };
	struct world	w = play(evs, 2);

	ck_assert_int_eq(w.heals, 1);
	ck_assert_int_eq(w.f.requeues, 0);
	ck_assert_int_eq(w.last, RV_RUNNING);
}
END_TEST

START_TEST(test_scenario_requeue_then_give_up)
{
	/* every row is marked and dropped before hawatch can heal it:
	 * three re-queues, spaced, then given up with an alert */
	struct world	w;
	enum ev		evs[64];
	size_t		n = 0, k;

	for (k = 0; k < 6; k++) {
		evs[n++] = MS_START;
		evs[n++] = WORKER_RUN;
		evs[n++] = WAIT_MS;
	}
	memset(&w, 0, sizeof(w));
	w.f = base();
	w.queued_at_ms = w.clock_ms = 1000000;
	for (k = 0; k < n && !w.final; k++) {
		cs_event(&w, evs[k]);
		/* the drop happens between two passes: no heal chance */
		if (evs[k] != MS_START)
			hawatch_pass(&w);
	}
	ck_assert_int_eq(w.f.requeues, 3);
	ck_assert_int_eq(w.heals, 0);
	ck_assert_int_eq(w.last, RV_GIVE_UP);
	ck_assert(restart_verdict_alerts(w.last));
	ck_assert_str_eq(w.f.vm_state, "Stopped");
}
END_TEST

START_TEST(test_scenario_requeue_spacing)
{
	/* dropped at once: the re-queue waits requeue_after */
	struct world	w;

	memset(&w, 0, sizeof(w));
	w.f = base();
	w.queued_at_ms = w.clock_ms = 1000000;
	cs_event(&w, MS_START);
	cs_event(&w, WORKER_RUN);
	w.clock_ms += 1000;
	hawatch_pass(&w);
	ck_assert_int_eq(w.last, RV_REQUEUE_LATER);
	cs_event(&w, WAIT_MS);
	hawatch_pass(&w);
	ck_assert_int_eq(w.last, RV_REQUEUE);
	ck_assert_int_eq(w.f.requeues, 1);
	/* the new row is started by the worker */
	cs_event(&w, WORKER_RUN);
	hawatch_pass(&w);
	ck_assert_int_eq(w.last, RV_RUNNING);
}
END_TEST

START_TEST(test_scenario_start_failed)
{
	/* CloudStack tried and failed: reported, never re-queued */
	static const enum ev evs[] = { START_FAILS, WAIT_MS, WAIT_MS };
	struct world	w = play(evs, 3);

	ck_assert_int_eq(w.last, RV_START_FAILED);
	ck_assert_int_eq(w.f.requeues, 0);
	ck_assert(restart_verdict_alerts(w.last));
}
END_TEST

START_TEST(test_scenario_user_started)
{
	static const enum ev evs[] = { MS_START, USER_START, WORKER_RUN };
	struct world	w = play(evs, 3);

	/* healed first, then found running: resolved without alert */
	ck_assert_int_eq(w.last, RV_RUNNING);
	ck_assert(!restart_verdict_alerts(w.last));
}
END_TEST

static Suite *
suite(void)
{
	Suite	*s = suite_create("restart_rules");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_decide_table);
	tcase_add_test(tc, test_classes);
	tcase_add_test(tc, test_scenario_heal);
	tcase_add_test(tc, test_scenario_requeue_then_give_up);
	tcase_add_test(tc, test_scenario_requeue_spacing);
	tcase_add_test(tc, test_scenario_start_failed);
	tcase_add_test(tc, test_scenario_user_started);
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
