/*
 * sweep_names.c -- printable names of the sweeper core's enums (pure),
 * used in logs, audit evidence and `hawatch sweep` output (the stale-backup
 * verdicts of backup_rules.h too).  Names are part
 * of the interface: tests and operators grep for them.
 */
#include "backup_rules.h"
#include "sweep_core.h"

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

const char *
sweep_bk_verdict_name(enum sweep_bk_verdict v)
{
	switch (v) {
	case SBK_REAPED:		return "reaped";
	case SBK_WOULD_REAP:		return "would-reap";
	case SBK_REAP_OFF:		return "reap-off";
	case SBK_RACED:			return "raced";
	case SBK_JOB_ACTIVE:		return "job-active";
	case SBK_HOST_UNOBSERVED:	return "host-unobserved";
	case SBK_NO_HOST:		return "no-host";
	case SBK_ERROR:			return "error";
	case SBK_NO_DOMAIN:		return "no-domain";
	}
	/* NOTREACHED */
	return "invalid";
}
