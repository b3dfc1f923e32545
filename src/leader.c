/*
 * leader.c -- one actor among several hawatch instances (S4).
 *
 * Leadership is a MariaDB named lock, GET_LOCK('<hawatch schema>.leader'),
 * held by the daemon's main database connection, plus a fencing token:
 * hawatch's `leader` row carries a generation that every new leader
 * increments, in one transaction with recording itself, right after
 * GET_LOCK succeeds.  Every write transaction checks, inside itself, that
 * the row still carries the generation it writes under (db.h
 * db_check_holds_lock / db_check_generation).  Connection ids restart
 * after a database restart; the generation never goes back, so a stale
 * leader -- or its sweeper thread, on its own connection -- cannot write
 * once another instance has led.  A leader whose connection dies loses
 * the lock with it.  A standby retries every leader_retry and takes over
 * within that time plus the server's detection of the dead connection.
 *
 * Galera and other multi-primary servers: named locks are local to one
 * node (MariaDB refuses GET_LOCK when wsrep_on), so two instances could
 * each lead on their own node.  Before every attempt the server's
 * wsrep_on is read; ON refuses leadership with an error (logged once per
 * connection) and the instance stays standby.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

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

/* Record this instance and take the next generation, in one transaction. */
static int
record_leader(struct leader *l, struct db *db, char *err)
{
	struct sbuf	sb;
	char		t[160];
	uint64_t	gen = 0;
	int		rc;

	if (hw_schema_ensure(db, err) == -1 || db_begin(db, err) == -1)
		return -1;
	sbuf_init(&sb);
	sbuf_add(&sb, "INSERT INTO %s (id, instance, connection_id, since, "
	    "renewed, generation) VALUES (1, ", hw_table(db, "leader", t,
	    sizeof(t)));
	db_quote(db, &sb, l->instance);
	sbuf_add(&sb, ", CONNECTION_ID(), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), "
	    "1) ON DUPLICATE KEY UPDATE instance = VALUES(instance), "
	    "connection_id = VALUES(connection_id), since = VALUES(since), "
	    "renewed = VALUES(renewed), generation = generation + 1");
	rc = db_exec(db, "record leader", sb.s, NULL, err);
	sbuf_reset(&sb);
	sbuf_add(&sb, "SELECT generation FROM %s WHERE id = 1", t);
	if (rc == 0 && db_query_u64(db, "read leader generation", sb.s, &gen,
	    err) != 0)
		rc = -1;
	sbuf_free(&sb);
	if (rc == 0 && gen == 0) {
		set_err(err, "database record leader: generation is 0");
		rc = -1;
	}
	if (rc == -1) {
		db_rollback(db);
		return -1;
	}
	if (db_commit(db, err) == -1)
		return -1;
	l->generation = gen;
	db->leader_gen = gen;
	return 0;
}

void
leader_lost(struct leader *l, const char *why)
{
	if (l->held)
		log_warn("leader.lost", "instance=%s generation=%llu "
		    "reason=\"%s\"", l->instance,
		    (unsigned long long)l->generation, why);
	l->held = 0;
	l->generation = 0;
}

/*
 * 1 when the server replicates multi-primary (Galera: wsrep_on), with
 * l->refused saying so; 0 if not; -1 (err) when it cannot be read.
 */
static int
multi_primary(struct leader *l, struct db *db, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	int		 on;

	/* information_schema: no error where the variable does not exist */
	res = db_query(db, "read wsrep_on", "SELECT VARIABLE_VALUE FROM "
	    "information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME = "
	    "'WSREP_ON'", err);
	if (res == NULL)
		return -1;
	row = mysql_fetch_row(res);
	on = row != NULL && row[0] != NULL && (strcasecmp(row[0], "ON") == 0 ||
	    strcmp(row[0], "1") == 0);
	mysql_free_result(res);
	if (!on) {
		l->refused[0] = '\0';
		return 0;
	}
	if (l->refused[0] == '\0') {
		snprintf(l->refused, sizeof(l->refused), "the database server "
		    "runs Galera (wsrep_on=ON): named locks are per node, so "
		    "leadership cannot be exclusive; point database.host at a "
		    "single-primary server");
		log_err("leader.refused", "instance=%s error=\"%s\"",
		    l->instance, l->refused);
	}
	return 1;
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
		db->leader_gen = 0;
		return 0;
	}
	if (now_ms < l->next_try_ms)
		return 0;
	l->next_try_ms = now_ms + retry_ms;
	if ((r = multi_primary(l, db, err)) != 0)
		return r == 1 ? 0 : -1;
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
	log_info("leader.acquired", "instance=%s lock=%s generation=%llu",
	    l->instance, l->lock, (unsigned long long)l->generation);
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
	l->generation = 0;
	db->leader_gen = 0;
}
