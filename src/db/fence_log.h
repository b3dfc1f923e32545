/*
 * fence_log.h -- the daemon's side of hawatch.fenced_host: closing the
 * open fence record of a host that came back after its fence (the
 * `returned` bookkeeping).  Records are opened by the reconcile
 * (reconcile/vm_reconcile.c) and read by the inventory (src/inventory.c).
 */
#ifndef HAWATCH_FENCE_LOG_H
#define HAWATCH_FENCE_LOG_H

#include <stdint.h>

#include "audit.h"
#include "db.h"

/*
 * Set cleared_at/cleared_reason on host_id's open record and write the
 * "host.returned" audit row with reason and evidence, in one
 * transaction.  0, or -1 with err filled and nothing committed.
 */
int	fence_log_clear(struct db *, const struct audit_writer *,
	    uint64_t host_id, const char *reason, const char *evidence,
	    char *err);

#endif
