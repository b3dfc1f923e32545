/*
 * investigate.c -- the HA-worker fixture's investigators (3.4): is a host's
 * agent alive, is a VM alive (KVMInvestigator with Host HA, or the
 * database and the live-hosts file), and KVMFencer, which succeeds when a
 * live neighbour in the cluster would see the stale NFS heartbeat.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "sbuf.h"
#include "util.h"
#include "haworker.h"

/* the simulation's truth: status Up and, with a live-hosts file, listed */
static int
host_alive(const struct host *h, const struct idset *live)
{
	return strcmp(h->status, "Up") == 0 && !h->removed &&
	    idset_has(live, h->id);
}

/* KVMInvestigator's branch: Host-HA eligible (ha_config part only) */
int
hostha_eligible(const struct host *h)
{
	return opt.investigator == INV_HOSTHA && h->ha_row &&
	    h->ha_enabled == 1 && strcmp(h->ha_state, "Disabled") != 0 &&
	    strcmp(h->ha_state, "Ineligible") != 0;
}

/* isAgentAlive of the first investigator that answers */
enum agent_answer
agent_alive(const struct host *h, const struct idset *live)
{
	const char	*s = h->ha_state;

	if (hostha_eligible(h)) {
		/* HAManagerImpl.getHostStatus */
		if (strcmp(s, "Fenced") == 0)
			return AA_DOWN;
		if (strcmp(s, "Degraded") == 0 ||
		    strcmp(s, "Recovering") == 0 || strcmp(s, "Fencing") == 0)
			return AA_DISCONNECTED;
		if (strcmp(s, "Available") == 0 || strcmp(s, "Suspect") == 0 ||
		    strcmp(s, "Checking") == 0 || strcmp(s, "Recovered") == 0)
			return AA_UP;
		return AA_NONE;
	}
	return host_alive(h, live) ? AA_UP : AA_DOWN;
}

enum vm_alive
vm_alive(const struct host *h, const struct idset *live)
{
	if (hostha_eligible(h))
		return strcmp(h->ha_state, "Fenced") == 0 ? VA_FALSE : VA_TRUE;
	return host_alive(h, live) ? VA_TRUE : VA_UNKNOWN;
}

/* HighAvailabilityManagerImpl.investigate(hostId); AA_NONE if no host */
int
investigate(struct db *db, uint64_t host_id, enum agent_answer *a, char *err)
{
	struct host	h;
	struct idset	live;
	int		r;

	if ((r = host_read(db, host_id, &h, err)) == -1)
		return -1;
	*a = AA_NONE;
	if (r == 0 && !h.removed) {
		idset_load(&live);
		*a = agent_alive(&h, &live);
		free(live.v);
	}
	return 0;
}

/* KVMFencer: a live neighbour in the cluster sees a stale heartbeat */
int
fence_off(struct db *db, const struct host *h, int *fenced, char *err)
{
	struct idset	 live;
	struct sbuf	 sb;
	uint64_t	 n = 0;
	int		 r;

	idset_load(&live);
	*fenced = 0;
	if (host_alive(h, &live)) {
		free(live.v);
		return 0;
	}
	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT COUNT(*) FROM host WHERE id <> %llu AND "
	    "cluster_id <=> %llu AND status = 'Up' AND removed IS NULL AND "
	    "type = 'Routing' AND hypervisor_type = 'KVM'",
	    (unsigned long long)h->id, (unsigned long long)h->cluster_id);
	idset_sql(&live, "id", &sb);
	r = db_query_u64(db, "find fence neighbours", sb.s, &n, err);
	sbuf_free(&sb);
	free(live.v);
	if (r == -1)
		return -1;
	*fenced = n > 0;
	return 0;
}
