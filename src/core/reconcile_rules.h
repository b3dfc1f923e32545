/*
 * reconcile_rules.h -- the decisions of the per-host reconcile (pure: no
 * I/O, no clock).  reconcile/vm_plan.c and reconcile/vm_apply.c read
 * CloudStack's rows and hawatch's fence record, ask these rules, and
 * write what they say.  Unit tests: tests/unit/check_reconcile_rules.c.
 *
 * Rules:
 *   fenced       is the host counted as fenced?  A confirmation given now
 *                counts; else hawatch's record counts unless CloudStack saw
 *                the host come back since (status Up and host.update_count
 *                moved), which makes the record stale (S6 of DESIGN.md).
 *   confirm      is a confirmation recorded?  An operator's always (even
 *                with no VM left); the daemon's only when no record exists.
 *   vm plan      Migrating VMs are left for a human (they may already run
 *                on the destination); the rest are stopped, and re-queued
 *                for HA when HA-enabled.
 *   recheck      under the row lock, a VM whose row changed since the plan
 *                (removed, state, host, update_count, in that order) is
 *                skipped: the other writer won.
 *   row          a VM row hawatch cannot write CloudStack's way is skipped
 *                with a reason and the rest of the host is reconciled: a
 *                NULL update_count (no optimistic lock can hold), a NULL
 *                type, or a user VM that needs a VM.STOP event without a
 *                hypervisor_type (CloudStack's listener would throw).
 *   defer        CloudStack's own work comes first.  A VM with a
 *                vm_work_job whose async_job is in progress (job_status 0,
 *                not removed) on a live management server is left to it.
 *                A VM whose own HA row (type HA, not Done/Cancelled/Error)
 *                is claimed by a live management server is left to it for
 *                reconcile.cloudstack_grace after the row's creation; then
 *                it is reconciled.  A Done row defers nothing.
 *   migrating    a Migrating VM whose host_id is the host is moving TO it
 *                (CloudStack sets host_id to the destination when the
 *                migration starts, last_host_id keeps the source) and
 *                normally still runs on the source; one whose last_host_id
 *                is the host was moving away from it.  Both are reported
 *                and left alone.
 */
#ifndef HAWATCH_RECONCILE_RULES_H
#define HAWATCH_RECONCILE_RULES_H

#include <stdint.h>

enum vm_outcome {
	VMO_REQUEUED,		/* Stopped + new HA row */
	VMO_STOPPED,		/* Stopped; not HA-enabled, no HA row */
	VMO_PLAN_REQUEUE,	/* dry run: would be VMO_REQUEUED */
	VMO_PLAN_STOP,		/* dry run: would be VMO_STOPPED */
	VMO_MIGRATING,		/* reported for a human, left alone */
	VMO_SKIPPED,		/* changed concurrently, or an odd row */
	VMO_DEFERRED,		/* CloudStack's own work on it is in progress */
};

/* reconcile.cloudstack_grace: see src/defaults.h for the reason. */
#define REC_CLOUDSTACK_GRACE_MS_DEFAULT	(5 * 60 * 1000ull)

enum rec_row {
	RROW_OK,
	RROW_NULL_UPDATE_COUNT,
	RROW_NULL_TYPE,
	RROW_NULL_HYPERVISOR,	/* only when a VM.STOP event is due */
};

/* What the row rule looks at. */
struct rec_row_facts {
	int	update_count_null;
	int	type_null;
	int	hypervisor_null;
	int	needs_usage_event;
};

enum rec_defer {
	RDF_NONE,
	RDF_WORK_JOB,		/* vm_work_job in progress on a live server */
	RDF_CLOUDSTACK_HA,	/* own HA row claimed by a live server */
};

/* What the defer rule looks at (ages by the database clock). */
struct rec_defer_facts {
	int		work_job_live;		/* in progress, live server */
	int		ha_live_claim;		/* HA row not final, live claim */
	uint64_t	ha_age_ms;		/* since that row's created */
	uint64_t	grace_ms;		/* reconcile.cloudstack_grace */
};

enum rec_fenced {
	RECF_CONFIRMING,	/* a confirmation is given with this call */
	RECF_RECORDED,		/* hawatch's fence record holds */
	RECF_NOT_CONFIRMED,	/* no record, no confirmation: refuse */
	RECF_RECONNECTED,	/* the record is stale: refuse */
};

/* What the fenced rule looks at. */
struct rec_fence_facts {
	int		 confirming;		/* a source is confirmed now */
	int		 record_present;	/* fenced_host row, not cleared */
	const char	*host_status;		/* host.status now */
	uint64_t	 host_update_count;	/* host.update_count now */
	uint64_t	 record_update_count;	/* ... when confirmed */
};

enum rec_recheck {
	RRC_UNCHANGED,
	RRC_REMOVED,		/* vm_instance.removed set meanwhile */
	RRC_STATE_CHANGED,
	RRC_HOST_CHANGED,	/* host_id NULL or another host */
	RRC_UPDATE_COUNT_CHANGED,
};

/* The VM row as locked (FOR UPDATE) in the apply phase. */
struct rec_locked_vm {
	int		 removed;
	const char	*state;			/* "" when NULL */
	int		 host_id_null;
	uint64_t	 host_id;
	uint64_t	 update_count;
};

enum rec_fenced	reconcile_rule_fenced(const struct rec_fence_facts *);
int		reconcile_rule_record_confirm(int confirming, int by_operator,
		    int record_present);
enum vm_outcome	reconcile_rule_vm_plan(const char *state, int ha_enabled,
		    int dry_run);
enum rec_recheck reconcile_rule_recheck(const char *planned_state,
		    uint64_t host_id, uint64_t planned_update_count,
		    const struct rec_locked_vm *now);
enum rec_row	reconcile_rule_row(const struct rec_row_facts *);
const char	*reconcile_row_reason(enum rec_row);
enum rec_defer	reconcile_rule_defer(const struct rec_defer_facts *);
/* 1: the Migrating VM is moving to the host (host_id); 0: away from it. */
int		reconcile_rule_migrating_to(uint64_t vm_host_id, int host_null,
		    uint64_t host_id);

/* 1 for the outcomes that write the VM row (Stopped, maybe re-queued). */
int		reconcile_outcome_writes(enum vm_outcome);
/* The audit action of a VM the apply phase changed. */
const char	*reconcile_rule_vm_audit_action(enum vm_outcome);

#endif
