/*
 * alerts.h -- hawatch.alerts: host alerts that outlive the daemon and that
 * an operator clears (schema level 2, src/db/hw_schema.c).
 *
 * The daemon raises a row when the core latches bmc_contradiction or
 * bmc_identity_mismatch (one open row per host and kind), resolves its own
 * bmc_identity_mismatch rows when the identities match again, and reads
 * the table back every round as an observation: an open bmc_contradiction
 * row keeps the core's latch (also across restarts), an operator's clear
 * (`hawatch alerts clear`, audited) lifts it.  An adapter: decides nothing.
 */
#ifndef HAWATCH_ALERTS_H
#define HAWATCH_ALERTS_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

#define ALERT_KIND_CONTRADICTION	"bmc_contradiction"
#define ALERT_KIND_IDENTITY		"bmc_identity_mismatch"

/* What one host's rows say (alerts_load). */
struct alert_host {
	uint64_t	host_id;
	int		contradiction_open;	/* open bmc_contradiction row */
	uint64_t	contradiction_cleared;	/* newest cleared one's id */
	int		identity_open;		/* open identity row */
};

/* One row, for `hawatch alerts list`. */
struct alert_row {
	uint64_t	id, host_id;
	char		kind[64];
	char		raised_at[32], raised_by[256], detail[512];
	char		cleared_at[32], cleared_by[256], reason[256];
	int		cleared;
};

/* Per-host summary, sorted by host id; *out is malloc'ed (free it).  A
 * missing schema reads as no rows.  0, or -1 with err. */
int	alerts_load(struct db *, struct alert_host **out, size_t *n,
	    char *err);

/* Insert an open row unless one is open for (host, kind).  0 or -1. */
int	alerts_raise(struct db *, uint64_t host_id, const char *kind,
	    const char *actor, const char *detail, char *err);

/* Close the open rows of (host, kind) as the daemon ("condition over"). */
int	alerts_resolve(struct db *, uint64_t host_id, const char *kind,
	    const char *actor, const char *reason, char *err);

/*
 * The operator's clear: close every open (host, kind) row and write the
 * audit row "alert.cleared" in one transaction.  Returns the number of
 * rows closed (0: none was open, nothing written), or -1 with err.
 */
int	alerts_clear(struct db *, uint64_t host_id, const char *kind,
	    const char *actor, const char *reason, char *err);

/* Every row (open first, newest first), at most max; *out malloc'ed. */
int	alerts_list(struct db *, struct alert_row **out, size_t *n,
	    size_t max, char *err);

#endif
