/*
 * fence_log.c -- close a host's open fence record when it returns (see
 * fence_log.h).
 */
#include "fence_log.h"
#include "hw_schema.h"
#include "sbuf.h"

int
fence_log_clear(struct db *db, const struct audit_writer *w,
    uint64_t host_id, const char *reason, const char *evidence, char *err)
{
	struct sbuf	sql;
	char		t[160];
	int		rc;

	sbuf_init(&sql);
	sbuf_add(&sql, "UPDATE %s SET cleared_at = UTC_TIMESTAMP(3), "
	    "cleared_reason = ", hw_table(db, "fenced_host", t, sizeof(t)));
	db_quote(db, &sql, reason);
	sbuf_add(&sql, " WHERE host_id = %llu AND cleared_at IS NULL",
	    (unsigned long long)host_id);
	rc = audit_record(db, w, sql.s, "host.returned", host_id, reason,
	    evidence, err);
	sbuf_free(&sql);
	return rc;
}
