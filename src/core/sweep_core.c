/*
 * sweep_core.c -- decide what to do with each paused domain (pure: no I/O,
 * no clock, no allocation).
 *
 * Flow: tick.c observes the alive hosts (reconcile/virt.c), adds CloudStack
 * facts, calls sweep_step(), executes ABORT_JOB / RESUME / GIVE_UP, and
 * reports every outcome with sweep_report().  The same code runs in the
 * daemon, in `hawatch sweep --dry-run` and in tests/unit/check_sweep_core.c.
 *
 * The order of the rules for one paused domain (first match wins):
 *   1. already given up                  -> SKIP  given-up (alert was sent)
 *   2. failed attempts >= max            -> GIVE_UP, once
 *   3. opted out in hawatch.conf         -> SKIP  optout-config
 *   4. opt-out marker present/unreadable -> SKIP  optout-marker / marker-unknown
 *   5. pause reason not resumable        -> SKIP  reason-not-resumable
 *   6. CloudStack: not Running here      -> SKIP  cs-not-running-here
 *   7. a snapshot is in progress         -> SKIP  snapshot-in-progress
 *   8. a job is active:
 *        moved since the last look, or first seen  -> LEAVE job-progressing
 *        quiet for < job_stall_after_ms            -> LEAVE job-idle
 *        quiet longer, backoff pending             -> LEAVE backoff
 *        quiet longer                              -> ABORT_JOB
 *      no progress counter at all (unknown; pull-mode backup: its
 *        client's)                                 -> LEAVE job-no-progress /
 *                                                     job-pull / pull-job-overdue
 *      the job query failed                        -> LEAVE job-unknown
 *   8b. a pull job was seen, is gone, row BackingUp -> LEAVE pull-row-in-progress
 *   9. paused for < pause_grace_ms       -> LEAVE grace
 *  10. backoff pending                   -> LEAVE backoff
 *  11.                                   -> RESUME
 * Rules 3-7 come before the job rule on purpose: a stalled job is only
 * aborted on a domain hawatch would also be allowed to resume.
 *
 * Resumable pause reasons (libvirt virDomainPausedReason), and why:
 *   IOERROR  QEMU stopped the guest on a storage error (werror=enospc/stop),
 *            e.g. ENOSPC on a full NAS backup target (#12821).  Resuming
 *            retries the I/O; if storage is still broken the domain
 *            re-pauses at once and the attempt counts as failed.  vdsm's
 *            auto_resume resumes exactly this reason (peers.md 8).
 *   USER     an explicit pause through the API (virsh suspend), which a
 *            backup or snapshot script may leave behind when it fails.  A
 *            deliberate operator pause is protected by the opt-out marker.
 *   UNKNOWN  the test driver and some old code paths report 0.
 * Not resumable, because someone else owns the pause or resuming harms:
 *   MIGRATION, POSTCOPY, POSTCOPY_FAILED   a migration owns the domain; a
 *            resume here can run two copies of one guest (split brain).
 *   SAVE, DUMP, SNAPSHOT                   a libvirt job is writing the
 *            guest's state and resumes it itself when done.
 *   FROM_SNAPSHOT                          reverted to a paused snapshot on
 *            purpose.
 *   SHUTTING_DOWN, STARTING_UP             a lifecycle transition in flight.
 *   WATCHDOG, CRASHED                      the guest itself failed; the pause
 *            preserves it for diagnosis and resuming just fails again.
 *   API_ERROR (libvirt >= 9.2)             an API's own resume failed; left
 *            to a human until its causes are understood.
 *   anything else                          unknown meaning: never guessed.
 *
 * Attempts: every failed attempt (REPAUSED, RESUME_FAILED, ABORT_FAILED, a
 * RESUMED domain seen paused again at the next look, an action whose outcome
 * was never reported) increments `attempts` and sets the next attempt to
 * now + sweep_backoff_ms(attempts).  When attempts reaches
 * max_resume_attempts the next step emits GIVE_UP once.  A domain that is
 * no longer in its observed host's paused list (running again, or gone)
 * is forgotten, and so is one reported VANISHED.
 *
 * Returns: 0, or -1 with err filled (the state is then unchanged).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep_core.h"
#include "util.h"

void
sweep_policy_default(struct sweep_policy *p)
{
	p->pause_grace_ms = SWEEP_PAUSE_GRACE_MS_DEFAULT;
	p->job_stall_after_ms = SWEEP_JOB_STALL_AFTER_MS_DEFAULT;
	p->max_resume_attempts = SWEEP_MAX_RESUME_ATTEMPTS_DEFAULT;
	p->resume_backoff_ms = SWEEP_RESUME_BACKOFF_MS_DEFAULT;
	p->resume_backoff_max_ms = SWEEP_RESUME_BACKOFF_MAX_MS_DEFAULT;
	p->resume_settle_ms = SWEEP_RESUME_SETTLE_MS_DEFAULT;
	p->pull_job_max_age_ms = 0;	/* off: a pull job is its client's */
}

int
sweep_policy_check(const struct sweep_policy *p, char *err)
{
	if (p->job_stall_after_ms == 0) {
		set_err(err, "sweep policy: job_stall_after_ms must be > 0");
		return -1;
	}
	if (p->max_resume_attempts == 0) {
		set_err(err, "sweep policy: max_resume_attempts must be >= 1");
		return -1;
	}
	if (p->resume_backoff_max_ms < p->resume_backoff_ms) {
		set_err(err, "sweep policy: resume_backoff_max_ms (%llu) < "
		    "resume_backoff_ms (%llu)",
		    (unsigned long long)p->resume_backoff_max_ms,
		    (unsigned long long)p->resume_backoff_ms);
		return -1;
	}
	if (p->resume_settle_ms > 60000) {
		/* the settle wait runs inside one tick's deadline */
		set_err(err, "sweep policy: resume_settle_ms %llu > 60000",
		    (unsigned long long)p->resume_settle_ms);
		return -1;
	}
	return 0;
}

void
sweep_state_init(struct sweep_state *st, struct sweep_track *buf, size_t cap)
{
	st->v = buf;
	st->n = 0;
	st->cap = cap;
}

/* Wait after `failed` failed attempts: base << (failed - 1), capped. */
uint64_t
sweep_backoff_ms(const struct sweep_policy *p, uint32_t failed)
{
	uint64_t	b = p->resume_backoff_ms;
	uint32_t	i;

	if (failed == 0)
		return 0;
	for (i = 1; i < failed; i++) {
		if (b >= p->resume_backoff_max_ms / 2) {
			b = p->resume_backoff_max_ms;
			break;
		}
		b *= 2;
	}
	return b < p->resume_backoff_max_ms ? b : p->resume_backoff_max_ms;
}

int
sweep_reason_resumable(int reason)
{
	switch (reason) {
	case SPR_IOERROR:
	case SPR_USER:
	case SPR_UNKNOWN:
		return 1;
	default:
		return 0;
	}
}

/* now - then, 0 if the caller's clock went backwards. */
static uint64_t
since(uint64_t now_ms, uint64_t then_ms)
{
	return now_ms > then_ms ? now_ms - then_ms : 0;
}

static struct sweep_track *
track_find(const struct sweep_state *st, uint32_t host_id, const char *uuid)
{
	size_t	i;

	for (i = 0; i < st->n; i++)
		if (st->v[i].host_id == host_id &&
		    strcmp(st->v[i].uuid, uuid) == 0)
			return &st->v[i];
	return NULL;
}

const struct sweep_track *
sweep_state_find(const struct sweep_state *st, uint32_t host_id,
    const char *uuid)
{
	return track_find(st, host_id, uuid);
}

static void
track_remove(struct sweep_state *st, struct sweep_track *t)
{
	size_t	i = (size_t)(t - st->v);

	st->v[i] = st->v[st->n - 1];
	st->n--;
}

static void
track_fail(const struct sweep_policy *p, struct sweep_track *t,
    uint64_t now_ms)
{
	t->attempts++;
	t->next_attempt_ms = now_ms + sweep_backoff_ms(p, t->attempts);
	t->inflight = 0;
	t->resumed = 0;
}

/* Job-op names: libvirt's virDomainJobOperation values (stable ABI). */
static const char *
jobop_name(int op)
{
	static const char *names[] = { "unknown", "start", "save", "restore",
	    "migration-in", "migration-out", "snapshot", "snapshot-revert",
	    "dump", "backup", "snapshot-delete" };

	if (op >= 0 && (size_t)op < NELEM(names))
		return names[op];
	return "other";
}

static struct sweep_action *
emit(struct sweep_actions *acts, enum sweep_act kind, enum sweep_why why,
    uint32_t host_id, const struct sweep_dom *d, const struct sweep_track *t,
    uint64_t now_ms)
{
	struct sweep_action	*a = &acts->v[acts->n++];

	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->why = why;
	a->host_id = host_id;
	if (d != NULL) {
		snprintf(a->uuid, sizeof(a->uuid), "%s", d->uuid);
		snprintf(a->name, sizeof(a->name), "%s", d->name);
	}
	if (t != NULL) {
		a->attempts = t->attempts;
		a->paused_ms = since(now_ms, t->first_paused_ms);
	}
	return a;
}

static void
give_up_text(struct sweep_action *a, const struct sweep_policy *p,
    const struct sweep_dom *d)
{
	char	backup[96];

	if (d->backup_known)
		snprintf(backup, sizeof(backup), "%llu status=%s age=%llus",
		    (unsigned long long)d->backup_id, d->backup_status,
		    (unsigned long long)(d->backup_age_ms / 1000));
	else
		snprintf(backup, sizeof(backup), "none");
	snprintf(a->text, sizeof(a->text),
	    "host=%u domain=%s uuid=%s paused_for=%llus reason=%s "
	    "attempts=%u/%u disk_errors=\"%s\" backup=%s: "
	    "giving up, resume by hand",
	    a->host_id, d->name, d->uuid,
	    (unsigned long long)(a->paused_ms / 1000),
	    sweep_preason_name(d->reason), a->attempts,
	    p->max_resume_attempts,
	    d->disk_errors[0] != '\0' ? d->disk_errors : "none", backup);
}

/* Update the job memory; returns 1 when the job counts as progressing. */
static int
job_track(struct sweep_track *t, const struct sweep_dom *d, uint64_t now_ms)
{
	switch (d->job) {
	case SJ_ACTIVE:
		return sweep_job_track(t, d, now_ms);	/* every counter */
	case SJ_NONE:
	case SJ_UNSUPPORTED:
		t->job_seen = 0;
		return 0;
	case SJ_UNKNOWN:
		return 0;	/* keep what we knew */
	}
	return 0;
}

static void
decide(const struct sweep_policy *p, struct sweep_state *st,
    uint32_t host_id, const struct sweep_dom *d, uint64_t now_ms,
    struct sweep_actions *acts)
{
	struct sweep_track	*t;
	struct sweep_action	*a;
	enum sweep_why		 why;
	int			 moved;
	uint64_t		 idle;
	char			 prog[64];

	if ((t = track_find(st, host_id, d->uuid)) != NULL && t->seen)
		return;		/* duplicate in the input: first one wins */
	if (t == NULL) {
		if (st->n == st->cap) {
			a = emit(acts, SWA_SKIP, SWW_TRACK_FULL, host_id, d,
			    NULL, now_ms);
			snprintf(a->text, sizeof(a->text),
			    "tracking table full (%zu domains): not swept",
			    st->cap);
			return;
		}
		t = &st->v[st->n++];
		memset(t, 0, sizeof(*t));
		t->host_id = host_id;
		snprintf(t->uuid, sizeof(t->uuid), "%s", d->uuid);
		t->first_paused_ms = now_ms;
	}
	t->seen = 1;

	/* Outcomes the caller never reported, or a resume that did not hold. */
	if (t->inflight)
		track_fail(p, t, now_ms);
	else if (t->resumed)
		track_fail(p, t, now_ms);
	moved = job_track(t, d, now_ms);

	if (t->given_up) {
		a = emit(acts, SWA_SKIP, SWW_GIVEN_UP, host_id, d, t, now_ms);
		snprintf(a->text, sizeof(a->text),
		    "gave up after %u failed attempts; alert already raised",
		    t->attempts);
		return;
	}
	if (t->attempts >= p->max_resume_attempts) {
		t->given_up = 1;
		a = emit(acts, SWA_GIVE_UP, SWW_ATTEMPTS_EXHAUSTED, host_id, d,
		    t, now_ms);
		give_up_text(a, p, d);
		return;
	}
	if (d->optout_config) {
		a = emit(acts, SWA_SKIP, SWW_OPTOUT_CONFIG, host_id, d, t,
		    now_ms);
		snprintf(a->text, sizeof(a->text),
		    "opted out in the configuration");
		return;
	}
	if (d->marker != SM_ABSENT) {
		a = emit(acts, SWA_SKIP, d->marker == SM_PRESENT ?
		    SWW_OPTOUT_MARKER : SWW_MARKER_UNKNOWN, host_id, d, t,
		    now_ms);
		snprintf(a->text, sizeof(a->text), d->marker == SM_PRESENT ?
		    "opted out by its libvirt metadata marker" :
		    "opt-out marker could not be read: hands off");
		return;
	}
	if (!sweep_reason_resumable(d->reason)) {
		a = emit(acts, SWA_SKIP, SWW_REASON_NOT_RESUMABLE, host_id, d,
		    t, now_ms);
		snprintf(a->text, sizeof(a->text),
		    "paused with reason %s (%d), which hawatch never resumes",
		    sweep_preason_name(d->reason), d->reason);
		return;
	}
	if (!d->cs_running_here) {
		a = emit(acts, SWA_SKIP, SWW_CS_NOT_RUNNING_HERE, host_id, d,
		    t, now_ms);
		snprintf(a->text, sizeof(a->text),
		    "CloudStack does not record it Running on host %u",
		    host_id);
		return;
	}
	if (d->snapshot_in_progress) {
		a = emit(acts, SWA_SKIP, SWW_SNAPSHOT_IN_PROGRESS, host_id, d,
		    t, now_ms);
		snprintf(a->text, sizeof(a->text),
		    "a CloudStack snapshot is in progress");
		return;
	}
	if (d->job == SJ_UNKNOWN) {
		a = emit(acts, SWA_LEAVE, SWW_JOB_UNKNOWN, host_id, d, t,
		    now_ms);
		snprintf(a->text, sizeof(a->text),
		    "job state could not be read: not resuming blind");
		return;
	}
	if (d->job == SJ_ACTIVE && !bp_known(&d->job_progress)) {
		/* no progress counter: unknown, never stalled (sweep_job.c) */
		why = sweep_job_unknown_why(p, d);
		a = emit(acts, SWA_LEAVE, why, host_id, d, t, now_ms);
		sweep_job_unknown_text(p, d, why, a->text, sizeof(a->text));
		return;
	}
	if (d->job == SJ_ACTIVE) {
		sweep_job_progress_text(t, d, prog, sizeof(prog));
		idle = since(now_ms, t->job_progress_ms);
		if (moved || idle < p->job_stall_after_ms) {
			a = emit(acts, SWA_LEAVE, moved ? SWW_JOB_PROGRESSING :
			    SWW_JOB_IDLE, host_id, d, t, now_ms);
			a->at_ms = t->job_progress_ms + p->job_stall_after_ms;
			snprintf(a->text, sizeof(a->text),
			    "%s job %s bytes, %s; stalled if "
			    "unchanged until +%llu ms",
			    jobop_name(d->job_op), prog,
			    moved ? "progressing" : "no progress yet",
			    (unsigned long long)since(a->at_ms, now_ms));
			return;
		}
		if (now_ms < t->next_attempt_ms) {
			a = emit(acts, SWA_LEAVE, SWW_BACKOFF, host_id, d, t,
			    now_ms);
			a->at_ms = t->next_attempt_ms;
			snprintf(a->text, sizeof(a->text),
			    "stalled job, next abort attempt in %llu ms",
			    (unsigned long long)(t->next_attempt_ms - now_ms));
			return;
		}
		a = emit(acts, SWA_ABORT_JOB, SWW_JOB_STALLED, host_id, d, t,
		    now_ms);
		snprintf(a->text, sizeof(a->text),
		    "%s job %s bytes has not moved for %llu ms "
		    "(limit %llu ms): abort", jobop_name(d->job_op), prog,
		    (unsigned long long)idle,
		    (unsigned long long)p->job_stall_after_ms);
		t->inflight = 1;
		t->inflight_kind = SWA_ABORT_JOB;
		return;
	}
	if (sweep_pull_row_holds(t, d)) {
		a = emit(acts, SWA_LEAVE, SWW_PULL_ROW_IN_PROGRESS, host_id, d,
		    t, now_ms);
		snprintf(a->text, sizeof(a->text), "its pull-mode backup job "
		    "is gone but backup %llu is still BackingUp: its client "
		    "may return", (unsigned long long)d->backup_id);
		return;
	}
	if (since(now_ms, t->first_paused_ms) < p->pause_grace_ms) {
		a = emit(acts, SWA_LEAVE, SWW_GRACE, host_id, d, t, now_ms);
		a->at_ms = t->first_paused_ms + p->pause_grace_ms;
		snprintf(a->text, sizeof(a->text),
		    "paused %llu ms, grace %llu ms",
		    (unsigned long long)a->paused_ms,
		    (unsigned long long)p->pause_grace_ms);
		return;
	}
	if (now_ms < t->next_attempt_ms) {
		a = emit(acts, SWA_LEAVE, SWW_BACKOFF, host_id, d, t, now_ms);
		a->at_ms = t->next_attempt_ms;
		snprintf(a->text, sizeof(a->text),
		    "%u failed attempt(s), next in %llu ms", t->attempts,
		    (unsigned long long)(t->next_attempt_ms - now_ms));
		return;
	}
	a = emit(acts, SWA_RESUME, SWW_RESUMABLE, host_id, d, t, now_ms);
	snprintf(a->text, sizeof(a->text),
	    "paused %llu ms (reason %s), %s, CloudStack Running here, no "
	    "snapshot, not opted out: attempt %u of %u",
	    (unsigned long long)a->paused_ms, sweep_preason_name(d->reason),
	    d->job == SJ_UNSUPPORTED ? "job info unsupported" : "no job",
	    t->attempts + 1, p->max_resume_attempts);
	t->inflight = 1;
	t->inflight_kind = SWA_RESUME;
}

static int
action_cmp(const void *a, const void *b)
{
	const struct sweep_action	*x = a, *y = b;
	int				 c;

	if (x->host_id != y->host_id)
		return x->host_id < y->host_id ? -1 : 1;
	if ((c = strcmp(x->uuid, y->uuid)) != 0)
		return c;
	return (int)x->kind - (int)y->kind;
}

static const struct sweep_host *
input_host(const struct sweep_input *in, uint32_t host_id)
{
	size_t	i;

	for (i = 0; i < in->nhosts; i++)
		if (in->hosts[i].host_id == host_id)
			return &in->hosts[i];
	return NULL;
}

int
sweep_step(const struct sweep_policy *p, struct sweep_state *st,
    const struct sweep_input *in, struct sweep_actions *acts, char *err)
{
	const struct sweep_host	*h, *ih;
	struct sweep_action	*a;
	size_t			 i, j, need = 0;

	acts->n = 0;
	for (i = 0; i < in->nhosts; i++) {
		h = &in->hosts[i];
		if (h->alive)
			need += h->observed ? h->ndoms : 1;
	}
	if (need > acts->cap) {
		set_err(err, "sweep: action buffer holds %zu records, %zu "
		    "needed", acts->cap, need);
		return -1;
	}
	for (i = 0; i < st->n; i++)
		st->v[i].seen = 0;

	for (i = 0; i < in->nhosts; i++) {
		h = &in->hosts[i];
		if (!h->alive)
			continue;	/* dead hosts belong to fencing */
		if (!h->observed) {
			a = emit(acts, SWA_LEAVE, SWW_HOST_UNOBSERVED,
			    h->host_id, NULL, NULL, in->now_ms);
			snprintf(a->text, sizeof(a->text),
			    "libvirt on host %u did not answer: its domains "
			    "are unknown this tick", h->host_id);
			continue;
		}
		for (j = 0; j < h->ndoms; j++)
			decide(p, st, h->host_id, &h->doms[j], in->now_ms,
			    acts);
	}

	/* Forget domains an observed host no longer reports paused. */
	for (i = 0; i < st->n; ) {
		ih = input_host(in, st->v[i].host_id);
		if (!st->v[i].seen && ih != NULL && ih->alive &&
		    ih->observed)
			track_remove(st, &st->v[i]);
		else
			i++;
	}
	qsort(acts->v, acts->n, sizeof(acts->v[0]), action_cmp);
	return 0;
}

int
sweep_report(const struct sweep_policy *p, struct sweep_state *st,
    uint64_t now_ms, uint32_t host_id, const char *uuid,
    enum sweep_result res, char *err)
{
	struct sweep_track	*t;

	if ((t = track_find(st, host_id, uuid)) == NULL) {
		if (res == SWR_VANISHED)
			return 0;
		set_err(err, "sweep: report %s for untracked domain host=%u "
		    "uuid=%s", sweep_result_name(res), host_id, uuid);
		return -1;
	}
	switch (res) {
	case SWR_RESUMED:
		t->inflight = 0;
		t->resumed = 1;
		t->next_attempt_ms = 0;
		break;
	case SWR_ABORTED:
		t->inflight = 0;
		break;
	case SWR_REPAUSED:
	case SWR_RESUME_FAILED:
	case SWR_ABORT_FAILED:
		track_fail(p, t, now_ms);
		break;
	case SWR_VANISHED:
		track_remove(st, t);
		break;
	}
	return 0;
}

void
sweep_forget_host(struct sweep_state *st, uint32_t host_id)
{
	size_t	i;

	for (i = 0; i < st->n; ) {
		if (st->v[i].host_id == host_id)
			track_remove(st, &st->v[i]);
		else
			i++;
	}
}

const char *
sweep_act_name(enum sweep_act a)
{
	switch (a) {
	case SWA_ABORT_JOB:	return "abort-job";
	case SWA_RESUME:	return "resume";
	case SWA_GIVE_UP:	return "give-up";
	case SWA_SKIP:		return "skip";
	case SWA_LEAVE:		return "leave";
	}
	/* NOTREACHED */
	return "invalid";
}

const char *
sweep_why_name(enum sweep_why w)
{
	switch (w) {
	case SWW_RESUMABLE:		return "resumable";
	case SWW_JOB_STALLED:		return "job-stalled";
	case SWW_ATTEMPTS_EXHAUSTED:	return "attempts-exhausted";
	case SWW_GIVEN_UP:		return "given-up";
	case SWW_OPTOUT_CONFIG:		return "optout-config";
	case SWW_OPTOUT_MARKER:		return "optout-marker";
	case SWW_MARKER_UNKNOWN:	return "marker-unknown";
	case SWW_REASON_NOT_RESUMABLE:	return "reason-not-resumable";
	case SWW_CS_NOT_RUNNING_HERE:	return "cs-not-running-here";
	case SWW_SNAPSHOT_IN_PROGRESS:	return "snapshot-in-progress";
	case SWW_JOB_PROGRESSING:	return "job-progressing";
	case SWW_JOB_IDLE:		return "job-idle";
	case SWW_JOB_UNKNOWN:		return "job-unknown";
	case SWW_GRACE:			return "grace";
	case SWW_BACKOFF:		return "backoff";
	case SWW_HOST_UNOBSERVED:	return "host-unobserved";
	case SWW_TRACK_FULL:		return "track-full";
	case SWW_JOB_NO_PROGRESS:	return "job-no-progress";
	case SWW_JOB_PULL:		return "job-pull";
	case SWW_PULL_JOB_OVERDUE:	return "pull-job-overdue";
	case SWW_PULL_ROW_IN_PROGRESS:	return "pull-row-in-progress";
	}
	/* NOTREACHED */
	return "invalid";
}

const char *
sweep_result_name(enum sweep_result r)
{
	switch (r) {
	case SWR_RESUMED:	return "resumed";
	case SWR_REPAUSED:	return "repaused";
	case SWR_RESUME_FAILED:	return "resume-failed";
	case SWR_ABORTED:	return "aborted";
	case SWR_ABORT_FAILED:	return "abort-failed";
	case SWR_VANISHED:	return "vanished";
	}
	/* NOTREACHED */
	return "invalid";
}

const char *
sweep_job_name(enum sweep_job j)
{
	switch (j) {
	case SJ_NONE:		return "none";
	case SJ_ACTIVE:		return "active";
	case SJ_UNSUPPORTED:	return "unsupported";
	case SJ_UNKNOWN:	return "unknown";
	}
	/* NOTREACHED */
	return "invalid";
}

const char *
sweep_marker_name(enum sweep_marker m)
{
	switch (m) {
	case SM_ABSENT:		return "absent";
	case SM_PRESENT:	return "present";
	case SM_UNKNOWN:	return "unknown";
	}
	/* NOTREACHED */
	return "invalid";
}

const char *
sweep_preason_name(int reason)
{
	switch (reason) {
	case SPR_UNKNOWN:		return "unknown";
	case SPR_USER:			return "user";
	case SPR_MIGRATION:		return "migration";
	case SPR_SAVE:			return "save";
	case SPR_DUMP:			return "dump";
	case SPR_IOERROR:		return "ioerror";
	case SPR_WATCHDOG:		return "watchdog";
	case SPR_FROM_SNAPSHOT:		return "from-snapshot";
	case SPR_SHUTTING_DOWN:		return "shutting-down";
	case SPR_SNAPSHOT:		return "snapshot";
	case SPR_CRASHED:		return "crashed";
	case SPR_STARTING_UP:		return "starting-up";
	case SPR_POSTCOPY:		return "postcopy";
	case SPR_POSTCOPY_FAILED:	return "postcopy-failed";
	case SPR_API_ERROR:		return "api-error";
	}
	return "other";
}
