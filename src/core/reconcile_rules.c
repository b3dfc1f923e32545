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

enum rec_row
reconcile_rule_row(const struct rec_row_facts *f)
{
	if (f->update_count_null)
		return RROW_NULL_UPDATE_COUNT;
	if (f->type_null)
		return RROW_NULL_TYPE;
	if (f->needs_usage_event && f->hypervisor_null)
		return RROW_NULL_HYPERVISOR;
	return RROW_OK;
}

const char *
reconcile_row_reason(enum rec_row r)
{
	switch (r) {
	case RROW_OK:
		return NULL;
	case RROW_NULL_UPDATE_COUNT:
		return "odd row: update_count is NULL, so CloudStack's "
		    "optimistic lock cannot hold; left for an operator";
	case RROW_NULL_TYPE:
		return "odd row: type is NULL; left for an operator";
	case RROW_NULL_HYPERVISOR:
		return "odd row: hypervisor_type is NULL, so CloudStack could "
		    "not write its VM.STOP usage event; left for an operator";
	}
	return "invalid";
}

enum rec_defer
reconcile_rule_defer(const struct rec_defer_facts *f)
{
	if (f->work_job_live)
		return RDF_WORK_JOB;
	if (f->ha_live_claim && f->ha_age_ms < f->grace_ms)
		return RDF_CLOUDSTACK_HA;
	return RDF_NONE;
}

int
reconcile_rule_migrating_to(uint64_t vm_host_id, int host_null,
    uint64_t host_id)
{
	return !host_null && vm_host_id == host_id;
}
