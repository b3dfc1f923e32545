/*
 * status_shards.h -- shard owners for `hawatch status` (status_shards.c).
 */
#ifndef HAWATCH_STATUS_SHARDS_H
#define HAWATCH_STATUS_SHARDS_H

#include "cli.h"
#include "sbuf.h"

/* appends ,"instances":[...],"shards":[...] to json and lines to text;
 * nothing when hawatch's schema is absent; -1 (err) on a database error */
int	status_shards(struct cli *, struct sbuf *json, struct sbuf *text,
	    char *err);

#endif
