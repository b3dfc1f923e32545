/*
 * fence_records.h -- hawatch's record of which hosts are confirmed fenced
 * (its fenced_host table): read one, write a confirmation, list them, and
 * list the hosts CloudStack calls Fenced that hawatch has no record for.
 */
#ifndef HAWATCH_FENCE_RECORDS_H
#define HAWATCH_FENCE_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "rec_types.h"

struct fence_record {
	int			present;
	enum fence_source	source;
	char			host_status[32];
	uint64_t		host_update_count;
	char			confirmed_at[32];
};


/* The host's record not cleared; fr->present 0 when none (or no schema). */
int	fence_record_read(struct db *, uint64_t host_id, struct fence_record *,
	    char *err);
/* Inside the caller's transaction: record o->confirm for r's host. */
int	fence_record_write(struct db *, const struct rec_result *r,
	    const struct rec_opts *o, uint64_t host_update_count, char *err);

/* Hosts hawatch counts as fenced (fenced_host, not cleared), ascending. */
int	reconcile_fenced_hosts(struct db *, uint64_t **ids, size_t *n,
	    char *err);

/* Hosts ha_config says Fenced that hawatch has no confirmation for. */
int	reconcile_unconfirmed_fenced(struct db *, uint64_t **ids, size_t *n,
	    char *err);

#endif
