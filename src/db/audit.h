/*
 * audit.h -- the daemon's audit writes: one audit row (S9), optionally
 * with one statement it documents, in one transaction that commits only
 * while the writer still holds the leader lock.
 *
 * An adapter: it writes what it is told, decides nothing.  The reconcile
 * writes its own audit rows inside its own transaction
 * (reconcile/vm_reconcile.c); this is for the daemon's other actions
 * (fence requested, fence result, host returned).
 */
#ifndef HAWATCH_AUDIT_H
#define HAWATCH_AUDIT_H

#include <stdint.h>

#include "db.h"

/* Who writes, and under which lock (NULL: no leadership check). */
struct audit_writer {
	const char	*actor;		/* "hawatch@host:pid" */
	const char	*command;	/* "run" */
	const char	*leader_lock;
};

/*
 * Ensure the schema, begin, run extra_sql (may be NULL), insert the
 * audit row (action, host, reason, evidence JSON), check the lock,
 * commit.  0, or -1 with err filled and nothing committed.
 */
int	audit_record(struct db *, const struct audit_writer *,
	    const char *extra_sql, const char *action, uint64_t host_id,
	    const char *reason, const char *evidence, char *err);

#endif
