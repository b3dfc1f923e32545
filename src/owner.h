/*
 * owner.h -- who may write for a host (owner.c).
 */
#ifndef HAWATCH_OWNER_H
#define HAWATCH_OWNER_H

#include <stdint.h>

struct daemon;

/* the lock a host's write transactions must hold; never NULL (a host of
 * no known shard gets a lock nobody holds: its writes fail closed) */
const char	*owner_lock(const struct daemon *, uint64_t host);
/* 1 if this instance holds that lock now, with the database up */
int		 owner_may_write(const struct daemon *, uint64_t host);

#endif
