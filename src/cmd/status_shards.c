/*
 * status_shards.c -- `hawatch status`: who owns which shard, read from
 * the database (daemon.shard_by = "cluster"; src/shard.c).
 *
 * The owner of a shard is the connection holding its named lock
 * (IS_USED_LOCK), named through hawatch's `instance` table; the `shard`
 * row adds the fencing token (generation).  An instance is live when its
 * alive lock is held by the connection its row names.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hw_schema.h"
#include "sbuf.h"
#include "status_shards.h"
#include "util.h"

static int
instances(struct db *db, const struct cli *c, struct sbuf *json,
    struct sbuf *text, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	char		 sql[640], t[160];
	int		 k = 0;

	snprintf(sql, sizeof(sql), "SELECT instance, heartbeat, shards, "
	    "COALESCE(IS_USED_LOCK(alive_lock) = connection_id, 0), "
	    "TIMESTAMPDIFF(MICROSECOND, heartbeat, UTC_TIMESTAMP(3)) DIV 1000 "
	    "FROM %s ORDER BY instance", hw_table(db, "instance", t,
	    sizeof(t)));
	if ((res = db_query(db, "read instances", sql, err)) == NULL)
		return -1;
	sbuf_add(json, ",\"instances\":[");
	sbuf_add(text, "instances (shard_by = \"%s\" here):\n",
	    shard_by_names[c->cfg.daemon.shard_by]);
	while ((row = mysql_fetch_row(res)) != NULL) {
		int live = row_u64(row, 3, 0) == 1;

		sbuf_add(json, "%s{\"instance\":", k++ ? "," : "");
		sbuf_json_str(json, row[0]);
		sbuf_add(json, ",\"heartbeat_age_ms\":%llu,\"live\":%s,"
		    "\"shards\":", (unsigned long long)row_u64(row, 4, 0),
		    live ? "true" : "false");
		sbuf_json_str(json, row_str(row, 2, ""));
		sbuf_add(json, "}");
		sbuf_add(text, "  %-24s %-5s heartbeat %llu ms ago, clusters "
		    "[%s]\n", row[0], live ? "live" : "GONE",
		    (unsigned long long)row_u64(row, 4, 0), row_str(row, 2, ""));
	}
	sbuf_add(json, "]");
	mysql_free_result(res);
	return 0;
}

static int
shards(struct db *db, struct sbuf *json, struct sbuf *text, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct sbuf	 q;
	char		 t[160], t2[160];
	int		 k = 0;

	sbuf_init(&q);
	sbuf_add(&q, "SELECT s.cluster_id, s.generation, i.instance FROM %s s "
	    "LEFT JOIN %s i ON i.connection_id = IS_USED_LOCK(CONCAT(LEFT(",
	    hw_table(db, "shard", t, sizeof(t)),
	    hw_table(db, "instance", t2, sizeof(t2)));
	db_quote(db, &q, db->cfg.hawatch_name);
	sbuf_add(&q, ", 24), '.shard.', s.cluster_id)) ORDER BY s.cluster_id");
	res = db_query(db, "read shards", q.s, err);
	sbuf_free(&q);
	if (res == NULL)
		return -1;
	sbuf_add(json, ",\"shards\":[");
	sbuf_add(text, "shards:\n");
	while ((row = mysql_fetch_row(res)) != NULL) {
		sbuf_add(json, "%s{\"cluster\":%llu,\"generation\":%llu,"
		    "\"owner\":", k++ ? "," : "",
		    (unsigned long long)row_u64(row, 0, 0),
		    (unsigned long long)row_u64(row, 1, 0));
		sbuf_json_str(json, row[2]);
		sbuf_add(json, "}");
		sbuf_add(text, "  cluster %-6llu %-24s generation %llu\n",
		    (unsigned long long)row_u64(row, 0, 0),
		    row[2] != NULL ? row[2] : "NONE (free)",
		    (unsigned long long)row_u64(row, 1, 0));
	}
	sbuf_add(json, "]");
	mysql_free_result(res);
	return 0;
}

int
status_shards(struct cli *c, struct sbuf *json, struct sbuf *text, char *err)
{
	struct db	db;
	int		rc = 0;

	if (db_connect(&db, &c->cfg.db, err) == -1)
		return -1;
	if (hw_schema_present(&db, err) == 1 &&
	    (instances(&db, c, json, text, err) == -1 ||
	    shards(&db, json, text, err) == -1))
		rc = -1;
	db_close(&db);
	return rc;
}
