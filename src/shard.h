/*
 * shard.h -- several acting instances, one CloudStack cluster each at a
 * time (daemon.shard_by = "cluster"; see shard.c and docs/scale.md).
 */
#ifndef HAWATCH_SHARD_H
#define HAWATCH_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "inventory.h"

struct shard {
	uint64_t	cluster_id;
	char		lock[64];	/* GET_LOCK name, <= 64 bytes */
	int		held;		/* verified this tick */
	uint64_t	generation;	/* fencing token while held */
	char		owner[256];	/* status: the instance holding it */
};

struct shards {
	char		 instance[256];
	char		 alive_lock[64];	/* held while this instance runs */
	int		 alive;			/* alive_lock held */
	struct shard	*v;			/* sorted by cluster_id */
	size_t		 n;
	size_t		 nheld;
	size_t		 live;			/* live instances, last look */
	size_t		 cap;			/* ceil(n / live) */
	uint64_t	 next_try_ms;
	char		 table_inst[160], table_shard[160];
};

void	shards_init(struct shards *, const struct db_config *,
	    const char *instance);
void	shards_free(struct shards *);
/*
 * One round: keep this instance's row alive, verify the shards held,
 * follow the inventory's clusters, give back above the fair share, take
 * free shards up to it (every retry_ms).  inst_dead_after_ms: a row whose
 * heartbeat (database clock) is older is not a live instance.  -1 (err):
 * database error, the caller treats the database as down.
 */
int	shards_tick(struct shards *, struct db *, const struct inventory *,
	    uint64_t now_ms, uint64_t retry_ms, uint64_t inst_dead_after_ms,
	    char *err);
/* the shard of a cluster, or NULL */
const struct shard *shards_find(const struct shards *, uint64_t cluster_id);
/* 1 if this instance holds the cluster's shard */
int	shards_holds(const struct shards *, uint64_t cluster_id);
/* every lock lost (the connection died) */
void	shards_lost(struct shards *, const char *why);
/* give every shard back and leave the instance table (shutdown) */
void	shards_release(struct shards *, struct db *);

#endif
