/*
 * vm_reconcile.h -- repair a fenced host's VMs in CloudStack's tables.
 *
 * reconcile_host() is the one transaction behind `hawatch reconcile` and
 * the daemon's ACT_RECONCILE.  It runs in two phases:
 *
 *   plan   plain reads: the host, hawatch's fence record, the VMs recorded
 *          Running/Starting/Stopping/Migrating on it, their newest HA rows.
 *          --dry-run stops here and reports the plan.
 *   apply  one transaction: lock exactly the planned VM rows (FOR UPDATE),
 *          skip any whose (state, host_id, update_count) changed since the
 *          plan (a management server won the race), mark the rest Stopped
 *          the way CloudStack's VMInstanceDaoImpl.updateState does, queue an
 *          HA row (type HA, step Scheduled, reason HostDown) for each
 *          HA-enabled one, write the audit rows, re-check leadership when
 *          asked, commit.  A crash at any point leaves every VM either
 *          untouched or fully reconciled (S5).
 *
 * The number of statements is constant per host whatever its VM count.
 * Migrating VMs are reported, never touched.  The Done gate (S6) is
 * implicit: HA rows are read for the report only and never consulted for
 * the decision.
 */
#ifndef HAWATCH_VM_RECONCILE_H
#define HAWATCH_VM_RECONCILE_H

#include <stddef.h>
#include <stdint.h>

#include "core_types.h"	/* enum fence_source */
#include "db.h"

enum vm_outcome {
	VMO_REQUEUED,		/* Stopped + new HA row */
	VMO_STOPPED,		/* Stopped; not HA-enabled, no HA row */
	VMO_PLAN_REQUEUE,	/* dry run: would be VMO_REQUEUED */
	VMO_PLAN_STOP,		/* dry run: would be VMO_STOPPED */
	VMO_MIGRATING,		/* reported for a human, left alone */
	VMO_SKIPPED,		/* changed concurrently: the other writer won */
};

const char	*vm_outcome_name(enum vm_outcome);

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

const char	*fence_source_name(enum fence_source);
int		 fence_source_parse(const char *, enum fence_source *);

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

/*
 * 0: done (see out), -1: error (nothing written; err says why).
 * An unknown host is an error.  A host not confirmed fenced sets
 * out->refused and writes nothing.
 */
int	reconcile_host(struct db *, uint64_t host_id, const struct rec_opts *,
	    struct rec_result *out, char *err);
void	rec_result_free(struct rec_result *);

/* Hosts hawatch counts as fenced (fenced_host, not cleared), ascending. */
int	reconcile_fenced_hosts(struct db *, uint64_t **ids, size_t *n,
	    char *err);

/* Hosts ha_config says Fenced that hawatch has no confirmation for. */
int	reconcile_unconfirmed_fenced(struct db *, uint64_t **ids, size_t *n,
	    char *err);

#endif
