/*
 * check_act.c -- the executor (src/act.c) against fake adapters.
 *
 * act_run() is given fake function tables (act.h: one for the BMC pool,
 * one for the database) that record every call in order and fail on
 * demand.  The stories check the order "audit, act, read back" and what
 * the executor does when each step fails: the database is down or the
 * audit write fails (no fence is sent, the core hears "not started",
 * which is no attempt), the BMC pool refuses (a failed attempt, recorded
 * and reported as such), the BMC times out (the result is read back and
 * audited as failed_unknown), the fence-result audit fails (retried next
 * round), the reconcile fails or loses leadership, the fence-record
 * update fails (retried while the host is still back), and the recorded
 * attempt budget is forgotten once the host is alive or ignored.  The source
 * the reconcile confirms comes from the core's state (fenced_by), driven
 * here by the real core_step().
 *
 * Libvirt is not reached from act_run(): the sweeper thread owns it
 * (src/sweep_thread.c, reconcile/sweep.c), so "libvirt refuses" is out
 * of this executor's reach.
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "daemon.h"

#define HOST	7

/* --- fakes -------------------------------------------------------------- */

static struct fake {
	char	calls[8192];	/* "audit host.fence_requested 7 ...;" */
	int	audit_fail, returned_fail, reconcile_fail, request_rc;
	int	reset_fail;
	char	reconcile_err[128];
	enum fence_source confirm;	/* last reconcile's o->confirm */
	char	evidence[2048];		/* last audit's evidence */
} F;

static void
called(const char *fmt, ...)
{
	size_t	n = strlen(F.calls);
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(F.calls + n, sizeof(F.calls) - n, fmt, ap);
	va_end(ap);
}

static int
fake_request_fence(struct daemon *d, uint32_t host, unsigned timeout_ms)
{
	(void)d;
	called("fence %u %u;", host, timeout_ms);
	return F.request_rc;
}

static int
fake_audit(struct daemon *d, const char *action, uint64_t host,
    const char *reason, const char *evidence, char *err)
{
	(void)d;
	called("audit %s %llu %s;", action, (unsigned long long)host, reason);
	snprintf(F.evidence, sizeof(F.evidence), "%s", evidence);
	if (F.audit_fail) {
		set_err(err, "fake: MySQL server has gone away");
		return -1;
	}
	return 0;
}

static int
fake_fence_requested(struct daemon *d, uint64_t host, unsigned attempt,
    const char *reason, const char *evidence, char *err)
{
	(void)d;
	called("audit host.fence_requested %llu %s attempt %u;",
	    (unsigned long long)host, reason, attempt);
	snprintf(F.evidence, sizeof(F.evidence), "%s", evidence);
	if (F.audit_fail) {
		set_err(err, "fake: MySQL server has gone away");
		return -1;
	}
	return 0;
}

static int
fake_budget_reset(struct daemon *d, uint64_t host, const char *reason,
    char *err)
{
	(void)d;
	called("budget_reset %llu %s;", (unsigned long long)host, reason);
	if (F.reset_fail) {
		set_err(err, "fake: read-only");
		return -1;
	}
	return 0;
}

static int
fake_returned(struct daemon *d, uint64_t host, const char *reason,
    const char *evidence, char *err)
{
	(void)d;
	(void)evidence;
	called("returned %llu %s;", (unsigned long long)host, reason);
	if (F.returned_fail) {
		set_err(err, "fake: lock wait timeout");
		return -1;
	}
	return 0;
}

static int
fake_reconcile(struct daemon *d, uint64_t host, const struct rec_opts *o,
    struct rec_result *r, char *err)
{
	(void)d;
	called("reconcile %llu %s;", (unsigned long long)host,
	    fence_source_name(o->confirm));
	F.confirm = o->confirm;
	memset(r, 0, sizeof(*r));
	if (F.reconcile_fail) {
		set_err(err, "%s", F.reconcile_err);
		return -1;
	}
	r->n_changed = 2;
	r->n_requeued = 1;
	return 0;
}

static const struct act_bmc_funcs fake_bmc = {
	.request_fence = fake_request_fence,
};

/* the console capture hooks (src/console_watch.c in the daemon) */
static void
fake_console_transition(struct daemon *d, uint64_t host, enum host_state to)
{
	(void)d;
	called("console %s %llu;", host_state_name(to),
	    (unsigned long long)host);
}

static void
fake_console_release(struct daemon *d, uint64_t host)
{
	(void)d;
	called("console release %llu;", (unsigned long long)host);
}

static void
fake_console_collect(struct daemon *d, uint64_t host, struct sbuf *ev)
{
	(void)d;
	called("console collect %llu;", (unsigned long long)host);
	sbuf_add(ev, ",\"console\":{\"id\":3,\"bytes\":42}");
}

static const struct act_bmc_funcs fake_bmc_console = {
	.request_fence = fake_request_fence,
	.console_transition = fake_console_transition,
	.console_release = fake_console_release,
	.console_collect = fake_console_collect,
};

static const struct act_db_funcs fake_db = {
	.audit = fake_audit,
	.fence_requested = fake_fence_requested,
	.budget_reset = fake_budget_reset,
	.returned = fake_returned,
	.reconcile = fake_reconcile,
};

/* --- a daemon with one host ------------------------------------------- */

static struct daemon D;
static enum ign_reason core_ignored;	/* core_round()'s ignore flag */
static struct action AV[128];
static struct core_event EV[128];
/* the libvirt probe the next core_round() reports (guard_bmc.c) */
static struct host_obs	probe_next;

static void
setup(void)
{
	core_ignored = IGN_NONE;
	memset(&F, 0, sizeof(F));
	memset(&D, 0, sizeof(D));
	memset(&probe_next, 0, sizeof(probe_next));
	D.bmc_funcs = &fake_bmc;
	D.db_funcs = &fake_db;
	D.is_leader = D.db_up = 1;
	D.leader.held = 1;
	snprintf(D.leader.lock, sizeof(D.leader.lock), "hawatch.test");
	snprintf(D.actor, sizeof(D.actor), "test");
	D.cfg.daemon.fence_timeout_ms = 30000;
	D.cfg.daemon.rearm_after_ms = 600000;
	D.inv.hosts = calloc(1, sizeof(*D.inv.hosts));
	D.inv.nhosts = 1;
	D.inv.hosts[0].id = HOST;
	D.inv.hosts[0].cluster_id = 1;
	snprintf(D.inv.hosts[0].ip, sizeof(D.inv.hosts[0].ip), "10.0.0.7");
	D.inv.hw_schema = 1;
	D.extra = calloc(1, sizeof(*D.extra));
	D.extra[0].id = HOST;
	D.core = core_state_new();
	core_policy_defaults(&D.pol);
	D.acts.v = AV;
	D.acts.cap = 128;
	D.evs.v = EV;
	D.evs.cap = 128;
}

static void
teardown(void)
{
	free(D.inv.hosts);
	free(D.extra);
	free(D.fence_news);
	free(D.alerts);
	core_state_free(D.core);
}

static void
add_action(enum act_kind kind, enum act_why why)
{
	struct action	*a = &D.acts.v[D.acts.n++];

	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->host_id = HOST;
	a->why = why;
	a->cluster_id = 1;
}

/* a fence attempt that finished, as observe_build() queues it */
static void
add_fence_news(enum fence_result res, enum bmc_status last, const char *err)
{
	D.fence_news = realloc(D.fence_news, sizeof(*D.fence_news));
	ck_assert_ptr_nonnull(D.fence_news);
	memset(D.fence_news, 0, sizeof(*D.fence_news));
	D.fence_news[0].host_id = HOST;
	D.fence_news[0].v.fence = res;
	D.fence_news[0].v.fence_seq = 1;
	D.fence_news[0].v.last_status = last;
	snprintf(D.fence_news[0].v.fence_err, sizeof(D.fence_news[0].v.fence_err),
	    "%s", err);
	D.nfence_news = 1;
	D.cap_fence_news = 1;
}


static void
core_round(uint64_t now, enum pwr_obs pw, uint64_t pseq, int op)
{
	struct host_obs	h;
	struct core_obs	o;

	memset(&h, 0, sizeof(h));
	h.probe = probe_next.probe;
	h.probe_seq = probe_next.probe_seq;
	h.probe_power_seq = probe_next.probe_power_seq;
	h.host_id = HOST;
	h.cluster_id = 1;
	h.ignored = core_ignored;
	h.power = pw;
	h.power_seq = pseq;
	h.operator_confirmed_off = op;
	memset(&o, 0, sizeof(o));
	o.now_ms = now;
	o.is_leader = D.is_leader;
	o.hosts = &h;
	o.nhosts = 1;
	ck_assert_int_eq(core_state_reserve(D.core, 1, 0), 0);
	D.acts.n = D.evs.n = 0;
	ck_assert_int_eq(core_step(&D.pol, D.core, &o, &D.acts, &D.evs), 0);
}

/* --- fence: audit, act, read back -------------------------------------- */

START_TEST(test_fence_audit_then_request_then_read_back)
{
	add_action(ACT_FENCE, WHY_HB_DEAD);
	act_run(&D);
	ck_assert_str_eq(F.calls, "audit host.fence_requested 7 heartbeat dead "
	    "attempt 1;"
	    "fence 7 30000;");
	ck_assert_str_eq(D.extra[0].last_action, "fence requested");
	ck_assert_ptr_nonnull(strstr(F.evidence, "\"ip\":\"10.0.0.7\""));

	/* next round: the result is read back and recorded first */
	F.calls[0] = '\0';
	D.acts.n = 0;
	add_fence_news(FENCE_OFF_CONFIRMED, BMC_OFF, "");
	act_run(&D);
	ck_assert_str_eq(F.calls, "audit host.fence_result 7 off_confirmed;");
	ck_assert_str_eq(F.evidence, "{\"result\":\"off_confirmed\","
	    "\"bmc_error\":null,\"power\":\"off\"}");
	ck_assert_str_eq(D.extra[0].last_action, "fence off_confirmed");
	ck_assert_uint_eq(D.nfence_news, 0);
}
END_TEST

START_TEST(test_result_recorded_before_next_fence)
{
	add_fence_news(FENCE_FAILED_UNKNOWN, BMC_TIMEOUT, "timeout");
	add_action(ACT_FENCE, WHY_HB_DEAD);
	act_run(&D);
	ck_assert_str_eq(F.calls, "audit host.fence_result 7 failed_unknown;"
	    "audit host.fence_requested 7 heartbeat dead attempt 1;"
	    "fence 7 30000;");
}
END_TEST

/*
 * Console capture: a capture starts at the transition, its SOL session is
 * released after the decision is audited and before the fence is sent,
 * and the fence result's audit references the stored capture.  An audit
 * failure still sends no fence (and releases nothing).
 */
START_TEST(test_console_release_before_fence_result_references_it)
{
	D.bmc_funcs = &fake_bmc_console;
	core_round(1000, PWR_ON, 1, 0);
	D.evs.n = 1;
	D.evs.v[0].host_id = HOST;
	D.evs.v[0].from = HS_ALIVE;
	D.evs.v[0].to = HS_SUSPECT;
	add_action(ACT_FENCE, WHY_HB_DEAD);
	act_run(&D);
	ck_assert_str_eq(F.calls, "console suspect 7;"
	    "audit host.fence_requested 7 heartbeat dead attempt 1;"
	    "console release 7;fence 7 30000;");
	F.calls[0] = '\0';
	D.acts.n = D.evs.n = 0;
	add_fence_news(FENCE_OFF_CONFIRMED, BMC_OFF, "");
	act_run(&D);
	ck_assert_str_eq(F.calls, "console collect 7;"
	    "audit host.fence_result 7 off_confirmed;");
	ck_assert_str_eq(F.evidence, "{\"result\":\"off_confirmed\","
	    "\"bmc_error\":null,\"console\":{\"id\":3,\"bytes\":42},"
	    "\"power\":\"off\"}");

	F.calls[0] = '\0';
	D.acts.n = 0;
	F.audit_fail = 1;
	add_action(ACT_FENCE, WHY_HB_DEAD);
	act_run(&D);
	ck_assert_str_eq(F.calls,
	    "audit host.fence_requested 7 heartbeat dead attempt 1;");
}
END_TEST

/*
 * A standby opens no SOL session (a BMC serves one, the leader's capture
 * would find it in use): a host turning suspect starts no capture there.
 */
START_TEST(test_standby_starts_no_console_capture)
{
	D.bmc_funcs = &fake_bmc_console;
	D.is_leader = 0;
	core_round(1000, PWR_ON, 1, 0);
	D.evs.n = 1;
	D.evs.v[0].host_id = HOST;
	D.evs.v[0].from = HS_ALIVE;
	D.evs.v[0].to = HS_SUSPECT;
	act_run(&D);
	ck_assert_str_eq(F.calls, "");
	F.calls[0] = '\0';
	D.is_leader = 1;		/* the same event on the leader */
	act_run(&D);
	ck_assert_str_eq(F.calls, "console suspect 7;");
}
END_TEST

/* --- the database fails ------------------------------------------------ */

START_TEST(test_db_down_no_audit_no_fence)
{
	D.db_up = 0;
	add_action(ACT_FENCE, WHY_HB_DEAD);
	add_action(ACT_RECONCILE, WHY_POWER_OFF_CONFIRMED);
	add_action(ACT_REPORT, WHY_HB_RETURNED);
	act_run(&D);
	ck_assert_str_eq(F.calls, "");
	/* the return is still remembered for status, not the fence */
	ck_assert_str_eq(D.extra[0].last_action,
	    "returned after fence (hb_returned)");
}
END_TEST

/* no record, no fence -- and the core hears "not started", no attempt */
START_TEST(test_audit_fails_fence_not_sent)
{
	F.audit_fail = 1;
	add_action(ACT_FENCE, WHY_HB_DEAD);
	act_run(&D);
	ck_assert_str_eq(F.calls,
	    "audit host.fence_requested 7 heartbeat dead attempt 1;");
	ck_assert_str_eq(D.extra[0].last_action,
	    "fence not started (audit failed)");
	ck_assert_int_eq(D.extra[0].fence_out, FENCE_NOT_STARTED);
	ck_assert_uint_eq(D.extra[0].fence_seq_out, 1);

	/* the write works again: the same request is sent, reported sent */
	F.audit_fail = 0;
	F.calls[0] = '\0';
	act_run(&D);
	ck_assert_str_eq(F.calls, "audit host.fence_requested 7 heartbeat "
	    "dead attempt 1;fence 7 30000;");
	ck_assert_int_eq(D.extra[0].fence_out, FENCE_RUNNING);
	ck_assert_uint_eq(D.extra[0].fence_seq_out, 2);
	ck_assert_str_eq(D.extra[0].last_action, "fence requested");
}
END_TEST

START_TEST(test_standby_no_audit_no_fence)
{
	D.is_leader = 0;
	add_action(ACT_FENCE, WHY_HB_DEAD);
	add_action(ACT_RECONCILE, WHY_POWER_OFF_CONFIRMED);
	act_run(&D);
	ck_assert_str_eq(F.calls, "");
}
END_TEST

/* a result whose audit row failed is written on a later round (S9) */
START_TEST(test_fence_result_audit_fails)
{
	F.audit_fail = 1;
	add_fence_news(FENCE_OFF_CONFIRMED, BMC_OFF, "");
	act_run(&D);
	ck_assert_str_eq(F.calls, "audit host.fence_result 7 off_confirmed;");
	ck_assert_str_eq(D.extra[0].last_action, "fence off_confirmed");
	ck_assert_uint_eq(D.nfence_news, 1);
	act_run(&D);			/* still failing: kept */
	ck_assert_uint_eq(D.nfence_news, 1);
	F.audit_fail = 0;
	F.calls[0] = '\0';
	act_run(&D);
	ck_assert_str_eq(F.calls, "audit host.fence_result 7 off_confirmed;");
	ck_assert_uint_eq(D.nfence_news, 0);
	F.calls[0] = '\0';
	act_run(&D);			/* written once, not again */
	ck_assert_str_eq(F.calls, "");
}
END_TEST

/* --- the BMC fails ------------------------------------------------------ */

START_TEST(test_bmc_timeout_read_back)
{
	add_action(ACT_FENCE, WHY_HB_DEAD);
	act_run(&D);
	F.calls[0] = '\0';
	D.acts.n = 0;
	add_fence_news(FENCE_FAILED_UNKNOWN, BMC_TIMEOUT,
	    "10.0.0.107:623: session timeout");
	act_run(&D);
	ck_assert_str_eq(F.calls, "audit host.fence_result 7 failed_unknown;");
	ck_assert_str_eq(F.evidence, "{\"result\":\"failed_unknown\","
	    "\"bmc_error\":\"10.0.0.107:623: session timeout\","
	    "\"power\":\"timeout\"}");
	ck_assert_str_eq(D.extra[0].last_action, "fence failed_unknown");
}
END_TEST

/* a request the pool refuses (-1, host not in its table) is no "fence
 * requested": a failed attempt, reported to the core and recorded */
START_TEST(test_bmc_refusal_is_a_failed_attempt)
{
	F.request_rc = -1;
	add_action(ACT_FENCE, WHY_HB_DEAD);
	act_run(&D);
	ck_assert_str_eq(F.calls, "audit host.fence_requested 7 heartbeat dead "
	    "attempt 1;fence 7 30000;");
	ck_assert_str_eq(D.extra[0].last_action,
	    "fence refused (no BMC target)");
	ck_assert_int_eq(D.extra[0].fence_out, FENCE_FAILED_UNKNOWN);
	ck_assert_uint_eq(D.nfence_news, 1);
	F.calls[0] = '\0';
	D.acts.n = 0;
	act_run(&D);
	ck_assert_str_eq(F.calls, "audit host.fence_result 7 failed_unknown;");
	ck_assert_ptr_nonnull(strstr(F.evidence, "refused: no BMC target"));
}
END_TEST

/* --- reconcile: the source is the core's -------------------------------- */

START_TEST(test_reconcile_source_bmc_from_core)
{
	/* the host's libvirt endpoint found silent after the first off
	 * reading corroborates the BMC (the fast path) */
	probe_next.probe = PROBE_NONE;
	core_round(1000, PWR_OFF, 1, 0);
	ck_assert_uint_eq(D.acts.n, 0);
	probe_next.probe = PROBE_SILENT;
	probe_next.probe_seq = 1;
	probe_next.probe_power_seq = 1;
	core_round(2000, PWR_OFF, 2, 0);
	ck_assert_int_eq(core_host_view(D.core, HOST)->state, HS_FENCED);
	ck_assert_int_eq(core_host_view(D.core, HOST)->fenced_by, FS_BMC);
	act_run(&D);
	ck_assert_str_eq(F.calls, "reconcile 7 bmc;");
	ck_assert_str_eq(D.extra[0].last_action,
	    "reconciled 2 VMs (1 re-queued)");
}
END_TEST

START_TEST(test_reconcile_source_operator_from_core)
{
	core_round(1000, PWR_UNKNOWN, 1, 0);
	core_round(2000, PWR_UNKNOWN, 2, 1);
	ck_assert_int_eq(core_host_view(D.core, HOST)->fenced_by, FS_OPERATOR);
	act_run(&D);
	ck_assert_str_eq(F.calls, "reconcile 7 operator;");
	ck_assert_int_eq(F.confirm, FS_OPERATOR);
}
END_TEST

START_TEST(test_reconcile_fails)
{
	F.reconcile_fail = 1;
	snprintf(F.reconcile_err, sizeof(F.reconcile_err),
	    "deadlock found when trying to get lock");
	add_action(ACT_RECONCILE, WHY_POWER_OFF_CONFIRMED);
	act_run(&D);
	ck_assert_str_eq(F.calls, "reconcile 7 none;");
	ck_assert_str_eq(D.extra[0].last_action, "");
	ck_assert_int_eq(D.leader.held, 1);
}
END_TEST

START_TEST(test_reconcile_leadership_lost)
{
	F.reconcile_fail = 1;
	snprintf(F.reconcile_err, sizeof(F.reconcile_err),
	    "leadership lost before commit");
	add_action(ACT_RECONCILE, WHY_POWER_OFF_CONFIRMED);
	act_run(&D);
	ck_assert_int_eq(D.leader.held, 0);
}
END_TEST

/* --- returned ------------------------------------------------------------ */

START_TEST(test_returned_closes_record)
{
	add_action(ACT_REPORT, WHY_POWER_RETURNED);
	act_run(&D);
	ck_assert_str_eq(F.calls, "returned 7 power_returned;");
}
END_TEST

START_TEST(test_returned_without_schema_or_failing)
{
	D.inv.hw_schema = 0;
	add_action(ACT_REPORT, WHY_HB_RETURNED);
	act_run(&D);
	ck_assert_str_eq(F.calls, "");
	D.inv.hw_schema = 1;
	F.returned_fail = 1;
	act_run(&D);
	ck_assert_str_eq(F.calls, "returned 7 hb_returned;");
	ck_assert_str_eq(D.extra[0].last_action,
	    "returned after fence (hb_returned)");
}
END_TEST

/* a close that failed is tried again while the host is still back */
START_TEST(test_returned_close_retried)
{
	core_round(1000, PWR_UNKNOWN, 1, 0);
	core_round(2000, PWR_UNKNOWN, 2, 1);	/* fenced (operator) */
	core_round(3000, PWR_ON, 3, 1);
	core_round(4000, PWR_ON, 4, 1);		/* returned */
	ck_assert_int_eq(core_host_view(D.core, HOST)->state, HS_RETURNED);
	F.returned_fail = 1;
	act_run(&D);
	ck_assert_str_eq(F.calls, "returned 7 power_returned;"
	    "returned 7 power_returned;");	/* the action, one retry */
	F.returned_fail = 0;
	F.calls[0] = '\0';
	D.acts.n = D.evs.n = 0;
	act_run(&D);
	ck_assert_str_eq(F.calls, "returned 7 power_returned;");
	F.calls[0] = '\0';
	act_run(&D);
	ck_assert_str_eq(F.calls, "");
}
END_TEST

/* once fenced again, the open record is the new fence's: no late close */
START_TEST(test_returned_close_not_after_new_fence)
{
	core_round(1000, PWR_UNKNOWN, 1, 0);
	core_round(2000, PWR_UNKNOWN, 2, 1);
	core_round(3000, PWR_ON, 3, 1);
	core_round(4000, PWR_ON, 4, 1);
	F.returned_fail = 1;
	act_run(&D);
	F.returned_fail = 0;
	core_round(5000, PWR_ON, 4, 0);
	core_round(6000, PWR_ON, 4, 1);		/* operator: fenced again */
	ck_assert_int_eq(core_host_view(D.core, HOST)->state, HS_FENCED);
	F.calls[0] = '\0';
	D.acts.n = D.evs.n = 0;
	act_run(&D);
	ck_assert_str_eq(F.calls, "");
}
END_TEST

/* the recorded attempt count goes once the core counts the host back */
START_TEST(test_budget_reset_when_ignored)
{
	D.inv.hosts[0].fence_attempts_recorded = 2;
	core_round(1000, PWR_ON, 1, 0);		/* unknown: kept */
	act_run(&D);
	ck_assert_str_eq(F.calls, "");
	ck_assert_uint_eq(core_host_view(D.core, HOST)->fence_attempts, 0);
	core_ignored = IGN_MAINTENANCE;
	core_round(2000, PWR_ON, 2, 0);
	F.reset_fail = 1;
	act_run(&D);
	ck_assert_str_eq(F.calls, "budget_reset 7 ignored;");
	ck_assert_uint_eq(D.inv.hosts[0].fence_attempts_recorded, 2);
	F.reset_fail = 0;
	F.calls[0] = '\0';
	D.acts.n = D.evs.n = 0;
	act_run(&D);
	ck_assert_str_eq(F.calls, "budget_reset 7 ignored;");
	ck_assert_uint_eq(D.inv.hosts[0].fence_attempts_recorded, 0);
}
END_TEST

/* --- alerts --------------------------------------------------------------- */

/* a host may carry several alerts at once (duplicate_ip and a state's) */
START_TEST(test_alerts_of_one_host_by_why)
{
	add_action(ACT_ALERT, WHY_DUPLICATE_IP);
	add_action(ACT_ALERT, WHY_SUSPECT_TOO_LONG);
	act_run(&D);
	ck_assert_uint_eq(D.nalerts, 2);
	D.acts.n = 0;
	add_action(ACT_CLEAR_ALERT, WHY_SUSPECT_TOO_LONG);
	act_run(&D);
	ck_assert_uint_eq(D.nalerts, 1);
	ck_assert_int_eq(D.alerts[0].why, WHY_DUPLICATE_IP);
}
END_TEST

START_TEST(test_alert_raise_and_clear)
{
	add_action(ACT_ALERT, WHY_BMC_AUTH);
	act_run(&D);
	ck_assert_uint_eq(D.nalerts, 1);
	ck_assert_int_eq(D.alerts[0].why, WHY_BMC_AUTH);
	D.acts.n = 0;
	add_action(ACT_CLEAR_ALERT, WHY_BMC_AUTH);
	act_run(&D);
	ck_assert_uint_eq(D.nalerts, 0);
	ck_assert_str_eq(F.calls, "");
}
END_TEST

static Suite *
act_suite(void)
{
	Suite	*s = suite_create("act");
	TCase	*tc = tcase_create("executor");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fence_audit_then_request_then_read_back);
	tcase_add_test(tc, test_result_recorded_before_next_fence);
	tcase_add_test(tc,
	    test_console_release_before_fence_result_references_it);
	tcase_add_test(tc, test_standby_starts_no_console_capture);
	tcase_add_test(tc, test_db_down_no_audit_no_fence);
	tcase_add_test(tc, test_audit_fails_fence_not_sent);
	tcase_add_test(tc, test_standby_no_audit_no_fence);
	tcase_add_test(tc, test_fence_result_audit_fails);
	tcase_add_test(tc, test_bmc_timeout_read_back);
	tcase_add_test(tc, test_bmc_refusal_is_a_failed_attempt);
	tcase_add_test(tc, test_reconcile_source_bmc_from_core);
	tcase_add_test(tc, test_reconcile_source_operator_from_core);
	tcase_add_test(tc, test_reconcile_fails);
	tcase_add_test(tc, test_reconcile_leadership_lost);
	tcase_add_test(tc, test_returned_closes_record);
	tcase_add_test(tc, test_returned_without_schema_or_failing);
	tcase_add_test(tc, test_returned_close_retried);
	tcase_add_test(tc, test_returned_close_not_after_new_fence);
	tcase_add_test(tc, test_budget_reset_when_ignored);
	tcase_add_test(tc, test_alerts_of_one_host_by_why);
	tcase_add_test(tc, test_alert_raise_and_clear);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(act_suite());
	int	 nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? 0 : 1;
}
