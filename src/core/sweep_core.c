/*
 * sweep_core.c -- decide what to do with each paused domain (pure: no I/O,
 * no clock, no allocation).
 *
 * Flow: reconcile/sweep.c observes the alive hosts (reconcile/virt.c),
 * adds CloudStack facts, calls sweep_step(), executes ABORT_JOB / RESUME /
 * GIVE_UP, and reports every outcome with sweep_report().  The same code
 * runs in the daemon (src/sweep_thread.c), in `hawatch sweep --dry-run` and
 * in tests/unit/check_sweep_core.c.  The policy (defaults, backoff, which
 * pause reasons are resumable) is in sweep_policy.c, the names of the enums
 * in sweep_names.c, the job rules' helpers (every progress counter, pull
 * mode) in sweep_job.c.
 *
 * decide() walks the ladder of rules for one paused domain, each a
 * rule_*() function; the first that matches emits the record:
 *   1. already given up                  -> SKIP  given-up (alert was sent)
 *   2. failed attempts >= max            -> GIVE_UP, once
 *   3. opted out in hawatch.conf         -> SKIP  optout-config
 *   4. opt-out marker present/unreadable -> SKIP  optout-marker / marker-unknown
 *   5. pause reason not resumable        -> SKIP  reason-not-resumable
 *   6. CloudStack: not Running here      -> SKIP  cs-not-running-here
 *   7. a snapshot is in progress         -> SKIP  snapshot-in-progress
 *   8. the job query failed              -> LEAVE job-unknown
 *      a job is active:
 *        moved since the last look, or first seen  -> LEAVE job-progressing
 *        quiet for < job_stall_after_ms            -> LEAVE job-idle
 *        quiet longer, backoff pending             -> LEAVE backoff
 *        quiet longer                              -> ABORT_JOB
 *      no progress counter at all (unknown; pull-mode backup: its
 *        client's)                                 -> LEAVE job-no-progress /
 *                                                     job-pull / pull-job-overdue
 *   8c. a pull job was seen, is gone, row BackingUp -> LEAVE pull-row-in-progress
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

/* now - then, 0 if the caller's clock went backwards. */
static uint64_t
since(uint64_t now_ms, uint64_t then_ms)
{
	return now_ms > then_ms ? now_ms - then_ms : 0;
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

/*
 * One look at one paused domain, as the ladder's rules see it.  A rule
 * returns 1 when it decided (and emitted the record), 0 to pass the domain
 * on to the next rule.
 */
struct sweep_look {
	const struct sweep_policy	*p;
	struct sweep_track		*t;
	const struct sweep_dom		*d;
	uint32_t			 host_id;
	uint64_t			 now_ms;
	int				 moved;	/* job progressed since last look */
	struct sweep_actions		*acts;
};

static struct sweep_action *
look_emit(const struct sweep_look *l, enum sweep_act kind, enum sweep_why why)
{
	return emit(l->acts, kind, why, l->host_id, l->d, l->t, l->now_ms);
}

/* 1. Already given up: the alert was sent. */
static int
rule_given_up(struct sweep_look *l)
{
	struct sweep_action	*a;

	if (!l->t->given_up)
		return 0;
	a = look_emit(l, SWA_SKIP, SWW_GIVEN_UP);
	snprintf(a->text, sizeof(a->text),
	    "gave up after %u failed attempts; alert already raised",
	    l->t->attempts);
	return 1;
}

/* 2. Failed attempts reached the maximum: give up, once. */
static int
rule_attempts_exhausted(struct sweep_look *l)
{
	struct sweep_action	*a;

	if (l->t->attempts < l->p->max_resume_attempts)
		return 0;
	l->t->given_up = 1;
	a = look_emit(l, SWA_GIVE_UP, SWW_ATTEMPTS_EXHAUSTED);
	give_up_text(a, l->p, l->d);
	return 1;
}

/* 3. Opted out in hawatch.conf. */
static int
rule_optout_config(struct sweep_look *l)
{
	struct sweep_action	*a;

	if (!l->d->optout_config)
		return 0;
	a = look_emit(l, SWA_SKIP, SWW_OPTOUT_CONFIG);
	snprintf(a->text, sizeof(a->text), "opted out in the configuration");
	return 1;
}

/* 4. Opt-out marker present, or unreadable (hands off). */
static int
rule_optout_marker(struct sweep_look *l)
{
	struct sweep_action	*a;
	int			 present = l->d->marker == SM_PRESENT;

	if (l->d->marker == SM_ABSENT)
		return 0;
	a = look_emit(l, SWA_SKIP, present ? SWW_OPTOUT_MARKER :
	    SWW_MARKER_UNKNOWN);
	snprintf(a->text, sizeof(a->text), present ?
	    "opted out by its libvirt metadata marker" :
	    "opt-out marker could not be read: hands off");
	return 1;
}

/* 5. The pause reason is not one hawatch resumes. */
static int
rule_reason(struct sweep_look *l)
{
	struct sweep_action	*a;

	if (sweep_reason_resumable(l->d->reason))
		return 0;
	a = look_emit(l, SWA_SKIP, SWW_REASON_NOT_RESUMABLE);
	snprintf(a->text, sizeof(a->text),
	    "paused with reason %s (%d), which hawatch never resumes",
	    sweep_preason_name(l->d->reason), l->d->reason);
	return 1;
}

/* 6. CloudStack does not record the VM Running on this host. */
static int
rule_cs_running_here(struct sweep_look *l)
{
	struct sweep_action	*a;

	if (l->d->cs_running_here)
		return 0;
	a = look_emit(l, SWA_SKIP, SWW_CS_NOT_RUNNING_HERE);
	snprintf(a->text, sizeof(a->text),
	    "CloudStack does not record it Running on host %u", l->host_id);
	return 1;
}

/* 7. A CloudStack snapshot is in progress. */
static int
rule_snapshot(struct sweep_look *l)
{
	struct sweep_action	*a;

	if (!l->d->snapshot_in_progress)
		return 0;
	a = look_emit(l, SWA_SKIP, SWW_SNAPSHOT_IN_PROGRESS);
	snprintf(a->text, sizeof(a->text),
	    "a CloudStack snapshot is in progress");
	return 1;
}

/* 8a. The job query failed: never resume blind. */
static int
rule_job_unknown(struct sweep_look *l)
{
	struct sweep_action	*a;

	if (l->d->job != SJ_UNKNOWN)
		return 0;
	a = look_emit(l, SWA_LEAVE, SWW_JOB_UNKNOWN);
	snprintf(a->text, sizeof(a->text),
	    "job state could not be read: not resuming blind");
	return 1;
}

/* 8b. A job is active but reports no progress counter: unknown, never
 * stalled; a pull-mode backup is its NBD client's (sweep_job.c). */
static int
rule_job_no_progress(struct sweep_look *l)
{
	struct sweep_action	*a;
	enum sweep_why		 why;

	if (l->d->job != SJ_ACTIVE || bp_known(&l->d->job_progress))
		return 0;
	why = sweep_job_unknown_why(l->p, l->d);
	a = look_emit(l, SWA_LEAVE, why);
	sweep_job_unknown_text(l->p, l->d, why, a->text, sizeof(a->text));
	return 1;
}

/* 8b. A job is active: leave it while any counter moves, abort it once
 * stalled. */
static int
rule_job_active(struct sweep_look *l)
{
	const struct sweep_dom	*d = l->d;
	struct sweep_track	*t = l->t;
	struct sweep_action	*a;
	uint64_t		 idle;
	char			 prog[64];

	if (d->job != SJ_ACTIVE)
		return 0;
	sweep_job_progress_text(t, d, prog, sizeof(prog));
	idle = since(l->now_ms, t->job_progress_ms);
	if (l->moved || idle < l->p->job_stall_after_ms) {
		a = look_emit(l, SWA_LEAVE, l->moved ? SWW_JOB_PROGRESSING :
		    SWW_JOB_IDLE);
		a->at_ms = t->job_progress_ms + l->p->job_stall_after_ms;
		snprintf(a->text, sizeof(a->text), "%s job %s bytes, %s; "
		    "stalled if unchanged until +%llu ms",
		    jobop_name(d->job_op), prog,
		    l->moved ? "progressing" : "no progress yet",
		    (unsigned long long)since(a->at_ms, l->now_ms));
		return 1;
	}
	if (l->now_ms < t->next_attempt_ms) {
		a = look_emit(l, SWA_LEAVE, SWW_BACKOFF);
		a->at_ms = t->next_attempt_ms;
		snprintf(a->text, sizeof(a->text),
		    "stalled job, next abort attempt in %llu ms",
		    (unsigned long long)(t->next_attempt_ms - l->now_ms));
		return 1;
	}
	a = look_emit(l, SWA_ABORT_JOB, SWW_JOB_STALLED);
	snprintf(a->text, sizeof(a->text), "%s job %s bytes has not moved "
	    "for %llu ms (limit %llu ms): abort", jobop_name(d->job_op), prog,
	    (unsigned long long)idle,
	    (unsigned long long)l->p->job_stall_after_ms);
	t->inflight = 1;
	t->inflight_kind = SWA_ABORT_JOB;
	return 1;
}

/* 8c. A pull job was seen and is gone, but the VM's backup row is still
 * BackingUp: its client may return. */
static int
rule_pull_row(struct sweep_look *l)
{
	struct sweep_action	*a;

	if (!sweep_pull_row_holds(l->t, l->d))
		return 0;
	a = look_emit(l, SWA_LEAVE, SWW_PULL_ROW_IN_PROGRESS);
	snprintf(a->text, sizeof(a->text), "its pull-mode backup job is gone "
	    "but backup %llu is still BackingUp: its client may return",
	    (unsigned long long)l->d->backup_id);
	return 1;
}

/* 9. Paused for less than the grace. */
static int
rule_grace(struct sweep_look *l)
{
	struct sweep_action	*a;

	if (since(l->now_ms, l->t->first_paused_ms) >= l->p->pause_grace_ms)
		return 0;
	a = look_emit(l, SWA_LEAVE, SWW_GRACE);
	a->at_ms = l->t->first_paused_ms + l->p->pause_grace_ms;
	snprintf(a->text, sizeof(a->text), "paused %llu ms, grace %llu ms",
	    (unsigned long long)a->paused_ms,
	    (unsigned long long)l->p->pause_grace_ms);
	return 1;
}

/* 10. Waiting before the next attempt. */
static int
rule_backoff(struct sweep_look *l)
{
	struct sweep_action	*a;

	if (l->now_ms >= l->t->next_attempt_ms)
		return 0;
	a = look_emit(l, SWA_LEAVE, SWW_BACKOFF);
	a->at_ms = l->t->next_attempt_ms;
	snprintf(a->text, sizeof(a->text),
	    "%u failed attempt(s), next in %llu ms", l->t->attempts,
	    (unsigned long long)(l->t->next_attempt_ms - l->now_ms));
	return 1;
}

/* 11. Every S7 condition holds: resume. */
static int
rule_resume(struct sweep_look *l)
{
	struct sweep_action	*a;

	a = look_emit(l, SWA_RESUME, SWW_RESUMABLE);
	snprintf(a->text, sizeof(a->text),
	    "paused %llu ms (reason %s), %s, CloudStack Running here, no "
	    "snapshot, not opted out: attempt %u of %u",
	    (unsigned long long)a->paused_ms, sweep_preason_name(l->d->reason),
	    l->d->job == SJ_UNSUPPORTED ? "job info unsupported" : "no job",
	    l->t->attempts + 1, l->p->max_resume_attempts);
	l->t->inflight = 1;
	l->t->inflight_kind = SWA_RESUME;
	return 1;
}

/* The ladder, in the order of this file's header; first match wins. */
static int (*const sweep_ladder[])(struct sweep_look *) = {
	rule_given_up,
	rule_attempts_exhausted,
	rule_optout_config,
	rule_optout_marker,
	rule_reason,
	rule_cs_running_here,
	rule_snapshot,
	rule_job_unknown,
	rule_job_no_progress,
	rule_job_active,
	rule_pull_row,
	rule_grace,
	rule_backoff,
	rule_resume,
};

/* The domain's tracking record, created on first sight; NULL when the
 * table is full (a SKIP track-full record is emitted then). */
static struct sweep_track *
track_get(struct sweep_state *st, uint32_t host_id, const struct sweep_dom *d,
    uint64_t now_ms, struct sweep_actions *acts)
{
	struct sweep_track	*t;
	struct sweep_action	*a;

	if ((t = sweep_track_find(st, host_id, d->uuid)) != NULL)
		return t;
	if (st->n == st->cap) {
		a = emit(acts, SWA_SKIP, SWW_TRACK_FULL, host_id, d, NULL,
		    now_ms);
		snprintf(a->text, sizeof(a->text),
		    "tracking table full (%zu domains): not swept", st->cap);
		return NULL;
	}
	t = &st->v[st->n++];
	memset(t, 0, sizeof(*t));
	t->host_id = host_id;
	snprintf(t->uuid, sizeof(t->uuid), "%s", d->uuid);
	t->first_paused_ms = now_ms;
	return t;
}

static void
decide(const struct sweep_policy *p, struct sweep_state *st,
    uint32_t host_id, const struct sweep_dom *d, uint64_t now_ms,
    struct sweep_actions *acts)
{
	struct sweep_look	l;
	size_t			i;

	if ((l.t = sweep_track_find(st, host_id, d->uuid)) != NULL && l.t->seen)
		return;		/* duplicate in the input: first one wins */
	if ((l.t = track_get(st, host_id, d, now_ms, acts)) == NULL)
		return;
	l.t->seen = 1;

	/* Outcomes the caller never reported, or a resume that did not hold. */
	if (l.t->inflight || l.t->resumed)
		sweep_track_fail(p, l.t, now_ms);
	l.p = p;
	l.d = d;
	l.host_id = host_id;
	l.now_ms = now_ms;
	l.acts = acts;
	l.moved = job_track(l.t, d, now_ms);
	for (i = 0; i < NELEM(sweep_ladder); i++)
		if (sweep_ladder[i](&l))
			return;
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
			sweep_track_remove(st, &st->v[i]);
		else
			i++;
	}
	qsort(acts->v, acts->n, sizeof(acts->v[0]), action_cmp);
	return 0;
}

