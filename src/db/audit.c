/*
 * audit.c -- one audit row, plus an optional statement, in one
 * leader-checked transaction (see audit.h).
 */
#include <string.h>

#include "audit.h"
#include "hw_schema.h"

int
audit_record(struct db *db, const struct audit_writer *w,
    const char *extra_sql, const char *action, uint64_t host_id,
    const char *reason, const char *evidence, char *err)
{
	struct audit_row	a;
	struct sbuf		sb;
	int			rc;

	if (hw_schema_ensure(db, err) == -1 || db_begin(db, err) == -1)
		return -1;
	if (extra_sql != NULL &&
	    db_exec(db, action, extra_sql, NULL, err) == -1)
		goto rollback;
	memset(&a, 0, sizeof(a));
	a.action = action;
	a.host_id = host_id;
	a.reason = reason;
	a.evidence = evidence;
	sbuf_init(&sb);
	audit_insert_begin(db, &sb);
	audit_insert_row(db, &sb, 1, w->actor, w->command, &a);
	rc = db_exec(db, "write audit", sb.s, NULL, err);
	sbuf_free(&sb);
	if (rc == -1)
		goto rollback;
	if (w->leader_lock != NULL &&
	    db_check_holds_lock(db, w->leader_lock, err) == -1)
		goto rollback;
	return db_commit(db, err);
rollback:
	db_rollback(db);
	return -1;
}
