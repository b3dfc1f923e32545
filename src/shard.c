/*
 * shard.c -- several acting instances, each on the CloudStack clusters it
 * holds (daemon.shard_by = "cluster").
 *
 * A shard is one cluster.  Its owner holds a MariaDB named lock,
 * GET_LOCK('<schema>.shard.<cluster id>'), on the daemon's main
 * connection, plus a fencing token: hawatch's `shard` row for the cluster
 * carries a generation that every new owner increments, in one
 * transaction, right after the lock is granted.  Every write transaction
 * for a host of the cluster checks inside itself that the connection
 * still holds the lock and that the row still carries that generation
 * (db_check_holds_lock with the token bound by db_token_set), exactly as
 * the single leader's writes check its lock.  Nothing here is consensus
 * of hawatch's own: the database server grants each lock to one
 * connection and frees it when that connection dies.
 *
 * Balance.  Every instance keeps a row in hawatch's `instance` table
 * (heartbeat by the database clock, the clusters it holds) and holds its
 * own "alive" lock while it runs.  A live instance is a row whose alive
 * lock is held by the row's connection and whose heartbeat is younger than
 * inst_dead_after.  With S shards and L live instances an instance holds
 * at most ceil(S / L): above that it gives one back per tick, below it it
 * tries the free ones every leader_retry.  A killed instance's connection
 * closes, the server frees its locks and its alive lock at once, so the
 * others count one instance fewer and take its shards at their next try.
 *
 * Order, so that no two live instances ever list one shard: an instance
 * lists a shard in its row only after the lock is granted, and removes it
 * from its row before releasing the lock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "shard.h"
#include "sbuf.h"
#include "util.h"

static uint64_t
fnv64(const char *s)
{
	uint64_t	h = 1469598103934665603ull;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

void
shards_init(struct shards *s, const struct db_config *db, const char *instance)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->instance, sizeof(s->instance), "%s", instance);
	/* lock names are at most 64 bytes: a short schema prefix and a hash */
	snprintf(s->alive_lock, sizeof(s->alive_lock), "%.24s.i.%016llx",
	    db->hawatch_name, (unsigned long long)fnv64(instance));
	snprintf(s->table_inst, sizeof(s->table_inst), "`%.64s`.`instance`",
	    db->hawatch_name);
	snprintf(s->table_shard, sizeof(s->table_shard), "`%.64s`.`shard`",
	    db->hawatch_name);
}

void
shards_free(struct shards *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->nheld = 0;
}

static const struct shard *
find_in(const struct shard *v, size_t n, uint64_t cluster_id)
{
	size_t	lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (v[mid].cluster_id == cluster_id)
			return &v[mid];
		if (v[mid].cluster_id < cluster_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct shard *
shards_find(const struct shards *s, uint64_t cluster_id)
{
	return find_in(s->v, s->n, cluster_id);
}

int
shards_holds(const struct shards *s, uint64_t cluster_id)
{
	const struct shard	*sh = shards_find(s, cluster_id);

	return sh != NULL && sh->held;
}

void
shards_lost(struct shards *s, const char *why)
{
	size_t	i;

	if (s->nheld > 0)
		log_warn("shard.lost", "instance=%s shards=%zu reason=\"%s\"",
		    s->instance, s->nheld, why);
	for (i = 0; i < s->n; i++)
		s->v[i].held = 0;
	s->nheld = 0;
	s->alive = 0;
}

static void
release_lock(struct db *db, const char *lock)
{
	struct sbuf	sb;

	db_token_drop(db, lock);
	sbuf_init(&sb);
	sbuf_add(&sb, "DO RELEASE_LOCK(");
	db_quote(db, &sb, lock);
	sbuf_add(&sb, ")");
	(void)db_exec(db, "release shard", sb.s, NULL, NULL);
	sbuf_free(&sb);
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The clusters of the inventory's watched hosts become the shards; a
 * held shard whose cluster left is given back. */
static void
follow_inventory(struct shards *s, struct db *db, const struct inventory *inv,
    const char *hawatch_name)
{
	uint64_t	*ids = xcalloc(inv->nhosts + 1, sizeof(*ids));
	struct shard	*nv;
	size_t		 i, j, n = 0;

	for (i = 0; i < inv->nhosts; i++)
		ids[n++] = inv->hosts[i].cluster_id;
	qsort(ids, n, sizeof(*ids), u64_cmp);
	for (i = 0, j = 0; i < n; i++)
		if (j == 0 || ids[j - 1] != ids[i])
			ids[j++] = ids[i];
	n = j;
	nv = xcalloc(n + 1, sizeof(*nv));
	for (i = 0; i < n; i++) {
		const struct shard *old = shards_find(s, ids[i]);

		if (old != NULL)
			nv[i] = *old;
		else {
			nv[i].cluster_id = ids[i];
			snprintf(nv[i].lock, sizeof(nv[i].lock),
			    "%.24s.shard.%llu", hawatch_name,
			    (unsigned long long)ids[i]);
		}
	}
	for (i = 0; i < s->n; i++)
		if (s->v[i].held && find_in(nv, n,
		    s->v[i].cluster_id) == NULL) {
			log_info("shard.released", "instance=%s cluster=%llu "
			    "reason=\"cluster left the inventory\"",
			    s->instance, (unsigned long long)s->v[i].cluster_id);
			release_lock(db, s->v[i].lock);
		}
	free(s->v);
	free(ids);
	s->v = nv;
	s->n = n;
}

static void
count_held(struct shards *s)
{
	size_t	i;

	for (s->nheld = 0, i = 0; i < s->n; i++)
		s->nheld += s->v[i].held != 0;
}

/*
 * One statement: this connection's id, whether it holds its alive lock,
 * and each shard lock's holder.  Marks held / free; a shard this instance
 * believed it held and no longer does is logged and its token dropped.
 * owner_conn[i] is the holder's connection id, 0 when free.
 */
static int
look_at_locks(struct shards *s, struct db *db, uint64_t *owner_conn,
    char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct sbuf	 sb;
	uint64_t	 me;
	size_t		 i;

	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT CONNECTION_ID(), COALESCE(IS_USED_LOCK(");
	db_quote(db, &sb, s->alive_lock);
	sbuf_add(&sb, ") = CONNECTION_ID(), 0)");
	for (i = 0; i < s->n; i++) {
		sbuf_add(&sb, ", IS_USED_LOCK(");
		db_quote(db, &sb, s->v[i].lock);
		sbuf_add(&sb, ")");
	}
	res = db_query(db, "look at shard locks", sb.s, err);
	sbuf_free(&sb);
	if (res == NULL)
		return -1;
	if ((row = mysql_fetch_row(res)) == NULL) {
		mysql_free_result(res);
		set_err(err, "look at shard locks: no row");
		return -1;
	}
	me = row_u64(row, 0, 0);
	s->alive = row_u64(row, 1, 0) == 1;
	for (i = 0; i < s->n; i++) {
		owner_conn[i] = row_u64(row, (unsigned)i + 2, 0);
		if (s->v[i].held && owner_conn[i] != me) {
			log_warn("shard.lost", "instance=%s cluster=%llu "
			    "reason=\"lock no longer held\"", s->instance,
			    (unsigned long long)s->v[i].cluster_id);
			db_token_drop(db, s->v[i].lock);
			s->v[i].held = 0;
		}
	}
	mysql_free_result(res);
	count_held(s);
	return 0;
}

/* This instance's row: heartbeat now (database clock), the shards held. */
static int
write_row(struct shards *s, struct db *db, char *err)
{
	struct sbuf	sb;
	size_t		i, k = 0;
	int		rc;

	sbuf_init(&sb);
	sbuf_add(&sb, "INSERT INTO %s (instance, connection_id, alive_lock, "
	    "started, heartbeat, shards) VALUES (", s->table_inst);
	db_quote(db, &sb, s->instance);
	sbuf_add(&sb, ", CONNECTION_ID(), ");
	db_quote(db, &sb, s->alive_lock);
	sbuf_add(&sb, ", UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), '");
	for (i = 0; i < s->n; i++)
		if (s->v[i].held)
			sbuf_add(&sb, "%s%llu", k++ ? "," : "",
			    (unsigned long long)s->v[i].cluster_id);
	sbuf_add(&sb, "') ON DUPLICATE KEY UPDATE started = IF(connection_id "
	    "= VALUES(connection_id), started, VALUES(started)), "
	    "connection_id = VALUES(connection_id), alive_lock = "
	    "VALUES(alive_lock), heartbeat = VALUES(heartbeat), shards = "
	    "VALUES(shards)");
	rc = db_exec(db, "instance heartbeat", sb.s, NULL, err);
	sbuf_free(&sb);
	return rc;
}

/* Live instances (alive lock held by the row's connection, heartbeat
 * fresh by the database clock); fills each shard's owner name. */
static int
look_at_instances(struct shards *s, struct db *db, const uint64_t *owner_conn,
    uint64_t dead_after_ms, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	char		 sql[512];
	size_t		 i;

	snprintf(sql, sizeof(sql), "SELECT connection_id, instance, "
	    "COALESCE(IS_USED_LOCK(alive_lock) = connection_id AND heartbeat "
	    ">= UTC_TIMESTAMP(3) - INTERVAL %llu MICROSECOND, 0) FROM %s",
	    (unsigned long long)dead_after_ms * 1000, s->table_inst);
	if ((res = db_query(db, "look at instances", sql, err)) == NULL)
		return -1;
	for (i = 0; i < s->n; i++)
		snprintf(s->v[i].owner, sizeof(s->v[i].owner), "%s",
		    owner_conn[i] != 0 ? "?" : "");
	s->live = 0;
	while ((row = mysql_fetch_row(res)) != NULL) {
		uint64_t conn = row_u64(row, 0, 0);

		s->live += row_u64(row, 2, 0) == 1;
		for (i = 0; i < s->n; i++)
			if (owner_conn[i] != 0 && owner_conn[i] == conn)
				snprintf(s->v[i].owner, sizeof(s->v[i].owner),
				    "%s", row_str(row, 1, "?"));
	}
	mysql_free_result(res);
	if (s->live == 0)
		s->live = 1;	/* this instance, before its row counts */
	s->cap = (s->n + s->live - 1) / s->live;
	return 0;
}

/* The shard's next generation, recorded with its new owner in one
 * transaction, bound to the lock as this connection's fencing token. */
static int
record_owner(struct shards *s, struct shard *sh, struct db *db, char *err)
{
	struct sbuf	sb;
	char		tok[256];
	uint64_t	gen = 0;
	int		rc;

	if (db_begin(db, err) == -1)
		return -1;
	sbuf_init(&sb);
	sbuf_add(&sb, "INSERT INTO %s (cluster_id, generation, instance, "
	    "connection_id, since) VALUES (%llu, 1, ", s->table_shard,
	    (unsigned long long)sh->cluster_id);
	db_quote(db, &sb, s->instance);
	sbuf_add(&sb, ", CONNECTION_ID(), UTC_TIMESTAMP(3)) ON DUPLICATE KEY "
	    "UPDATE generation = generation + 1, instance = VALUES(instance), "
	    "connection_id = VALUES(connection_id), since = VALUES(since)");
	rc = db_exec(db, "record shard owner", sb.s, NULL, err);
	sbuf_free(&sb);
	snprintf(tok, sizeof(tok), "SELECT generation FROM %s WHERE "
	    "cluster_id = %llu LOCK IN SHARE MODE", s->table_shard,
	    (unsigned long long)sh->cluster_id);
	if (rc == 0 && db_query_u64(db, "read shard generation", tok, &gen,
	    err) != 0)
		rc = -1;
	if (rc == -1 || gen == 0) {
		if (rc == 0)
			set_err(err, "record shard owner: generation is 0");
		db_rollback(db);
		return -1;
	}
	if (db_commit(db, err) == -1)
		return -1;
	sh->generation = gen;
	db_token_set(db, sh->lock, tok, gen);
	return 0;
}

/* GET_LOCK without waiting: 1 taken, 0 someone holds it, -1 (err) */
static int
take_one(struct shards *s, struct shard *sh, struct db *db, char *err)
{
	struct sbuf	sb;
	uint64_t	got = 0;
	int		r;

	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT GET_LOCK(");
	db_quote(db, &sb, sh->lock);
	sbuf_add(&sb, ", 0)");
	r = db_query_u64(db, "take shard", sb.s, &got, err);
	sbuf_free(&sb);
	if (r != 0)
		return -1;
	if (got != 1)
		return 0;
	if (record_owner(s, sh, db, err) == -1) {
		release_lock(db, sh->lock);
		return -1;
	}
	sh->held = 1;
	snprintf(sh->owner, sizeof(sh->owner), "%s", s->instance);
	log_info("shard.acquired", "instance=%s cluster=%llu generation=%llu "
	    "held=%zu cap=%zu live=%zu", s->instance,
	    (unsigned long long)sh->cluster_id,
	    (unsigned long long)sh->generation, s->nheld + 1, s->cap, s->live);
	return 1;
}

/* Above the fair share while others live: give the highest back, after
 * the row stops listing it. */
static int
give_back(struct shards *s, struct db *db, char *err)
{
	size_t	i;

	if (s->live < 2 || s->nheld <= s->cap)
		return 0;
	for (i = s->n; i-- > 0;)
		if (s->v[i].held)
			break;
	s->v[i].held = 0;
	count_held(s);
	if (write_row(s, db, err) == -1)
		return -1;
	release_lock(db, s->v[i].lock);
	s->v[i].owner[0] = '\0';
	log_info("shard.released", "instance=%s cluster=%llu held=%zu cap=%zu "
	    "live=%zu reason=\"balance\"", s->instance,
	    (unsigned long long)s->v[i].cluster_id, s->nheld, s->cap, s->live);
	return 0;
}

/* Below the fair share: try the free shards, lowest id first. */
static int
take_free(struct shards *s, struct db *db, const uint64_t *owner_conn,
    char *err)
{
	size_t	i, taken = 0;
	int	r;

	for (i = 0; i < s->n && s->nheld < s->cap; i++) {
		if (s->v[i].held || owner_conn[i] != 0)
			continue;
		if ((r = take_one(s, &s->v[i], db, err)) == -1)
			return -1;
		if (r == 1) {
			s->nheld++;
			taken++;
		}
	}
	return taken > 0 ? write_row(s, db, err) : 0;
}

/* This instance's alive lock: 1 held, 0 another process runs under the
 * same instance name (logged), -1 (err). */
static int
ensure_alive(struct shards *s, struct db *db, char *err)
{
	struct sbuf	sb;
	uint64_t	got = 0;
	int		r;

	if (s->alive)
		return 1;
	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT GET_LOCK(");
	db_quote(db, &sb, s->alive_lock);
	sbuf_add(&sb, ", 0)");
	r = db_query_u64(db, "instance alive lock", sb.s, &got, err);
	sbuf_free(&sb);
	if (r != 0)
		return -1;
	s->alive = got == 1;
	if (!s->alive)
		log_err("shard.duplicate_instance", "instance=%s error=\"another "
		    "running hawatch uses this instance name; this one takes "
		    "no shard (set daemon.instance_name)\"", s->instance);
	return s->alive;
}

int
shards_tick(struct shards *s, struct db *db, const struct inventory *inv,
    uint64_t now_ms, uint64_t retry_ms, uint64_t inst_dead_after_ms,
    char *err)
{
	uint64_t	*owner_conn;
	int		 rc = -1, r;

	if (!inv->hw_schema)
		return 0;	/* the schema comes with the first write */
	follow_inventory(s, db, inv, db->cfg.hawatch_name);
	owner_conn = xcalloc(s->n + 1, sizeof(*owner_conn));
	if (look_at_locks(s, db, owner_conn, err) == -1)
		goto out;
	if ((r = ensure_alive(s, db, err)) != 1) {
		rc = r;
		goto out;
	}
	if (write_row(s, db, err) == -1 ||
	    look_at_instances(s, db, owner_conn, inst_dead_after_ms, err) == -1
	    || give_back(s, db, err) == -1)
		goto out;
	rc = 0;
	if (now_ms >= s->next_try_ms && s->nheld < s->cap) {
		s->next_try_ms = now_ms + retry_ms;
		rc = take_free(s, db, owner_conn, err);
	}
out:
	free(owner_conn);
	return rc;
}

void
shards_release(struct shards *s, struct db *db)
{
	struct sbuf	 sb;
	int		*had;
	size_t		 i;

	if (db->m == NULL)
		return;
	/* the row stops listing them before the locks go */
	had = xcalloc(s->n + 1, sizeof(*had));
	for (i = 0; i < s->n; i++) {
		had[i] = s->v[i].held;
		s->v[i].held = 0;
	}
	if (s->nheld > 0)
		(void)write_row(s, db, NULL);
	for (i = 0; i < s->n; i++)
		if (had[i])
			release_lock(db, s->v[i].lock);
	free(had);
	s->nheld = 0;
	sbuf_init(&sb);
	sbuf_add(&sb, "DELETE FROM %s WHERE instance = ", s->table_inst);
	db_quote(db, &sb, s->instance);
	(void)db_exec(db, "leave instances", sb.s, NULL, NULL);
	sbuf_free(&sb);
	release_lock(db, s->alive_lock);
	s->alive = 0;
	log_info("shard.left", "instance=%s", s->instance);
}
