/*
 * leader.c -- one actor among several hawatch instances (S4).
 *
 * Leadership is a MariaDB named lock, GET_LOCK('<hawatch schema>.leader'),
 * held by the daemon's main database connection: the same connection that
 * runs every write transaction, so each transaction can verify inside
 * itself that it still holds the lock (db_check_holds_lock), and a leader
 * whose connection dies loses the lock with it.  A standby retries every
 * leader_retry and takes over within that time plus the server's
 * detection of the dead connection.  The leader also records itself in
 * hawatch's `leader` table for `hawatch status`.
 */
#include <stdio.h>
#include <string.h>

#include "hw_schema.h"
#include "leader.h"
#include "log.h"
#include "util.h"

void
leader_init(struct leader *l, const struct db_config *db, const char *instance)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->lock, sizeof(l->lock), "%.64s.leader", db->hawatch_name);
	snprintf(l->instance, sizeof(l->instance), "%s", instance);
}

static int
record_leader(struct leader *l, struct db *db, char *err)
{
	struct sbuf	sb;
	char		t[160];
	int		rc;

	if (hw_schema_ensure(db, err) == -1)
		return -1;
	sbuf_init(&sb);
	sbuf_add(&sb, "REPLACE INTO %s (id, instance, connection_id, since, "
	    "renewed) VALUES (1, ", hw_table(db, "leader", t, sizeof(t)));
	db_quote(db, &sb, l->instance);
	sbuf_add(&sb, ", CONNECTION_ID(), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))");
	rc = db_exec(db, "record leader", sb.s, NULL, err);
	sbuf_free(&sb);
	return rc;
}

void
leader_lost(struct leader *l, const char *why)
{
	if (l->held)
		log_warn("leader.lost", "instance=%s reason=\"%s\"", l->instance,
		    why);
	l->held = 0;
}

int
leader_tick(struct leader *l, struct db *db, uint64_t now_ms,
    uint64_t retry_ms, char *err)
{
	struct sbuf	sb;
	uint64_t	got = 0;
	int		r;

	if (db->m == NULL) {
		leader_lost(l, "database connection lost");
		return 0;
	}
	if (l->held) {
		if (db_check_holds_lock(db, l->lock, err) == 0)
			return 1;
		leader_lost(l, err);
		return 0;
	}
	if (now_ms < l->next_try_ms)
		return 0;
	l->next_try_ms = now_ms + retry_ms;
	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT GET_LOCK(");
	db_quote(db, &sb, l->lock);
	sbuf_add(&sb, ", 0)");
	r = db_query_u64(db, "take leadership", sb.s, &got, err);
	sbuf_free(&sb);
	if (r != 0)
		return -1;
	if (got != 1)
		return 0;		/* another instance leads */
	if (record_leader(l, db, err) == -1) {
		/* cannot act as leader without a schema: give it back */
		leader_release(l, db);
		return -1;
	}
	l->held = 1;
	l->since_ms = now_ms;
	log_info("leader.acquired", "instance=%s lock=%s", l->instance,
	    l->lock);
	return 1;
}

void
leader_release(struct leader *l, struct db *db)
{
	struct sbuf	sb;

	if (db->m != NULL) {
		sbuf_init(&sb);
		sbuf_add(&sb, "DO RELEASE_LOCK(");
		db_quote(db, &sb, l->lock);
		sbuf_add(&sb, ")");
		(void)db_exec(db, "release leadership", sb.s, NULL, NULL);
		sbuf_free(&sb);
	}
	if (l->held)
		log_info("leader.released", "instance=%s", l->instance);
	l->held = 0;
}
