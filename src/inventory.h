/*
 * inventory.h -- what the daemon reads from the databases each tick.
 *
 * An adapter: plain reads, no decisions.  inventory_load() fills a fresh
 * struct inventory from CloudStack's tables (KVM routing hosts, their
 * clusters and private IPs, NFS primary pools and which hosts they serve,
 * VM counts per host, BMC addresses from oobm) and from hawatch's own
 * (operator exclusions, fence records), merged with the config's pools.
 * Every query is bounded by the session's read timeout; on any error the
 * caller keeps the previous inventory and treats the database as down.
 *
 * Host -> pool mapping follows the attachment, as the agent's heartbeat
 * does: a storage_pool row serves exactly the hosts that
 * storage_pool_host_ref attaches to it (a host writes hb-<ip> only on the
 * pools it mounted), whatever the pool's CLUSTER or ZONE scope.  A pool
 * that only the config defines serves the hosts of its cluster_id (0:
 * every host).  Only pool_type NetworkFilesystem carries KVM heartbeats.
 *
 * Two hosts with one private_ip_address share one heartbeat file: both
 * are flagged dup_ip (the core never judges them by it).
 *
 * Hosts in (Prepare)Maintenance or Disabled are ignored, except a host
 * whose Host-HA state is Fenced: CloudStack moves the hosts it fences into
 * Maintenance, and those are the hosts whose VMs hawatch must repair.
 */
#ifndef HAWATCH_INVENTORY_H
#define HAWATCH_INVENTORY_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "core_types.h"	/* enum ign_reason, enum fence_source */
#include "db.h"

#define INV_MAX_POOLS_PER_HOST	8

struct inv_host {
	uint64_t	 id;
	uint64_t	 cluster_id;
	uint64_t	 zone_id;
	char		 name[256];
	char		 ip[64];		/* private_ip_address */
	char		 status[32];		/* host.status */
	char		 resource_state[32];
	enum ign_reason	 ignore;		/* IGN_NONE: watched; never
						   IGN_REMOVED (not read) */
	uint32_t	 vms_active;		/* Running/Starting/Stopping */
	char		 bmc_addr[256];		/* oobm.address, "" if none */
	unsigned	 bmc_port;		/* oobm.port, 0 if none */
	char		 bmc_user[64];		/* oobm.username, "" if none */
	char		 bmc_password_stored[256];	/* oobm.password as
						   stored (encrypted) */
	int		 fence_record;		/* hawatch.fenced_host open */
	enum fence_source fence_source;		/* its source; FS_NONE if
						   none or unparsable */
	size_t		 pools[INV_MAX_POOLS_PER_HOST];	/* into inv.pools */
	size_t		 npools;
	int		 dup_ip;		/* another host has this ip */
	uint32_t	 fence_attempts_recorded;	/* hawatch.
						   fence_attempt, 0 if none */
};

struct inv_pool {
	uint64_t	 id;
	uint64_t	 cluster_id;		/* 0: zone scope / every host */
	uint64_t	 zone_id;		/* 0: any */
	char		 spec[CFG_STR];		/* nfs://... or /dir */
	char		 name[256];
	int		 from_cs;		/* a storage_pool row: hosts by
						   storage_pool_host_ref */
};

struct inventory {
	struct inv_host	*hosts;		/* sorted by id */
	size_t		 nhosts;
	struct inv_pool	*pools;		/* sorted by id */
	size_t		 npools;
	int		 hw_schema;	/* hawatch schema present */
};

int	inventory_load(struct db *, const struct config *, struct inventory *,
	    char *err);
void	inventory_free(struct inventory *);
const struct inv_host *inventory_host(const struct inventory *, uint64_t id);

#endif
