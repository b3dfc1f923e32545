/*
 * fence_log.c -- the daemon's fence bookkeeping in hawatch's schema (see
 * fence_log.h): the fence request with its attempt number, the reset of
 * that count, and closing a host's fence record when it returns.
 */
#include <stdio.h>

#include "fence_log.h"
#include "hw_schema.h"
#include "sbuf.h"

int
fence_log_requested(struct db *db, const struct audit_writer *w,
    uint64_t host_id, unsigned attempt, const char *reason,
    const char *evidence, char *err)
{
	struct sbuf	sql;
	char		t[160];
	int		rc;

	sbuf_init(&sql);
	sbuf_add(&sql, "INSERT INTO %s (host_id, attempts, updated_at, actor) "
	    "VALUES (%llu, %u, UTC_TIMESTAMP(3), ",
	    hw_table(db, "fence_attempt", t, sizeof(t)),
	    (unsigned long long)host_id, attempt);
	db_quote(db, &sql, w->actor);
	sbuf_add(&sql, ") ON DUPLICATE KEY UPDATE attempts = VALUES(attempts), "
	    "updated_at = VALUES(updated_at), actor = VALUES(actor)");
	rc = audit_record(db, w, sql.s, "host.fence_requested", host_id,
	    reason, evidence, err);
	sbuf_free(&sql);
	return rc;
}

int
fence_log_budget_reset(struct db *db, const struct audit_writer *w,
    uint64_t host_id, const char *reason, char *err)
{
	char	sql[256], t[160];

	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE host_id = %llu",
	    hw_table(db, "fence_attempt", t, sizeof(t)),
	    (unsigned long long)host_id);
	return audit_record(db, w, sql, "host.fence_budget_reset", host_id,
	    reason, "{}", err);
}

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
