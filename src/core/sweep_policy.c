/*
 * sweep_policy.c -- the sweeper core's policy (pure): defaults, the checks
 * a policy must pass, the backoff after failed attempts, and which libvirt
 * pause reasons may be resumed (the reasons are in sweep_core.c's header),
 * and when CloudStack's row says the VM runs on the host being swept.
 */
#include <stdio.h>
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

/*
 * CloudStack records the VM Running on this host: a live (not removed)
 * vm_instance row, state Running, host_id this host.  Anything else (no
 * row, Stopped, Migrating, another host) holds a resume back (rule 6).
 */
int
sweep_cs_running_here(int found, int removed, const char *state,
    uint64_t vm_host_id, uint32_t host_id)
{
	return found && !removed && strcmp(state, "Running") == 0 &&
	    vm_host_id == host_id;
}
