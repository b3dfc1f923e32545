/*
 * check_sweep_core.c -- unit tests for the paused-domain decision
 * (src/core/sweep_core.c), driven by explicit times: no clock, no libvirt.
 *
 * Default policy throughout unless a test says otherwise: grace 120000 ms,
 * stall 600000 ms, 3 attempts, backoff 60000 ms doubling to 960000 ms.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "sweep_core.h"
#include "util.h"

#define U1	"6695eb01-f6a4-8304-79aa-97f2502e1001"
#define U2	"6695eb01-f6a4-8304-79aa-97f2502e1002"
#define U3	"6695eb01-f6a4-8304-79aa-97f2502e1003"
#define GB	(1024ULL * 1024 * 1024)

static struct sweep_policy	P;
static struct sweep_track	TB[8];
static struct sweep_state	ST;
static struct sweep_action	AB[8];
static struct sweep_actions	A;
static char			err[ERR_LEN];

static void
setup(void)
{
	sweep_policy_default(&P);
	sweep_state_init(&ST, TB, NELEM(TB));
	memset(AB, 0, sizeof(AB));
	A.v = AB;
	A.n = 0;
	A.cap = NELEM(AB);
	err[0] = '\0';
}

/* A paused domain every S7 condition allows to be resumed. */
static struct sweep_dom
dom(const char *uuid, int reason)
{
	struct sweep_dom	d;

	memset(&d, 0, sizeof(d));
	strcpy(d.uuid, uuid);
	strcpy(d.name, "i-2-30-VM");
	d.reason = reason;
	d.job = SJ_NONE;
	d.marker = SM_ABSENT;
	d.cs_running_here = 1;
	return d;
}

/* An active backup job reporting disk_processed = bytes (push mode). */
static void
job_disk(struct sweep_dom *d, uint64_t bytes)
{
	d->job = SJ_ACTIVE;
	d->job_op = 9;
	bp_set(&d->job_progress, BPF_DISK_PROCESSED, bytes);
	d->job_processed = bytes;
}

/* One tick over host 1 (alive, observed) holding the given domains. */
static void
tick(uint64_t now, const struct sweep_dom *d, size_t n)
{
	struct sweep_host	h = { 1, 1, 1, d, n };
	struct sweep_input	in = { now, &h, 1 };

	ck_assert_int_eq(sweep_step(&P, &ST, &in, &A, err), 0);
}

/* One tick with one domain; returns its single record. */
static const struct sweep_action *
tick1(uint64_t now, const struct sweep_dom *d)
{
	tick(now, d, 1);
	ck_assert_uint_eq(A.n, 1);
	return &A.v[0];
}

static void
expect(const struct sweep_action *a, enum sweep_act k, enum sweep_why w)
{
	ck_assert_msg(a->kind == k && a->why == w,
	    "expected %s/%s, got %s/%s (%s)", sweep_act_name(k),
	    sweep_why_name(w), sweep_act_name(a->kind), sweep_why_name(a->why),
	    a->text);
}

static void
report(uint64_t now, const char *uuid, enum sweep_result r)
{
	ck_assert_int_eq(sweep_report(&P, &ST, now, 1, uuid, r, err), 0);
}

START_TEST(test_grace)
{
	struct sweep_dom		 d = dom(U1, SPR_IOERROR);
	const struct sweep_action	*a;

	a = tick1(5000, &d);
	expect(a, SWA_LEAVE, SWW_GRACE);
	ck_assert_uint_eq(a->at_ms, 125000);
	expect(tick1(124999, &d), SWA_LEAVE, SWW_GRACE);
	a = tick1(125000, &d);
	expect(a, SWA_RESUME, SWW_RESUMABLE);
	ck_assert_uint_eq(a->paused_ms, 120000);
	ck_assert_str_eq(a->uuid, U1);
	ck_assert_str_eq(a->name, "i-2-30-VM");
}
END_TEST

/* A slow backup that keeps moving is never touched, however long. */
START_TEST(test_progress)
{
	struct sweep_dom		 d = dom(U1, SPR_IOERROR);
	const struct sweep_action	*a;
	uint64_t			 t;

	job_disk(&d, 0);
	for (t = 0; t <= 6 * 3600 * 1000ULL; t += 540000) {	/* 6 h */
		job_disk(&d, d.job_progress.v[BPF_DISK_PROCESSED] + 1 * GB);
		a = tick1(t, &d);
		expect(a, SWA_LEAVE, SWW_JOB_PROGRESSING);
		ck_assert_uint_eq(a->at_ms, t + 600000);
		ck_assert_ptr_nonnull(strstr(a->text, "backup job"));
	}
	/* a quiet look in between is idle, not stalled */
	expect(tick1(t - 540000 + 599999, &d), SWA_LEAVE, SWW_JOB_IDLE);
	ck_assert_uint_eq(ST.n, 1);
	ck_assert_uint_eq(ST.v[0].attempts, 0);
}
END_TEST

START_TEST(test_stall_then_abort_then_resume)
{
	struct sweep_dom		 d = dom(U1, SPR_IOERROR);
	const struct sweep_action	*a;

	job_disk(&d, 4096);
	expect(tick1(1000, &d), SWA_LEAVE, SWW_JOB_PROGRESSING);
	a = tick1(600999, &d);
	expect(a, SWA_LEAVE, SWW_JOB_IDLE);
	ck_assert_uint_eq(a->at_ms, 601000);
	a = tick1(601000, &d);
	expect(a, SWA_ABORT_JOB, SWW_JOB_STALLED);
	ck_assert_ptr_nonnull(strstr(a->text, "has not moved for 600000 ms"));
	ck_assert_ptr_nonnull(strstr(a->text, "disk_processed=4096"));
	report(601100, U1, SWR_ABORTED);
	/* the next look sees no job: grace (from 1000) long past -> resume */
	d.job = SJ_NONE;
	a = tick1(602000, &d);
	expect(a, SWA_RESUME, SWW_RESUMABLE);
	ck_assert_uint_eq(a->attempts, 0);
}
END_TEST

START_TEST(test_abort_failed_backs_off)
{
	struct sweep_dom		 d = dom(U1, SPR_IOERROR);
	const struct sweep_action	*a;

	job_disk(&d, 0);
	expect(tick1(0, &d), SWA_LEAVE, SWW_JOB_PROGRESSING);
	expect(tick1(600000, &d), SWA_ABORT_JOB, SWW_JOB_STALLED);
	report(600010, U1, SWR_ABORT_FAILED);
	a = tick1(660009, &d);
	expect(a, SWA_LEAVE, SWW_BACKOFF);
	ck_assert_uint_eq(a->at_ms, 660010);
	expect(tick1(660010, &d), SWA_ABORT_JOB, SWW_JOB_STALLED);
}
END_TEST

/* loop index = libvirt pause reason 0..14, plus an unknown future one */
START_TEST(test_reasons)
{
	int				 reason = _i == 15 ? 99 : _i;
	struct sweep_dom		 d = dom(U1, reason);
	int				 ok = reason == SPR_IOERROR ||
	    reason == SPR_USER || reason == SPR_UNKNOWN;
	const struct sweep_action	*a;

	ck_assert_int_eq(sweep_reason_resumable(reason), ok);
	if (ok) {
		expect(tick1(0, &d), SWA_LEAVE, SWW_GRACE);
		expect(tick1(120000, &d), SWA_RESUME, SWW_RESUMABLE);
	} else {
		expect(tick1(0, &d), SWA_SKIP, SWW_REASON_NOT_RESUMABLE);
		a = tick1(86400000, &d);
		expect(a, SWA_SKIP, SWW_REASON_NOT_RESUMABLE);
		ck_assert_ptr_nonnull(strstr(a->text,
		    sweep_preason_name(reason)));
	}
}
END_TEST

START_TEST(test_optout_config)
{
	struct sweep_dom	d = dom(U1, SPR_IOERROR);

	d.optout_config = 1;
	expect(tick1(0, &d), SWA_SKIP, SWW_OPTOUT_CONFIG);
	expect(tick1(10 * 3600 * 1000ULL, &d), SWA_SKIP, SWW_OPTOUT_CONFIG);
	/* opted out: a stalled job is not aborted either */
	job_disk(&d, 1);
	expect(tick1(20 * 3600 * 1000ULL, &d), SWA_SKIP, SWW_OPTOUT_CONFIG);
}
END_TEST

START_TEST(test_optout_marker)
{
	struct sweep_dom	d = dom(U1, SPR_USER);

	d.marker = SM_PRESENT;
	expect(tick1(0, &d), SWA_SKIP, SWW_OPTOUT_MARKER);
	expect(tick1(3600000, &d), SWA_SKIP, SWW_OPTOUT_MARKER);
	d.marker = SM_UNKNOWN;
	expect(tick1(3600001, &d), SWA_SKIP, SWW_MARKER_UNKNOWN);
	d.marker = SM_ABSENT;
	expect(tick1(3600002, &d), SWA_RESUME, SWW_RESUMABLE);
}
END_TEST

START_TEST(test_cs_state_mismatch)
{
	struct sweep_dom	d = dom(U1, SPR_IOERROR);

	d.cs_running_here = 0;
	expect(tick1(0, &d), SWA_SKIP, SWW_CS_NOT_RUNNING_HERE);
	expect(tick1(3600000, &d), SWA_SKIP, SWW_CS_NOT_RUNNING_HERE);
	d.cs_running_here = 1;
	expect(tick1(3600001, &d), SWA_RESUME, SWW_RESUMABLE);
}
END_TEST

START_TEST(test_snapshot_in_progress)
{
	struct sweep_dom	d = dom(U1, SPR_IOERROR);

	d.snapshot_in_progress = 1;
	expect(tick1(0, &d), SWA_SKIP, SWW_SNAPSHOT_IN_PROGRESS);
	/* even with a long-stalled job: the job may be the snapshot's */
	job_disk(&d, 1);
	expect(tick1(1000, &d), SWA_SKIP, SWW_SNAPSHOT_IN_PROGRESS);
	expect(tick1(7200000, &d), SWA_SKIP, SWW_SNAPSHOT_IN_PROGRESS);
}
END_TEST

START_TEST(test_job_unknown_and_unsupported)
{
	struct sweep_dom		 d = dom(U1, SPR_UNKNOWN);
	const struct sweep_action	*a;

	d.job = SJ_UNKNOWN;
	expect(tick1(0, &d), SWA_LEAVE, SWW_JOB_UNKNOWN);
	expect(tick1(7200000, &d), SWA_LEAVE, SWW_JOB_UNKNOWN);
	d.job = SJ_UNSUPPORTED;
	a = tick1(7200001, &d);
	expect(a, SWA_RESUME, SWW_RESUMABLE);
	ck_assert_ptr_nonnull(strstr(a->text, "job info unsupported"));
}
END_TEST

/* Exact timeline: every failed attempt, every backoff edge, one alert. */
START_TEST(test_attempts_exhausted)
{
	struct sweep_dom		 d = dom(U1, SPR_IOERROR);
	const struct sweep_action	*a;

	strcpy(d.disk_errors, "hda: no space");
	d.backup_known = 1;
	d.backup_id = 77;
	strcpy(d.backup_status, "Error");
	d.backup_age_ms = 7200000;

	expect(tick1(0, &d), SWA_LEAVE, SWW_GRACE);
	expect(tick1(120000, &d), SWA_RESUME, SWW_RESUMABLE);
	report(121000, U1, SWR_REPAUSED);		/* 1 -> +60000 */
	a = tick1(180999, &d);
	expect(a, SWA_LEAVE, SWW_BACKOFF);
	ck_assert_uint_eq(a->at_ms, 181000);
	ck_assert_uint_eq(a->attempts, 1);
	a = tick1(181000, &d);
	expect(a, SWA_RESUME, SWW_RESUMABLE);
	ck_assert_ptr_nonnull(strstr(a->text, "attempt 2 of 3"));
	report(182000, U1, SWR_REPAUSED);		/* 2 -> +120000 */
	a = tick1(301999, &d);
	expect(a, SWA_LEAVE, SWW_BACKOFF);
	ck_assert_uint_eq(a->at_ms, 302000);
	expect(tick1(302000, &d), SWA_RESUME, SWW_RESUMABLE);
	report(303000, U1, SWR_RESUME_FAILED);		/* 3 = max */
	a = tick1(303001, &d);
	expect(a, SWA_GIVE_UP, SWW_ATTEMPTS_EXHAUSTED);
	ck_assert_uint_eq(a->attempts, 3);
	ck_assert_ptr_nonnull(strstr(a->text, "host=1 "));
	ck_assert_ptr_nonnull(strstr(a->text, "domain=i-2-30-VM"));
	ck_assert_ptr_nonnull(strstr(a->text, "disk_errors=\"hda: no space\""));
	ck_assert_ptr_nonnull(strstr(a->text, "backup=77 status=Error age=7200s"));
	ck_assert_ptr_nonnull(strstr(a->text, "paused_for=303s"));
	/* once, not every tick */
	expect(tick1(303002, &d), SWA_SKIP, SWW_GIVEN_UP);
	expect(tick1(99999999, &d), SWA_SKIP, SWW_GIVEN_UP);
}
END_TEST

START_TEST(test_backoff_values)
{
	ck_assert_uint_eq(sweep_backoff_ms(&P, 0), 0);
	ck_assert_uint_eq(sweep_backoff_ms(&P, 1), 60000);
	ck_assert_uint_eq(sweep_backoff_ms(&P, 2), 120000);
	ck_assert_uint_eq(sweep_backoff_ms(&P, 3), 240000);
	ck_assert_uint_eq(sweep_backoff_ms(&P, 5), 960000);
	ck_assert_uint_eq(sweep_backoff_ms(&P, 6), 960000);
	ck_assert_uint_eq(sweep_backoff_ms(&P, 4000000000u), 960000);
	P.resume_backoff_ms = 1ULL << 62;
	P.resume_backoff_max_ms = UINT64_MAX;
	ck_assert_uint_eq(sweep_backoff_ms(&P, 2), 1ULL << 63);
	ck_assert_uint_eq(sweep_backoff_ms(&P, 3), UINT64_MAX);
}
END_TEST

/* RESUMED but still paused at the next look counts like REPAUSED; so does
 * an action whose outcome the caller never reported. */
START_TEST(test_repause_counting)
{
	struct sweep_dom		 d = dom(U1, SPR_IOERROR);
	const struct sweep_action	*a;

	P.pause_grace_ms = 0;
	expect(tick1(1000, &d), SWA_RESUME, SWW_RESUMABLE);
	report(1100, U1, SWR_RESUMED);
	a = tick1(2000, &d);		/* paused again after "resumed" */
	expect(a, SWA_LEAVE, SWW_BACKOFF);
	ck_assert_uint_eq(a->attempts, 1);
	ck_assert_uint_eq(a->at_ms, 62000);
	expect(tick1(62000, &d), SWA_RESUME, SWW_RESUMABLE);
	/* no report: the next tick counts it as failed */
	a = tick1(63000, &d);
	expect(a, SWA_LEAVE, SWW_BACKOFF);
	ck_assert_uint_eq(a->attempts, 2);
	ck_assert_uint_eq(a->at_ms, 183000);
	expect(tick1(183000, &d), SWA_RESUME, SWW_RESUMABLE);
	report(183500, U1, SWR_REPAUSED);
	expect(tick1(184000, &d), SWA_GIVE_UP, SWW_ATTEMPTS_EXHAUSTED);
}
END_TEST

START_TEST(test_vanished_clears)
{
	struct sweep_dom	d = dom(U1, SPR_IOERROR);

	P.pause_grace_ms = 0;
	expect(tick1(1000, &d), SWA_RESUME, SWW_RESUMABLE);
	report(1100, U1, SWR_REPAUSED);
	ck_assert_uint_eq(ST.n, 1);
	report(1200, U1, SWR_VANISHED);
	ck_assert_uint_eq(ST.n, 0);
	ck_assert_int_eq(sweep_report(&P, &ST, 1300, 1, U1, SWR_VANISHED,
	    err), 0);
	ck_assert_int_eq(sweep_report(&P, &ST, 1300, 1, U1, SWR_REPAUSED,
	    err), -1);
	ck_assert_ptr_nonnull(strstr(err, "untracked"));
	/* gone from the list of an observed host: forgotten too */
	P.pause_grace_ms = 120000;
	expect(tick1(2000, &d), SWA_LEAVE, SWW_GRACE);
	tick(3000, NULL, 0);
	ck_assert_uint_eq(A.n, 0);
	ck_assert_uint_eq(ST.n, 0);
}
END_TEST

START_TEST(test_running_again_clears)
{
	struct sweep_dom		 d = dom(U1, SPR_IOERROR);
	const struct sweep_action	*a;

	expect(tick1(0, &d), SWA_LEAVE, SWW_GRACE);
	expect(tick1(120000, &d), SWA_RESUME, SWW_RESUMABLE);
	report(120500, U1, SWR_REPAUSED);
	ck_assert_uint_eq(sweep_state_find(&ST, 1, U1)->attempts, 1);
	expect(tick1(180500, &d), SWA_RESUME, SWW_RESUMABLE);
	report(181000, U1, SWR_RESUMED);
	tick(190000, NULL, 0);			/* running: not in the list */
	ck_assert_ptr_null(sweep_state_find(&ST, 1, U1));
	/* paused again later: a fresh start, grace from now */
	a = tick1(500000, &d);
	expect(a, SWA_LEAVE, SWW_GRACE);
	ck_assert_uint_eq(a->attempts, 0);
	ck_assert_uint_eq(a->at_ms, 620000);
}
END_TEST

START_TEST(test_host_not_alive)
{
	struct sweep_dom	d = dom(U1, SPR_IOERROR);
	struct sweep_host	h = { 1, 0, 1, &d, 1 };
	struct sweep_input	in = { 1000000, &h, 1 };

	ck_assert_int_eq(sweep_step(&P, &ST, &in, &A, err), 0);
	ck_assert_uint_eq(A.n, 0);
	ck_assert_uint_eq(ST.n, 0);
	/* tracked, then the host dies: nothing, and the memory is kept */
	expect(tick1(0, &d), SWA_LEAVE, SWW_GRACE);
	h.doms = NULL;
	h.ndoms = 0;
	ck_assert_int_eq(sweep_step(&P, &ST, &in, &A, err), 0);
	ck_assert_uint_eq(A.n, 0);
	ck_assert_uint_eq(ST.n, 1);
	/* alive but libvirt unknown: one host record, memory kept */
	h.alive = 1;
	h.observed = 0;
	ck_assert_int_eq(sweep_step(&P, &ST, &in, &A, err), 0);
	ck_assert_uint_eq(A.n, 1);
	expect(&A.v[0], SWA_LEAVE, SWW_HOST_UNOBSERVED);
	ck_assert_str_eq(A.v[0].uuid, "");
	ck_assert_uint_eq(ST.n, 1);
	sweep_forget_host(&ST, 1);
	ck_assert_uint_eq(ST.n, 0);
}
END_TEST

START_TEST(test_deterministic_order)
{
	struct sweep_dom	d2[2], d1[1];
	struct sweep_host	h[2];
	struct sweep_input	in;

	d2[0] = dom(U3, SPR_IOERROR);
	d2[1] = dom(U1, SPR_SNAPSHOT);
	d1[0] = dom(U2, SPR_USER);
	h[0] = (struct sweep_host){ 7, 1, 1, d2, 2 };
	h[1] = (struct sweep_host){ 3, 1, 1, d1, 1 };
	in = (struct sweep_input){ 0, h, 2 };
	ck_assert_int_eq(sweep_step(&P, &ST, &in, &A, err), 0);
	ck_assert_uint_eq(A.n, 3);
	ck_assert_uint_eq(A.v[0].host_id, 3);
	ck_assert_str_eq(A.v[0].uuid, U2);
	ck_assert_uint_eq(A.v[1].host_id, 7);
	ck_assert_str_eq(A.v[1].uuid, U1);
	expect(&A.v[1], SWA_SKIP, SWW_REASON_NOT_RESUMABLE);
	ck_assert_str_eq(A.v[2].uuid, U3);
	/* same uuid on two hosts is two domains */
	d1[0] = dom(U3, SPR_USER);
	ck_assert_int_eq(sweep_step(&P, &ST, &in, &A, err), 0);
	ck_assert_uint_eq(ST.n, 3);
}
END_TEST

START_TEST(test_capacity)
{
	struct sweep_dom	d[3] = { dom(U1, 5), dom(U2, 5), dom(U3, 5) };
	struct sweep_track	small[2];

	A.cap = 2;
	ck_assert_int_eq(sweep_step(&P, &ST, &(struct sweep_input){ 0,
	    &(struct sweep_host){ 1, 1, 1, d, 3 }, 1 }, &A, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "3 needed"));
	ck_assert_uint_eq(ST.n, 0);
	A.cap = NELEM(AB);
	sweep_state_init(&ST, small, NELEM(small));
	tick(0, d, 3);
	ck_assert_uint_eq(A.n, 3);
	expect(&A.v[2], SWA_SKIP, SWW_TRACK_FULL);
	ck_assert_str_eq(A.v[2].uuid, U3);
}
END_TEST

START_TEST(test_duplicate_input)
{
	struct sweep_dom	d[2] = { dom(U1, 5), dom(U1, 5) };

	tick(0, d, 2);
	ck_assert_uint_eq(A.n, 1);
	ck_assert_uint_eq(ST.n, 1);
}
END_TEST

START_TEST(test_policy_and_names)
{
	int	i;

	ck_assert_int_eq(sweep_policy_check(&P, err), 0);
	ck_assert_uint_eq(P.pause_grace_ms, 120000);
	ck_assert_uint_eq(P.job_stall_after_ms, 600000);
	ck_assert_uint_eq(P.max_resume_attempts, 3);
	ck_assert_uint_eq(P.resume_backoff_ms, 60000);
	ck_assert_uint_eq(P.resume_settle_ms, 2000);
	P.max_resume_attempts = 0;
	ck_assert_int_eq(sweep_policy_check(&P, err), -1);
	sweep_policy_default(&P);
	P.resume_backoff_max_ms = 1;
	ck_assert_int_eq(sweep_policy_check(&P, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "resume_backoff_max_ms"));
	for (i = SWA_ABORT_JOB; i <= SWA_LEAVE; i++)
		ck_assert_str_ne(sweep_act_name(i), "invalid");
	for (i = SWW_RESUMABLE; i <= SWW_PULL_ROW_IN_PROGRESS; i++)
		ck_assert_str_ne(sweep_why_name(i), "invalid");
	for (i = SWR_RESUMED; i <= SWR_VANISHED; i++)
		ck_assert_str_ne(sweep_result_name(i), "invalid");
	for (i = SJ_NONE; i <= SJ_UNKNOWN; i++)
		ck_assert_str_ne(sweep_job_name(i), "invalid");
	for (i = SM_ABSENT; i <= SM_UNKNOWN; i++)
		ck_assert_str_ne(sweep_marker_name(i), "invalid");
	for (i = SPR_UNKNOWN; i <= SPR_API_ERROR; i++)
		ck_assert_str_ne(sweep_preason_name(i), "other");
	ck_assert_str_eq(sweep_preason_name(5), "ioerror");
	ck_assert_str_eq(sweep_why_name(SWW_CS_NOT_RUNNING_HERE),
	    "cs-not-running-here");
}
END_TEST

/* Issue 12: a push backup reports disk_* only; a throttled one moves a
 * few MiB per look and is never aborted, and the text names the counter. */
START_TEST(test_disk_counters_progress)
{
	struct sweep_dom		 d = dom(U1, SPR_USER);
	const struct sweep_action	*a;
	uint64_t			 t, b = 176ULL << 20;

	job_disk(&d, b);
	bp_set(&d.job_progress, BPF_DISK_TOTAL, 512ULL << 20);
	for (t = 0; t < 20 * 700000ULL; t += 700000) {	/* > stall each */
		b += 4ULL << 20;
		job_disk(&d, b);
		bp_set(&d.job_progress, BPF_DISK_REMAINING, (512ULL << 20) - b);
		a = tick1(t, &d);
		expect(a, SWA_LEAVE, SWW_JOB_PROGRESSING);
		ck_assert_ptr_nonnull(strstr(a->text, "disk_processed="));
	}
	ck_assert_uint_eq(ST.v[0].job_moved_field, BPF_DISK_PROCESSED);
	/* stuck (1 byte/s rounds to nothing): aborted after the stall */
	expect(tick1(t - 700000 + 599999, &d), SWA_LEAVE, SWW_JOB_IDLE);
	expect(tick1(t - 700000 + 600000, &d), SWA_ABORT_JOB, SWW_JOB_STALLED);
}
END_TEST

/* Only the remaining counter moves (a migration's memory, say): moving. */
START_TEST(test_remaining_counter_moves)
{
	struct sweep_dom	d = dom(U1, SPR_USER);

	d.job = SJ_ACTIVE;
	d.job_op = 5;
	bp_set(&d.job_progress, BPF_MEM_REMAINING, 1000);
	expect(tick1(0, &d), SWA_LEAVE, SWW_JOB_PROGRESSING);
	bp_set(&d.job_progress, BPF_MEM_REMAINING, 900);
	expect(tick1(700000, &d), SWA_LEAVE, SWW_JOB_PROGRESSING);
	ck_assert_uint_eq(ST.v[0].job_moved_field, BPF_MEM_REMAINING);
	/* a total that changes is no movement */
	bp_set(&d.job_progress, BPF_MEM_TOTAL, 5);
	expect(tick1(1299999, &d), SWA_LEAVE, SWW_JOB_IDLE);
	expect(tick1(1300000, &d), SWA_ABORT_JOB, SWW_JOB_STALLED);
}
END_TEST

/* A job reporting no progress counter is unknown: never aborted. */
START_TEST(test_no_progress_is_unknown)
{
	struct sweep_dom		 d = dom(U1, SPR_IOERROR);
	const struct sweep_action	*a;
	uint64_t			 t;

	d.job = SJ_ACTIVE;
	d.job_op = 9;
	for (t = 0; t <= 24 * 3600 * 1000ULL; t += 3600000) {
		a = tick1(t, &d);
		expect(a, SWA_LEAVE, SWW_JOB_NO_PROGRESS);
		ck_assert_ptr_nonnull(strstr(a->text, "never treated as stalled"));
	}
}
END_TEST

/* Pull mode: its client's; reported past pull_job_max_age, never aborted;
 * resumed only once the job is gone and the backup row left BackingUp. */
START_TEST(test_pull_job)
{
	struct sweep_dom		 d = dom(U1, SPR_IOERROR);
	const struct sweep_action	*a;

	d.job = SJ_ACTIVE;
	d.job_op = 9;
	d.job_pull = 1;
	d.backup_known = 1;
	d.backup_id = 77;
	strcpy(d.backup_status, "BackingUp");
	d.job_elapsed_ms = 1000;
	expect(tick1(0, &d), SWA_LEAVE, SWW_JOB_PULL);
	d.job_elapsed_ms = 7200000;
	expect(tick1(7200000, &d), SWA_LEAVE, SWW_JOB_PULL);
	P.pull_job_max_age_ms = 3600000;
	a = tick1(7200001, &d);
	expect(a, SWA_LEAVE, SWW_PULL_JOB_OVERDUE);
	ck_assert_ptr_nonnull(strstr(a->text, "open for 7200 s"));
	/* the job is gone, the row still BackingUp: not yet */
	d.job = SJ_NONE;
	a = tick1(7300000, &d);
	expect(a, SWA_LEAVE, SWW_PULL_ROW_IN_PROGRESS);
	ck_assert_ptr_nonnull(strstr(a->text, "backup 77"));
	/* the row went to Error: resume */
	strcpy(d.backup_status, "Error");
	expect(tick1(7300001, &d), SWA_RESUME, SWW_RESUMABLE);
}
END_TEST

START_TEST(test_pull_no_row_resumes)
{
	struct sweep_dom	d = dom(U1, SPR_IOERROR);

	d.job = SJ_ACTIVE;
	d.job_op = 9;
	d.job_pull = 1;
	expect(tick1(0, &d), SWA_LEAVE, SWW_JOB_PULL);
	d.job = SJ_NONE;
	expect(tick1(120000, &d), SWA_RESUME, SWW_RESUMABLE);
}
END_TEST

START_TEST(test_bp_counters)
{
	struct bp_counters	x, y;
	enum bp_field		f;
	char			buf[64];

	memset(&x, 0, sizeof(x));
	memset(&y, 0, sizeof(y));
	ck_assert_int_eq(bp_known(&x), 0);
	ck_assert_int_eq(bp_main(&x), BPF_NONE);
	bp_describe(&x, BPF_NONE, buf, sizeof(buf));
	ck_assert_str_eq(buf, "no progress reported");
	bp_set(&x, BPF_DISK_TOTAL, 10);
	ck_assert_int_eq(bp_known(&x), 0);	/* a total alone is no progress */
	bp_set(&x, BPF_DATA_PROCESSED, 5);
	bp_set(&x, BPF_DISK_PROCESSED, 7);
	ck_assert_int_eq(bp_known(&x), 1);
	ck_assert_int_eq(bp_main(&x), BPF_DISK_PROCESSED);
	y = x;
	ck_assert_int_eq(bp_moved(&x, &y, &f), 0);
	bp_set(&y, BPF_DATA_PROCESSED, 6);
	ck_assert_int_eq(bp_moved(&x, &y, &f), 1);
	ck_assert_int_eq(f, BPF_DATA_PROCESSED);
	bp_set(&y, BPF_DISK_PROCESSED, 8);
	ck_assert_int_eq(bp_moved(&x, &y, &f), 1);
	ck_assert_int_eq(f, BPF_DISK_PROCESSED);	/* the main one wins */
	bp_describe(&y, f, buf, sizeof(buf));
	ck_assert_str_eq(buf, "disk_processed=8");
	/* a counter appearing counts as movement */
	y = x;
	bp_set(&y, BPF_MEM_REMAINING, 1);
	ck_assert_int_eq(bp_moved(&x, &y, &f), 1);
	for (f = 0; f <= BPF_N; f++)
		ck_assert_str_ne(bp_field_name(f), "invalid");
	ck_assert_str_eq(bp_field_name(BPF_MEM_PROCESSED), "memory_processed");
}
END_TEST

static Suite *
sweep_suite(void)
{
	Suite	*s = suite_create("sweep_core");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_grace);
	tcase_add_test(tc, test_progress);
	tcase_add_test(tc, test_stall_then_abort_then_resume);
	tcase_add_test(tc, test_abort_failed_backs_off);
	tcase_add_loop_test(tc, test_reasons, 0, 16);
	tcase_add_test(tc, test_optout_config);
	tcase_add_test(tc, test_optout_marker);
	tcase_add_test(tc, test_cs_state_mismatch);
	tcase_add_test(tc, test_snapshot_in_progress);
	tcase_add_test(tc, test_job_unknown_and_unsupported);
	tcase_add_test(tc, test_disk_counters_progress);
	tcase_add_test(tc, test_remaining_counter_moves);
	tcase_add_test(tc, test_no_progress_is_unknown);
	tcase_add_test(tc, test_pull_job);
	tcase_add_test(tc, test_pull_no_row_resumes);
	tcase_add_test(tc, test_bp_counters);
	tcase_add_test(tc, test_attempts_exhausted);
	tcase_add_test(tc, test_backoff_values);
	tcase_add_test(tc, test_repause_counting);
	tcase_add_test(tc, test_vanished_clears);
	tcase_add_test(tc, test_running_again_clears);
	tcase_add_test(tc, test_host_not_alive);
	tcase_add_test(tc, test_deterministic_order);
	tcase_add_test(tc, test_capacity);
	tcase_add_test(tc, test_duplicate_input);
	tcase_add_test(tc, test_policy_and_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(sweep_suite());
	int	 nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
