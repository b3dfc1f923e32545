/*
 * db.h -- hawatch's MariaDB session: bounded connect, bounded statements.
 *
 * One struct db is one connection (not thread-safe; the daemon gives each
 * thread its own).  Every call is bounded by the connect/read/write
 * timeouts and by innodb_lock_wait_timeout / lock_wait_timeout, which
 * db_connect() sets on the session.  No silent reconnects: a lost
 * connection fails the call and the caller reconnects between
 * transactions, never inside one.
 *
 * Queries are built with db_fmt(): integers are formatted, strings go
 * through db_quote() (mysql_real_escape_string).  Every statement sent is
 * counted in db->statements (the reconcile benchmark reports it).
 * Errors name the statement's purpose, never the password.
 */
#ifndef HAWATCH_DB_H
#define HAWATCH_DB_H

#include <stddef.h>
#include <stdint.h>

#include <mysql.h>

#include "config.h"
#include "sbuf.h"

struct db {
	MYSQL			*m;
	struct db_config	 cfg;
	unsigned long		 statements;
	int			 in_txn;
	int			 hw_ready;	/* hawatch schema: 0 unknown,
						   1 absent/old, 2 current */
	uint64_t		 leader_gen;	/* fencing token this connection
						   writes under (leader.c); 0 none */
	uint64_t		 deadline_ms;	/* CLOCK_MONOTONIC ms after which
						   no statement starts; 0 none */
};

/* starts with no deadline (db_set_deadline() after it) */
int	 db_connect(struct db *, const struct db_config *, char *err);
void	 db_close(struct db *);
int	 db_alive(struct db *);

/* Run one statement that returns no rows; *affected may be NULL. */
int	 db_exec(struct db *, const char *what, const char *sql,
	    unsigned long long *affected, char *err);
/* Run one statement and store its result; caller mysql_free_result()s. */
MYSQL_RES *db_query(struct db *, const char *what, const char *sql,
	    char *err);
/* First column of the first row as u64; -1 on error, 1 if no row/NULL. */
int	 db_query_u64(struct db *, const char *what, const char *sql,
	    uint64_t *out, char *err);

/*
 * A budget for a round of statements (the tick's database work): no
 * statement -- exec, query, begin, commit -- STARTS
 * after deadline_ms (CLOCK_MONOTONIC ms; 0 clears it); one that would
 * fails at once with "database <what>: tick database budget spent".  A
 * statement already running is bounded by the read/write and lock-wait
 * timeouts, so a round's database work ends within the budget plus one
 * statement's timeout.  ROLLBACK is exempt: it ends a transaction.
 */
void	 db_set_deadline(struct db *, uint64_t deadline_ms);

int	 db_begin(struct db *, char *err);
int	 db_commit(struct db *, char *err);
void	 db_rollback(struct db *);

/*
 * Leadership inside a write transaction (S4).  db_check_holds_lock: this
 * connection holds the named lock (GET_LOCK) and, when db->leader_gen is
 * set, hawatch's leader row still carries that generation.
 * db_check_generation: the leader row carries generation gen (a worker
 * thread's own connection, writing for the daemon's leadership).  The
 * row is read LOCK IN SHARE MODE, so a new leader's increment waits for
 * this transaction to end: every write is ordered before or after a
 * change of leader, never across one.  0 yes; -1 no or error, err says.
 */
int	 db_check_holds_lock(struct db *, const char *lock, char *err);
int	 db_check_generation(struct db *, uint64_t gen, char *err);
/* CONNECTION_ID() of this session; 0 on error */
uint64_t db_connection_id(struct db *);

/* Append s quoted as an SQL string literal ('...') to sb. */
void	 db_quote(struct db *, struct sbuf *, const char *s);

/* row helpers: NULL column -> def */
uint64_t	row_u64(MYSQL_ROW, unsigned i, uint64_t def);
const char	*row_str(MYSQL_ROW, unsigned i, const char *def);

#endif
