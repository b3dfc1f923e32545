/*
 * owner.c -- who may write for a host: the lock every write transaction
 * for it must hold (the global leader's, or with daemon.shard_by =
 * "cluster" its cluster's shard's, src/shard.c), and whether this
 * instance holds that lock now.  Used by the executor (act.c) and the
 * console capture's store (console_watch.c).
 */
#include "daemon.h"
#include "owner.h"

/* a lock name no connection ever takes: writes under it fail closed */
#define OWNER_NO_SHARD_LOCK	"hawatch.no-shard"

const char *
owner_lock(const struct daemon *d, uint64_t host)
{
	const struct inv_host	*h;
	const struct shard	*s;

	if (d->cfg.daemon.shard_by != SHARD_BY_CLUSTER)
		return d->leader.lock;
	h = inventory_host(&d->inv, host);
	s = h != NULL ? shards_find(&d->shards, h->cluster_id) : NULL;
	return s != NULL ? s->lock : OWNER_NO_SHARD_LOCK;
}

int
owner_may_write(const struct daemon *d, uint64_t host)
{
	const struct inv_host	*h;

	if (!d->db_up)
		return 0;
	if (d->cfg.daemon.shard_by != SHARD_BY_CLUSTER)
		return d->is_leader;
	h = inventory_host(&d->inv, host);
	return h != NULL && shards_holds(&d->shards, h->cluster_id);
}

