/*
 * cmd_status.c -- `hawatch status [--json]`.
 *
 * Shows what the local daemon last wrote (its status file: per host the
 * state, heartbeat age per pool, BMC power, alerts and last action) and
 * who leads, read from hawatch's `leader` table and verified against the
 * live lock (IS_USED_LOCK): a row whose connection no longer holds the
 * lock names nobody.  A status file older than a few ticks means the
 * daemon is not running here; that is said, not hidden.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "hw_schema.h"
#include "sbuf.h"
#include "status_shards.h"
#include "util.h"

static const char usage[] = "usage: hawatch status [--json]\n";

/* who leads: fills out (JSON object text); 0, or -1 with err */
static int
leader_info(struct cli *c, struct sbuf *json, struct sbuf *text, char *err)
{
	struct db	 db;
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct sbuf	 q;
	char		 t[160];
	int		 live = 0;

	if (db_connect(&db, &c->cfg.db, err) == -1)
		return -1;
	if (hw_schema_present(&db, err) != 1) {
		sbuf_add(json, "{\"instance\":null,\"live\":false}");
		sbuf_add(text, "leader: none (hawatch's schema does not exist "
		    "yet)\n");
		db_close(&db);
		return 0;
	}
	sbuf_init(&q);
	sbuf_add(&q, "SELECT instance, since, connection_id = "
	    "IFNULL(IS_USED_LOCK(CONCAT(");
	db_quote(&db, &q, c->cfg.db.hawatch_name);
	sbuf_add(&q, ", '.leader')), 0) FROM %s WHERE id = 1",
	    hw_table(&db, "leader", t, sizeof(t)));
	res = db_query(&db, "read leader", q.s, err);
	sbuf_free(&q);
	if (res == NULL) {
		db_close(&db);
		return -1;
	}
	if ((row = mysql_fetch_row(res)) != NULL)
		live = row[2] != NULL && strcmp(row[2], "1") == 0;
	sbuf_add(json, "{\"instance\":");
	sbuf_json_str(json, row != NULL && live ? row[0] : NULL);
	sbuf_add(json, ",\"since\":");
	sbuf_json_str(json, row != NULL && live ? row[1] : NULL);
	sbuf_add(json, ",\"live\":%s}", live ? "true" : "false");
	if (live)
		sbuf_add(text, "leader: %s (since %s UTC)\n", row[0], row[1]);
	else
		sbuf_add(text, "leader: NONE: no hawatch instance holds "
		    "leadership%s%s%s\n", row ? " (last: " : "",
		    row ? row[0] : "", row ? ")" : "");
	mysql_free_result(res);
	db_close(&db);
	return 0;
}

static char *
slurp(const char *path, time_t *mtime)
{
	struct stat	 st;
	FILE		*f;
	char		*buf;
	size_t		 n;

	if (stat(path, &st) == -1 || (f = fopen(path, "r")) == NULL)
		return NULL;
	buf = xcalloc((size_t)st.st_size + 1, 1);
	n = fread(buf, 1, (size_t)st.st_size, f);
	buf[n] = '\0';
	fclose(f);
	*mtime = st.st_mtime;
	return buf;
}

int
cmd_status(struct cli *c, int argc, char **argv)
{
	struct sbuf	 lj, lt;
	char		 err[ERR_LEN], path[CFG_STR + 8];
	char		*daemon_json, *daemon_txt;
	time_t		 mt_json = 0, mt_txt = 0, age;
	int		 json = 0, rc = EXIT_OK, stale;
	const struct cli_opt opts[] = {
		{ "json", 0, CLI_FLAG, &json, NULL },
	};

	if ((rc = cli_opts("status", usage, opts, NELEM(opts), argc, argv, 1,
	    NULL)) != CLI_GO_ON)
		return rc;
	rc = EXIT_OK;
	if (cli_load_config(c) == -1)
		return EXIT_ERROR;
	sbuf_init(&lj);
	sbuf_init(&lt);
	if (leader_info(c, &lj, &lt, err) == -1) {
		sbuf_reset(&lj);
		sbuf_add(&lj, "{\"error\":");
		sbuf_json_str(&lj, err);
		sbuf_add(&lj, "}");
		sbuf_add(&lt, "leader: unknown: %s\n", err);
		rc = EXIT_ERROR;
	} else if (c->cfg.daemon.shard_by == SHARD_BY_CLUSTER &&
	    status_shards(c, &lj, &lt, err) == -1) {
		sbuf_add(&lt, "shards: unknown: %s\n", err);
		rc = EXIT_ERROR;
	}
	daemon_json = slurp(c->cfg.daemon.status_file, &mt_json);
	snprintf(path, sizeof(path), "%s.txt", c->cfg.daemon.status_file);
	daemon_txt = slurp(path, &mt_txt);
	age = time(NULL) - mt_json;
	/* three ticks without a write: the local daemon is not ticking */
	stale = daemon_json == NULL || (uint64_t)age * 1000 >
	    3 * c->cfg.daemon.tick_interval_ms + 2000;
	if (json) {
		/* lj: the leader object, then (sharded) ,"instances" and
		 * ,"shards" as top-level keys */
		printf("{\"leader\":%s,\"local_daemon\":", lj.s);
		if (daemon_json == NULL)
			printf("null");
		else {
			/* the file ends with a newline: strip it */
			daemon_json[strcspn(daemon_json, "\n")] = '\0';
			printf("%s", daemon_json);
		}
		printf(",\"local_daemon_stale\":%s,\"status_age_s\":%lld}\n",
		    stale ? "true" : "false",
		    daemon_json ? (long long)age : -1LL);
	} else {
		fputs(lt.s, stdout);
		if (daemon_txt == NULL)
			printf("no local daemon status at %s: is `hawatch run` "
			    "running here?\n", c->cfg.daemon.status_file);
		else {
			if (stale)
				printf("WARNING: status is %llds old: the local "
				    "daemon is not ticking\n", (long long)age);
			fputs(daemon_txt, stdout);
		}
	}
	if (stale && rc == EXIT_OK)
		rc = EXIT_ERROR;
	free(daemon_json);
	free(daemon_txt);
	sbuf_free(&lj);
	sbuf_free(&lt);
	return rc;
}
