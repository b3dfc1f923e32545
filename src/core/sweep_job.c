/*
 * sweep_job.c -- the sweep core's reading of a paused domain's job (pure:
 * no I/O, no clock).  Used by decide() in sweep_core.c; the counters and
 * their meaning are in backup_progress.h.
 *
 * Rules, in the order decide() applies them to an active job:
 *   * it moved when any progress counter changed since the last look
 *     (sweep_job_track); a throttled push backup moves its disk_processed;
 *   * it reports no progress counter at all: UNKNOWN, never stalled, never
 *     aborted.  A pull-mode backup is such a job: its NBD client drives it
 *     (LEAVE job-pull), and one open longer than pull_job_max_age_ms is
 *     reported (LEAVE pull-job-overdue), still never aborted;
 *   * once a pull job is gone, the domain is resumed only when CloudStack's
 *     latest backup row of the VM is no longer BackingUp (Error, BackedUp,
 *     or no row): its client may still come back (sweep_pull_row_holds).
 */
#include <stdio.h>
#include <string.h>

#include "backup_progress.h"
#include "sweep_core.h"
#include "util.h"

/* Update the job memory for an active job; 1 when it counts as moved. */
int
sweep_job_track(struct sweep_track *t, const struct sweep_dom *d,
    uint64_t now_ms)
{
	enum bp_field	f = BPF_NONE;
	int		moved;

	moved = !t->job_seen || t->job_op != d->job_op ||
	    bp_moved(&t->job_last, &d->job_progress, &f);
	if (moved) {
		t->job_op = d->job_op;
		t->job_processed = d->job_processed;
		t->job_progress_ms = now_ms;
		t->job_moved_field = f != BPF_NONE ? f :
		    bp_main(&d->job_progress);
	}
	t->job_last = d->job_progress;
	t->job_seen = 1;
	if (d->job_pull)
		t->job_pull_seen = 1;
	return moved;
}

/* The LEAVE reason for an active job that reports no progress counter. */
enum sweep_why
sweep_job_unknown_why(const struct sweep_policy *p, const struct sweep_dom *d)
{
	if (!d->job_pull)
		return SWW_JOB_NO_PROGRESS;
	if (p->pull_job_max_age_ms > 0 &&
	    d->job_elapsed_ms >= p->pull_job_max_age_ms)
		return SWW_PULL_JOB_OVERDUE;
	return SWW_JOB_PULL;
}

void
sweep_job_unknown_text(const struct sweep_policy *p, const struct sweep_dom *d,
    enum sweep_why why, char *text, size_t len)
{
	switch (why) {
	case SWW_PULL_JOB_OVERDUE:
		snprintf(text, len, "pull-mode backup job open for %llu s "
		    "(sweep.pull_job_max_age %llu s): its NBD client owns it, "
		    "so it is reported and never aborted",
		    (unsigned long long)(d->job_elapsed_ms / 1000),
		    (unsigned long long)(p->pull_job_max_age_ms / 1000));
		break;
	case SWW_JOB_PULL:
		snprintf(text, len, "pull-mode backup job open for %llu s: "
		    "its NBD client drives it and libvirt reports no progress; "
		    "never aborted, left to its client",
		    (unsigned long long)(d->job_elapsed_ms / 1000));
		break;
	default:
		snprintf(text, len, "job (operation %d) reports no progress "
		    "counter: progress unknown, never treated as stalled",
		    d->job_op);
		break;
	}
}

/* "disk_processed=N bytes, progressing" style text for a moving or quiet
 * job; names the counter that last moved. */
void
sweep_job_progress_text(const struct sweep_track *t, const struct sweep_dom *d,
    char *buf, size_t len)
{
	enum bp_field	f = t->job_moved_field;

	if (f == BPF_NONE || !bp_has(&d->job_progress, f))
		f = bp_main(&d->job_progress);
	bp_describe(&d->job_progress, f, buf, len);
}

/* 1: a pull job was seen, it is gone, and the VM's latest backup row is
 * still BackingUp: the client may return, so no resume yet. */
int
sweep_pull_row_holds(const struct sweep_track *t, const struct sweep_dom *d)
{
	return t->job_pull_seen && d->job != SJ_ACTIVE && d->backup_known &&
	    strcmp(d->backup_status, "BackingUp") == 0;
}
