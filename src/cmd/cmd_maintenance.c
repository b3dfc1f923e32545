/*
 * cmd_maintenance.c -- `hawatch maintenance on|off --host ID [--reason T]`
 * and `hawatch maintenance list`.
 *
 * An operator exclusion keeps hawatch from fencing or reconciling a host
 * (the decision core treats it like CloudStack's Maintenance state).  It is
 * a row in hawatch's host_exclusion table plus an audit row, written in one
 * transaction; CloudStack's own tables are untouched.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hw_schema.h"
#include "sbuf.h"
#include "util.h"

static const char usage[] =
"usage: hawatch maintenance on --host ID [--reason TEXT]\n"
"       hawatch maintenance off --host ID\n"
"       hawatch maintenance list\n";

static int
host_exists(struct db *db, uint64_t id, char *err)
{
	char		sql[256], t[160];
	uint64_t	n = 0;

	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s WHERE id = %llu "
	    "AND removed IS NULL", cs_table(db, "host", t, sizeof(t)),
	    (unsigned long long)id);
	if (db_query_u64(db, "read host", sql, &n, err) == -1)
		return -1;
	if (n == 0) {
		set_err(err, "host %llu does not exist in CloudStack's host "
		    "table", (unsigned long long)id);
		return -1;
	}
	return 0;
}

static int
list(struct db *db)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	char		 sql[256], t[160], err[ERR_LEN];
	char		 by[4 * 256], why[4 * 256];

	snprintf(sql, sizeof(sql), "SELECT host_id, excluded_at, actor, reason "
	    "FROM %s ORDER BY host_id", hw_table(db, "host_exclusion", t,
	    sizeof(t)));
	if ((res = db_query(db, "read exclusions", sql, err)) == NULL) {
		fprintf(stderr, "hawatch: %s\n", err);
		return EXIT_ERROR;
	}
	printf("%-8s %-24s %-30s %s\n", "HOST", "SINCE (UTC)", "BY", "REASON");
	while ((row = mysql_fetch_row(res)) != NULL)
		/* actor and reason are free text: escape control characters */
		printf("%-8s %-24s %-30s %s\n", row[0], row[1],
		    str_escape_ctl(by, sizeof(by), row[2]),
		    str_escape_ctl(why, sizeof(why), row[3]));
	mysql_free_result(res);
	return EXIT_OK;
}

/* on/off for one host, audited in the same transaction; the exit code */
static int
maintenance_write(struct cli *c, struct db *db, uint64_t host, int on,
    const char *reason)
{
	struct audit_row	 a;
	struct sbuf		 sb;
	unsigned long long	 affected = 0;
	char			 err[ERR_LEN], t[160];

	if (host_exists(db, host, err) == -1)
		goto fail;
	sbuf_init(&sb);
	if (db_begin(db, err) == -1)
		goto fail_sb;
	if (on) {
		sbuf_add(&sb, "INSERT IGNORE INTO %s (host_id, excluded_at, actor, "
		    "reason) VALUES (%llu, UTC_TIMESTAMP(3), ",
		    hw_table(db, "host_exclusion", t, sizeof(t)),
		    (unsigned long long)host);
		db_quote(db, &sb, c->actor);
		sbuf_add(&sb, ", ");
		db_quote(db, &sb, reason);
		sbuf_add(&sb, ")");
	} else
		sbuf_add(&sb, "DELETE FROM %s WHERE host_id = %llu",
		    hw_table(db, "host_exclusion", t, sizeof(t)),
		    (unsigned long long)host);
	if (db_exec(db, "write exclusion", sb.s, &affected, err) == -1)
		goto fail_txn;
	if (affected > 0) {
		memset(&a, 0, sizeof(a));
		a.action = on ? "host.excluded" : "host.included";
		a.host_id = host;
		a.reason = reason;
		a.evidence = "{}";
		audit_insert_begin(db, &sb);
		audit_insert_row(db, &sb, 1, c->actor, "maintenance", &a);
		if (db_exec(db, "write audit", sb.s, NULL, err) == -1)
			goto fail_txn;
	}
	if (db_commit(db, err) == -1)
		goto fail_sb;
	printf("host %llu: maintenance %s%s\n", (unsigned long long)host,
	    on ? "on" : "off", affected ? "" : " (already)");
	sbuf_free(&sb);
	return affected ? EXIT_OK : EXIT_NOTHING;
fail_txn:
	db_rollback(db);
fail_sb:
	sbuf_free(&sb);
fail:
	fprintf(stderr, "hawatch: maintenance: %s\n", err);
	return EXIT_ERROR;
}

int
cmd_maintenance(struct cli *c, int argc, char **argv)
{
	struct db		 db;
	uint64_t		 host = 0;
	const char		*reason = NULL, *verb;
	int			 r;
	const struct cli_opt	 opts[] = {
		{ "host", 0, CLI_ID, &host, "ID" },
		{ "reason", 0, CLI_VALUE, &reason, "TEXT" },
	};

	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	verb = argv[1];
	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (strcmp(verb, "on") != 0 && strcmp(verb, "off") != 0 &&
	    strcmp(verb, "list") != 0) {
		cli_usage_error("maintenance", "\"%s\": expected on, off or "
		    "list", verb);
		return EXIT_USAGE;
	}
	if ((r = cli_opts("maintenance", usage, opts, NELEM(opts), argc, argv,
	    2, NULL)) != CLI_GO_ON)
		return r;
	if (reason == NULL)
		reason = "operator maintenance";
	if (strcmp(verb, "list") != 0 && host == 0) {
		cli_usage_error("maintenance", "%s needs --host ID", verb);
		return EXIT_USAGE;
	}
	if (strlen(reason) > 200) {
		cli_usage_error("maintenance", "--reason is longer than 200 "
		    "characters");
		return EXIT_USAGE;
	}
	if (cli_load_config(c) == -1)
		return EXIT_ERROR;
	if (cli_db_open(c, &db, strcmp(verb, "list") != 0) == -1)
		return EXIT_ERROR;
	if (strcmp(verb, "list") == 0)
		r = list(&db);
	else
		r = maintenance_write(c, &db, host, strcmp(verb, "on") == 0,
		    reason);
	db_close(&db);
	return r;
}
