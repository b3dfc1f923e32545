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
 * Files: vm_plan.c (plan), vm_apply.c (apply), fence_records.c (hawatch's
 * fence confirmations), vm_reconcile.c (reconcile_host()); the decisions
 * are the core's (src/core/reconcile_rules.h).
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
#include "fence_records.h"
#include "rec_types.h"

/*
 * 0: done (see out), -1: error (nothing written; err says why).
 * An unknown host is an error.  A host not confirmed fenced sets
 * out->refused and writes nothing.
 */
int	reconcile_host(struct db *, uint64_t host_id, const struct rec_opts *,
	    struct rec_result *out, char *err);
void	rec_result_free(struct rec_result *);

#endif
