/*
 * hw_schema.h -- hawatch's own schema (database `hawatch` by default, on the
 * same server as CloudStack's): creation, versioned migration, and the
 * audit writer.  CloudStack's tables are never altered.
 *
 * Tables:
 *   schema_version  one row: the migration level applied
 *   audit           every change hawatch makes, with its evidence (S9)
 *   fenced_host     hosts hawatch counts as fenced: confirmed off by the
 *                   daemon's BMC reads, by self-fence timeout, or by an
 *                   operator (reconcile --confirm-fenced)
 *   host_exclusion  hosts an operator excluded (hawatch maintenance on)
 *   leader          who holds leadership, for `hawatch status`, and the
 *                   fencing token (generation) every write checks (S4;
 *                   the column: level 6)
 *   ha_requeue      the HA rows hawatch queued, watched until the VM runs
 *                   again or hawatch gives up (restart assurance, S10)
 *   alerts          host alerts an operator clears (level 3: src/db/
 *                   alerts.c, `hawatch alerts`)
 *   console_log     a host's console captured over SOL at fence time
 *                   (level 4; console_log.c)
 *   fence_attempt   fence attempts spent per host in the current episode
 *                   (level 5), so the budget survives a leader failover
 */
#ifndef HAWATCH_HW_SCHEMA_H
#define HAWATCH_HW_SCHEMA_H

#include <stdint.h>

#include "db.h"

#define HW_SCHEMA_VERSION	6

/* Create/migrate; DDL commits implicitly, so never inside a transaction. */
int	hw_schema_ensure(struct db *, char *err);

/* 0 if schema present at the current version, else -1 with a reason. */
int	hw_schema_check(struct db *, char *err);

/*
 * 1 if hawatch's schema is present at the current level, 0 if not (yet),
 * -1 on error.  Cached per connection.  Readers use it to treat a missing
 * schema as "no records", so a read-only command never creates it.
 */
int	hw_schema_present(struct db *, char *err);

struct audit_row {
	const char	*action;	/* "vm.stopped", "ha.released", ... */
	uint64_t	 host_id;	/* 0: NULL */
	uint64_t	 vm_id;		/* 0: NULL */
	uint64_t	 ha_work_id;	/* 0: NULL */
	const char	*reason;
	const char	*before;	/* may be NULL */
	const char	*after;		/* may be NULL */
	const char	*evidence;	/* JSON object text */
};

/*
 * Append one row to a multi-row INSERT being built in sb; call
 * audit_insert_begin first.  actor/command identify who wrote it.
 */
void	audit_insert_begin(struct db *, struct sbuf *);
void	audit_insert_row(struct db *, struct sbuf *, int first,
	    const char *actor, const char *command, const struct audit_row *);

/* "`db`.`table`" for the configured schema names */
const char	*cs_table(struct db *, const char *table, char *buf, size_t len);
const char	*hw_table(struct db *, const char *table, char *buf, size_t len);

#endif
