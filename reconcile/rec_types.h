/*
 * rec_types.h -- the per-host reconcile's vocabulary, shared by its files:
 * vm_plan.c (reads), vm_apply.c (the transaction), fence_records.c
 * (hawatch's fence confirmations) and vm_reconcile.c (reconcile_host(),
 * which runs them).  The decisions are the core's
 * (src/core/reconcile_rules.h); vm_reconcile.h is the public entry.
 */
#ifndef HAWATCH_REC_TYPES_H
#define HAWATCH_REC_TYPES_H

#include <stddef.h>
#include <stdint.h>

#include "core_types.h"
#include "reconcile_rules.h"

struct rec_vm {
	uint64_t	id;
	char		name[256];
	char		instance_name[256];
	char		type[32];		/* vm_instance.type */
	char		state_before[32];
	char		state_after[32];	/* "" when untouched */
	char		power_before[32];
	uint64_t	update_count_before;
	uint64_t	update_count_after;
	int		ha_enabled;
	uint64_t	ha_work_id;		/* new HA row, 0 if none */
	char		last_ha[96];		/* newest HA row, for the report */
	enum vm_outcome	outcome;
	char		reason[160];
};

struct rec_result {
	uint64_t	 host_id;
	char		 host_name[256];
	char		 host_status[32];
	char		 resource_state[32];
	char		 ha_state[32];		/* ha_config, "" if none */
	enum fence_source fenced_by;
	int		 refused;		/* 1: not confirmed fenced */
	char		 refuse_reason[256];
	struct rec_vm	*vms;
	size_t		 nvms;
	unsigned	 n_changed, n_requeued, n_migrating, n_skipped;
	unsigned long	 statements;
	uint64_t	 elapsed_us;		/* plan + apply */
};

struct rec_opts {
	int			 dry_run;
	enum fence_source	 confirm;	/* record this confirmation */
	const char		*confirm_evidence;	/* JSON, may be NULL */
	const char		*actor;		/* audit: who */
	const char		*command;	/* audit: "reconcile" / "run" */
	const char		*leader_lock;	/* non-NULL: must hold it */
	uint64_t		 now_wall_ms;	/* for time_to_try */
};

/* reconcile/names.c */
const char	*vm_outcome_name(enum vm_outcome);

#endif
