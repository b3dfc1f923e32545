/*
 * restart_rules.c -- restart assurance's decisions (pure; the rule, its
 * order and its reasons are in restart_rules.h).
 */
#include <string.h>

#include "restart_rules.h"

static int
is(const char *a, const char *b)
{
	return a != NULL && strcmp(a, b) == 0;
}

int
restart_rule_row_ended(int row_present, const char *step)
{
	return !row_present || is(step, "Done") || is(step, "Cancelled") ||
	    is(step, "Error");
}

/* hawatch's row is still open: heal it, or let CloudStack work */
static enum restart_verdict
open_row(const struct restart_facts *f)
{
	if (is(f->row_step, "Investigating") && !f->row_claimed &&
	    f->vm_host_null && f->vm_update_count == f->uc_written)
		return RV_HEAL;
	return RV_WAIT;
}

/* the row ended and the VM is Stopped: is it unchanged, and may we? */
static enum restart_verdict
ended_row(const struct restart_facts *f, const struct restart_limits *l)
{
	if (!f->vm_host_null || f->vm_last_host != f->fenced_host)
		return RV_CHANGED;
	if (f->vm_update_count != f->uc_written)
		return RV_START_FAILED;
	if (!f->vm_ha_enabled && !f->force_ha)
		return RV_NOT_HA;
	if (f->local_storage)
		return RV_LOCAL_STORAGE;
	if (f->other_pending_ha > 0 || f->work_job_pending)
		return RV_DEFER;
	if (!f->zone_ha_enabled)
		return RV_HELD;
	if (f->requeues >= l->requeue_max)
		return RV_GIVE_UP;
	if (f->since_queued_ms < l->requeue_after_ms)
		return RV_REQUEUE_LATER;
	return RV_REQUEUE;
}

enum restart_verdict
restart_rule_decide(const struct restart_facts *f,
    const struct restart_limits *l)
{
	if (!f->vm_present || f->vm_removed || is(f->vm_state, "Destroyed") ||
	    is(f->vm_state, "Expunging") || is(f->vm_state, "Expunged"))
		return RV_REMOVED;
	if (is(f->vm_state, "Running"))
		return RV_RUNNING;
	if (is(f->vm_state, "Error"))
		return RV_START_FAILED;
	if (!is(f->vm_state, "Stopped"))
		return RV_WAIT;
	if (!restart_rule_row_ended(f->row_present, f->row_step))
		return open_row(f);
	return ended_row(f, l);
}

int
restart_verdict_final(enum restart_verdict v)
{
	return v >= RV_GIVE_UP;
}

int
restart_verdict_alerts(enum restart_verdict v)
{
	return v == RV_GIVE_UP || v == RV_START_FAILED ||
	    v == RV_LOCAL_STORAGE;
}

int
restart_verdict_writes(enum restart_verdict v)
{
	return v == RV_HEAL || v == RV_REQUEUE;
}

const char *
restart_verdict_name(enum restart_verdict v)
{
	static const char *const names[] = {
		[RV_WAIT] = "wait",
		[RV_HEAL] = "heal",
		[RV_REQUEUE] = "requeue",
		[RV_REQUEUE_LATER] = "requeue_later",
		[RV_DEFER] = "defer",
		[RV_HELD] = "held",
		[RV_GIVE_UP] = "given_up",
		[RV_START_FAILED] = "start_failed",
		[RV_LOCAL_STORAGE] = "local_storage",
		[RV_RUNNING] = "running",
		[RV_REMOVED] = "removed",
		[RV_CHANGED] = "changed",
		[RV_NOT_HA] = "not_ha",
	};

	if ((unsigned)v < sizeof(names) / sizeof(names[0]) && names[v])
		return names[v];
	return "invalid";
}

const char *
restart_verdict_status(enum restart_verdict v)
{
	if (restart_verdict_alerts(v))
		return "given_up";
	if (restart_verdict_final(v))
		return restart_verdict_name(v);
	return "watching";
}
