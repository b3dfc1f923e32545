/*
 * fence_log.h -- the daemon's fence bookkeeping in hawatch's schema:
 * hawatch.fence_attempt (the attempt budget per host, written with the
 * host.fence_requested audit row so a new leader continues the count) and
 * hawatch.fenced_host (closing the open fence record of a host that came
 * back after its fence).  Fence records are opened by the reconcile
 * (reconcile/vm_reconcile.c); both tables are read by the inventory
 * (src/inventory.c).
 */
#ifndef HAWATCH_FENCE_LOG_H
#define HAWATCH_FENCE_LOG_H

#include <stdint.h>

#include "audit.h"
#include "db.h"

/*
 * The "host.fence_requested" audit row and the host's attempt number
 * (this attempt's, 1-based) in one transaction: either both are
 * recorded, or neither and the fence must not be sent (S9).  0, or -1
 * with err filled and nothing committed.
 */
int	fence_log_requested(struct db *, const struct audit_writer *,
	    uint64_t host_id, unsigned attempt, const char *reason,
	    const char *evidence, char *err);

/* Delete host_id's attempt count ("host.fence_budget_reset" audit row,
 * one transaction): its episode is over (alive again, or ignored). */
int	fence_log_budget_reset(struct db *, const struct audit_writer *,
	    uint64_t host_id, const char *reason, char *err);

/*
 * Set cleared_at/cleared_reason on host_id's open record and write the
 * "host.returned" audit row with reason and evidence, in one
 * transaction.  0, or -1 with err filled and nothing committed.
 */
int	fence_log_clear(struct db *, const struct audit_writer *,
	    uint64_t host_id, const char *reason, const char *evidence,
	    char *err);

#endif
