/*
 * db.c -- bounded MariaDB session (see db.h).
 *
 * Connect sets MYSQL_OPT_{CONNECT,READ,WRITE}_TIMEOUT and disables
 * reconnect (a silent reconnect in the middle of a transaction would run
 * its tail in autocommit mode).  After connecting it pins the session to
 * UTC (CloudStack stores UTC datetimes), a strict sql_mode, READ COMMITTED
 * (locking reads see the latest committed row anyway; plain reads then do
 * too) and the lock-wait timeouts, so no statement waits unboundedly for a
 * row or metadata lock held by a management server.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "clock.h"
#include "db.h"
#include "log.h"
#include "util.h"

void
db_quote(struct db *db, struct sbuf *b, const char *s)
{
	size_t	n = strlen(s);

	sbuf_reserve(b, 2 * n + 3);
	b->s[b->len++] = '\'';
	b->len += mysql_real_escape_string(db->m, b->s + b->len, s,
	    (unsigned long)n);
	b->s[b->len++] = '\'';
	b->s[b->len] = '\0';
}

static void
db_error(struct db *db, const char *what, char *err)
{
	set_err(err, "database %s: %s (MariaDB error %u)", what,
	    mysql_error(db->m), mysql_errno(db->m));
}

void
db_set_deadline(struct db *db, uint64_t deadline_ms)
{
	db->deadline_ms = deadline_ms;
}

/* 0 if a statement may start now; -1 (err set) once the budget is spent */
static int
db_budget(struct db *db, const char *what, char *err)
{
	if (db->deadline_ms == 0 || clock_mono_ms() < db->deadline_ms)
		return 0;
	set_err(err, "database %s: tick database budget spent "
	    "(daemon.db_tick_budget); not started", what);
	log_debug("db.budget", "what=\"%s\"", what);
	return -1;
}

int
db_connect(struct db *db, const struct db_config *cfg, char *err)
{
	unsigned int	 proto, cto, rto, wto;
	my_bool		 reconnect = 0;
	const char	*host, *sock;
	char		 sql[256];

	memset(db, 0, sizeof(*db));
	db->cfg = *cfg;
	if ((db->m = mysql_init(NULL)) == NULL) {
		set_err(err, "database: mysql_init failed (out of memory)");
		return -1;
	}
	cto = cfg->connect_timeout_s;
	rto = cfg->read_timeout_s;
	wto = cfg->write_timeout_s;
	mysql_options(db->m, MYSQL_OPT_CONNECT_TIMEOUT, &cto);
	mysql_options(db->m, MYSQL_OPT_READ_TIMEOUT, &rto);
	mysql_options(db->m, MYSQL_OPT_WRITE_TIMEOUT, &wto);
	mysql_options(db->m, MYSQL_OPT_RECONNECT, &reconnect);
	mysql_options(db->m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (cfg->socket[0] != '\0') {
		proto = MYSQL_PROTOCOL_SOCKET;
		host = "localhost";
		sock = cfg->socket;
	} else {
		/* "localhost" would silently mean the unix socket */
		proto = MYSQL_PROTOCOL_TCP;
		host = cfg->host;
		sock = NULL;
	}
	mysql_options(db->m, MYSQL_OPT_PROTOCOL, &proto);
	if (mysql_real_connect(db->m, host, cfg->user, cfg->password, NULL,
	    cfg->port, sock, CLIENT_FOUND_ROWS) == NULL) {
		set_err(err, "database connect to %s%s%u as %s: %s "
		    "(MariaDB error %u)", sock ? sock : host, sock ? "" : ":",
		    sock ? 0 : cfg->port, cfg->user, mysql_error(db->m),
		    mysql_errno(db->m));
		mysql_close(db->m);
		db->m = NULL;
		return -1;
	}
	snprintf(sql, sizeof(sql),
	    "SET SESSION time_zone = '+00:00', "
	    "sql_mode = 'STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION', "
	    "tx_isolation = 'READ-COMMITTED', "
	    "innodb_lock_wait_timeout = %u, lock_wait_timeout = %u",
	    cfg->lock_wait_timeout_s, cfg->lock_wait_timeout_s);
	if (db_exec(db, "session setup", sql, NULL, err) == -1) {
		db_close(db);
		return -1;
	}
	return 0;
}

void
db_close(struct db *db)
{
	if (db->m != NULL)
		mysql_close(db->m);
	db->m = NULL;
	explicit_bzero(db->cfg.password, sizeof(db->cfg.password));
}

int
db_alive(struct db *db)
{
	return db->m != NULL && mysql_ping(db->m) == 0;
}

int
db_exec(struct db *db, const char *what, const char *sql,
    unsigned long long *affected, char *err)
{
	MYSQL_RES	*res;

	if (db->m == NULL) {
		set_err(err, "database %s: not connected", what);
		return -1;
	}
	if (db_budget(db, what, err) == -1)
		return -1;
	db->statements++;
	log_debug("db.exec", "what=\"%s\" len=%zu", what, strlen(sql));
	if (mysql_real_query(db->m, sql, (unsigned long)strlen(sql)) != 0) {
		db_error(db, what, err);
		return -1;
	}
	if ((res = mysql_store_result(db->m)) != NULL)
		mysql_free_result(res);
	else if (mysql_field_count(db->m) != 0) {
		db_error(db, what, err);
		return -1;
	}
	if (affected != NULL)
		*affected = mysql_affected_rows(db->m);
	return 0;
}

MYSQL_RES *
db_query(struct db *db, const char *what, const char *sql, char *err)
{
	MYSQL_RES	*res;

	if (db->m == NULL) {
		set_err(err, "database %s: not connected", what);
		return NULL;
	}
	if (db_budget(db, what, err) == -1)
		return NULL;
	db->statements++;
	log_debug("db.query", "what=\"%s\" len=%zu", what, strlen(sql));
	if (mysql_real_query(db->m, sql, (unsigned long)strlen(sql)) != 0) {
		db_error(db, what, err);
		return NULL;
	}
	if ((res = mysql_store_result(db->m)) == NULL) {
		if (mysql_field_count(db->m) == 0)
			set_err(err, "database %s: statement returned no result "
			    "set", what);
		else
			db_error(db, what, err);
		return NULL;
	}
	return res;
}

int
db_query_u64(struct db *db, const char *what, const char *sql, uint64_t *out,
    char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	int		 rc = 1;

	if ((res = db_query(db, what, sql, err)) == NULL)
		return -1;
	if ((row = mysql_fetch_row(res)) != NULL && row[0] != NULL) {
		if (parse_u64(row[0], out) == -1) {
			set_err(err, "database %s: not an unsigned integer: %s",
			    what, row[0]);
			rc = -1;
		} else
			rc = 0;
	}
	mysql_free_result(res);
	return rc;
}

int
db_begin(struct db *db, char *err)
{
	if (db_exec(db, "begin", "START TRANSACTION", NULL, err) == -1)
		return -1;
	db->in_txn = 1;
	return 0;
}

int
db_commit(struct db *db, char *err)
{
	if (db_budget(db, "commit", err) == -1) {
		db_rollback(db);
		return -1;
	}
	db->statements++;
	if (mysql_commit(db->m) != 0) {
		db_error(db, "commit", err);
		db_rollback(db);
		return -1;
	}
	db->in_txn = 0;
	return 0;
}

void
db_rollback(struct db *db)
{
	if (db->m != NULL && db->in_txn) {
		db->statements++;
		(void)mysql_rollback(db->m);
	}
	db->in_txn = 0;
}

uint64_t
row_u64(MYSQL_ROW row, unsigned i, uint64_t def)
{
	uint64_t	v;

	if (row[i] == NULL || parse_u64(row[i], &v) == -1)
		return def;
	return v;
}

const char *
row_str(MYSQL_ROW row, unsigned i, const char *def)
{
	return row[i] != NULL ? row[i] : def;
}

/* the leader row's generation (locked in share mode) is gen */
int
db_check_generation(struct db *db, uint64_t gen, char *err)
{
	char		sql[256];
	uint64_t	cur = 0;
	int		r;

	snprintf(sql, sizeof(sql), "SELECT generation FROM `%.64s`.`leader` "
	    "WHERE id = 1 LOCK IN SHARE MODE", db->cfg.hawatch_name);
	if ((r = db_query_u64(db, "check leadership", sql, &cur, err)) == -1)
		return -1;
	if (r == 1 || cur != gen) {
		set_err(err, "leadership lost: leader generation is %llu, this "
		    "writer leads under %llu; rolled back",
		    (unsigned long long)cur, (unsigned long long)gen);
		return -1;
	}
	return 0;
}

int
db_check_holds_lock(struct db *db, const char *lock, char *err)
{
	struct sbuf	sb;
	uint64_t	held = 0;
	int		r;

	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT COALESCE(IS_USED_LOCK(");
	db_quote(db, &sb, lock);
	sbuf_add(&sb, ") = CONNECTION_ID(), 0)");
	r = db_query_u64(db, "check leadership", sb.s, &held, err);
	sbuf_free(&sb);
	if (r != 0)
		return -1;
	if (held != 1) {
		set_err(err, "leadership lost: lock %s is no longer held by "
		    "this connection; rolled back", lock);
		return -1;
	}
	if (db->leader_gen != 0)
		return db_check_generation(db, db->leader_gen, err);
	return 0;
}

uint64_t
db_connection_id(struct db *db)
{
	uint64_t	id = 0;

	if (db_query_u64(db, "connection id", "SELECT CONNECTION_ID()", &id,
	    NULL) != 0)
		return 0;
	return id;
}
