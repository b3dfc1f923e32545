/*
 * leader.h -- leadership through a MariaDB named lock (see leader.c).
 */
#ifndef HAWATCH_LEADER_H
#define HAWATCH_LEADER_H

#include <stdint.h>

#include "db.h"

struct leader {
	char		lock[128];
	char		instance[256];
	int		held;
	uint64_t	since_ms;	/* monotonic, when acquired */
	uint64_t	next_try_ms;
	uint64_t	generation;	/* fencing token while held, else 0 */
	char		refused[256];	/* why leadership is refused (Galera) */
};

void	leader_init(struct leader *, const struct db_config *,
	    const char *instance);
/* 1 leader, 0 standby, -1 error (err); never blocks beyond the DB timeouts */
int	leader_tick(struct leader *, struct db *, uint64_t now_ms,
	    uint64_t retry_ms, char *err);
void	leader_lost(struct leader *, const char *why);
void	leader_release(struct leader *, struct db *);

#endif
