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
#include "stop_effects.h"

/* A non-removed NIC of a VM being stopped (reconcile/vm_effects.c). */
struct rec_nic {
	uint64_t		id;
	uint64_t		vm_id;
	uint64_t		network_id;
	uint64_t		offering_id;	/* networks.network_offering_id */
	char			state[32];	/* before */
	char			strategy[32];
	char			vm_type[32];	/* nics.vm_type */
	char			guru[96];	/* networks.guru_name */
	char			traffic[32];	/* networks.traffic_type */
	struct stop_nic_effect	effect;
};

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
	/* the row, for CloudStack's side effects of the stop */
	int		host_null;		/* host_id NULL (Migrating) */
	uint64_t	host_id;
	uint64_t	account_id;
	uint64_t	zone_id;		/* data_center_id */
	uint64_t	offering_id;		/* service_offering_id */
	uint64_t	template_id;
	int		template_null;
	char		hypervisor[32];		/* hypervisor_type */
	int		display_vm;
	struct rec_row_facts row;
	/* CloudStack's own work on the VM (plan) */
	uint64_t	work_job_id;		/* in progress on a live MS */
	uint64_t	cs_ha_id;		/* own HA row, live claim */
	uint64_t	cs_ha_msid;
	uint64_t	cs_ha_age_ms;
	/* side effects (stop_effects.c) */
	int		usage;			/* usage events due */
	enum stop_offering offering;
	struct stop_dynamic dyn;
	char		it_work_id[48];		/* op_it_work closed, "" none */
	uint64_t	usage_event_id;		/* the VM.STOP row written */
	size_t		nic0, nnics;		/* its NICs in rec_result.nics */
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
	struct rec_nic	*nics;			/* sorted by vm, then id */
	size_t		 nnics;
	unsigned	 n_changed, n_requeued, n_migrating, n_skipped;
	unsigned	 n_deferred;
	/* side effects written (or, in a dry run, planned) */
	unsigned	 n_usage_events, n_usage_details, n_nics_released;
	unsigned	 n_map_rows, n_it_work;
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
	/* 0: the defaults (REC_CLOUDSTACK_GRACE_MS_DEFAULT, 150 s) */
	uint64_t		 cloudstack_grace_ms;
	uint64_t		 ms_dead_after_ms;
};

/* reconcile/names.c */
const char	*vm_outcome_name(enum vm_outcome);

#endif
