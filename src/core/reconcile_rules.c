/*
 * reconcile_rules.c -- the per-host reconcile's decisions (pure; the rules
 * and their reasons are in reconcile_rules.h).
 */
#include <string.h>

#include "reconcile_rules.h"

enum rec_fenced
reconcile_rule_fenced(const struct rec_fence_facts *f)
{
	if (f->confirming)
		return RECF_CONFIRMING;
	if (!f->record_present)
		return RECF_NOT_CONFIRMED;
	if (strcmp(f->host_status, "Up") == 0 &&
	    f->host_update_count != f->record_update_count)
		return RECF_RECONNECTED;
	return RECF_RECORDED;
}

int
reconcile_rule_record_confirm(int confirming, int by_operator,
    int record_present)
{
	return by_operator || (confirming && !record_present);
}

enum vm_outcome
reconcile_rule_vm_plan(const char *state, int ha_enabled, int dry_run)
{
	if (strcmp(state, "Migrating") == 0)
		return VMO_MIGRATING;
	if (dry_run)
		return ha_enabled ? VMO_PLAN_REQUEUE : VMO_PLAN_STOP;
	return ha_enabled ? VMO_REQUEUED : VMO_STOPPED;
}

enum rec_recheck
reconcile_rule_recheck(const char *planned_state, uint64_t host_id,
    uint64_t planned_update_count, const struct rec_locked_vm *now)
{
	if (now->removed)
		return RRC_REMOVED;
	if (strcmp(now->state, planned_state) != 0)
		return RRC_STATE_CHANGED;
	if (now->host_id_null || now->host_id != host_id)
		return RRC_HOST_CHANGED;
	if (now->update_count != planned_update_count)
		return RRC_UPDATE_COUNT_CHANGED;
	return RRC_UNCHANGED;
}

int
reconcile_outcome_writes(enum vm_outcome o)
{
	return o == VMO_REQUEUED || o == VMO_STOPPED;
}

const char *
reconcile_rule_vm_audit_action(enum vm_outcome o)
{
	return o == VMO_REQUEUED ? "vm.stopped_requeued" : "vm.stopped";
}
