/*
 * ha_claims.h -- release op_ha_work claims held by dead management servers.
 *
 * CloudStack's HighAvailabilityManagerImpl.releaseWorkItems(msid) clears
 * mgmt_server_id and taken on the work rows a management server claimed,
 * for rows not in Done, Cancelled or Error.  Its onManagementNodeLeft
 * listener is never registered (reference/cloudstack.md 6), so rows held by
 * a crashed server stay claimed and nobody works them.  hawatch does what
 * releaseWorkItems would do, for servers whose mshost row is stale:
 * not (state 'Up' AND removed IS NULL AND last_update newer than
 * cluster.heartbeat.threshold).  Rows of live servers are never touched.
 */
#ifndef HAWATCH_HA_CLAIMS_H
#define HAWATCH_HA_CLAIMS_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "sbuf.h"

struct claim {
	uint64_t	work_id;
	uint64_t	instance_id;
	uint64_t	msid;
	char		step[32];
	char		taken[32];
	char		ms_last_update[32];
	int		released;	/* 0 in a dry run or when skipped */
	char		reason[128];	/* why skipped */
};

struct claim_result {
	struct claim	*v;
	size_t		 n;
	unsigned	 n_released, n_skipped;
	unsigned long	 statements;
};

struct claim_opts {
	int		 dry_run;
	uint64_t	 ms_dead_after_ms;
	const char	*actor;
	const char	*command;
	const char	*leader_lock;	/* non-NULL: must hold it */
};

/*
 * The SQL condition "the mshost row <alias> is live" (the database clock),
 * shared by every liveness test of the reconcile layer.  A NULL row (from a
 * LEFT JOIN) is not live.
 */
void	ms_live_sql(struct sbuf *, const char *alias, uint64_t dead_after_ms);

int	release_dead_claims(struct db *, const struct claim_opts *,
	    struct claim_result *, char *err);
void	claim_result_free(struct claim_result *);

#endif
