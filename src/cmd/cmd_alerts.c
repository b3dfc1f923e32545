/*
 * cmd_alerts.c -- `hawatch alerts [list] [--json]` and
 * `hawatch alerts clear --host ID --kind KIND [--reason TEXT]`.
 *
 * The host alerts hawatch keeps in its own schema (hawatch.alerts,
 * src/db/alerts.c) because only an operator may end them: a
 * bmc_contradiction (the BMC read off while its host wrote a heartbeat or
 * answered on libvirt) keeps hawatch from trusting that BMC until it is
 * cleared here.  The clear closes the open rows and writes the audit row
 * "alert.cleared" in one transaction; the running daemon reads it back
 * on its next round.  Works while the daemon runs, and across restarts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "cli.h"
#include "log.h"
#include "sbuf.h"
#include "util.h"

#define ALERTS_LIST_MAX	1000	/* rows shown, open ones first */

static const char usage[] =
"usage: hawatch alerts [list] [--json]\n"
"       hawatch alerts clear --host ID --kind KIND [--reason TEXT]\n"
"\n"
"KIND: " ALERT_KIND_CONTRADICTION " (the BMC is trusted again after a\n"
"clear; check its mapping first).  " ALERT_KIND_IDENTITY " ends by itself\n"
"when the BMC's GUID matches the host's SMBIOS UUID.\n";

static void
list_text(const struct alert_row *v, size_t n)
{
	char	 q[3][600];
	size_t	 i;

	printf("%-6s %-6s %-22s %-24s %-8s %s\n", "ID", "HOST", "KIND",
	    "RAISED (UTC)", "STATE", "DETAIL / CLEARED BY, REASON");
	for (i = 0; i < n; i++) {
		/* control characters in stored text are shown escaped */
		log_quote(q[0], sizeof(q[0]), v[i].detail);
		log_quote(q[1], sizeof(q[1]), v[i].cleared_by);
		log_quote(q[2], sizeof(q[2]), v[i].reason);
		printf("%-6llu %-6llu %-22s %-24s %-8s %s", (unsigned long long)
		    v[i].id, (unsigned long long)v[i].host_id, v[i].kind,
		    v[i].raised_at, v[i].cleared ? "cleared" : "OPEN", q[0]);
		if (v[i].cleared)
			printf(" / %s at %s, %s", q[1], v[i].cleared_at, q[2]);
		printf("\n");
	}
}

static void
list_json(const struct alert_row *v, size_t n)
{
	struct sbuf	sb;
	size_t		i;

	sbuf_init(&sb);
	sbuf_add(&sb, "{\"alerts\":[");
	for (i = 0; i < n; i++) {
		sbuf_add(&sb, "%s{\"id\":%llu,\"host\":%llu,\"kind\":",
		    i ? "," : "", (unsigned long long)v[i].id,
		    (unsigned long long)v[i].host_id);
		sbuf_json_str(&sb, v[i].kind);
		sbuf_add(&sb, ",\"raised_at\":");
		sbuf_json_str(&sb, v[i].raised_at);
		sbuf_add(&sb, ",\"raised_by\":");
		sbuf_json_str(&sb, v[i].raised_by);
		sbuf_add(&sb, ",\"detail\":");
		sbuf_json_str(&sb, v[i].detail);
		sbuf_add(&sb, ",\"open\":%s,\"cleared_at\":",
		    v[i].cleared ? "false" : "true");
		sbuf_json_str(&sb, v[i].cleared ? v[i].cleared_at : NULL);
		sbuf_add(&sb, ",\"cleared_by\":");
		sbuf_json_str(&sb, v[i].cleared ? v[i].cleared_by : NULL);
		sbuf_add(&sb, ",\"reason\":");
		sbuf_json_str(&sb, v[i].cleared ? v[i].reason : NULL);
		sbuf_add(&sb, "}");
	}
	sbuf_add(&sb, "]}\n");
	fputs(sb.s, stdout);
	sbuf_free(&sb);
}

static int
alerts_show(struct db *db, int json)
{
	struct alert_row	*v;
	size_t			 n;
	char			 err[ERR_LEN];

	if (alerts_list(db, &v, &n, ALERTS_LIST_MAX, err) == -1) {
		fprintf(stderr, "hawatch: alerts: %s\n", err);
		return EXIT_ERROR;
	}
	if (json)
		list_json(v, n);
	else
		list_text(v, n);
	free(v);
	return EXIT_OK;
}

static int
alerts_do_clear(struct cli *c, struct db *db, uint64_t host,
    const char *kind, const char *reason)
{
	char	err[ERR_LEN];
	int	n;

	if ((n = alerts_clear(db, host, kind, c->actor, reason, err)) == -1) {
		fprintf(stderr, "hawatch: alerts clear: %s\n", err);
		return EXIT_ERROR;
	}
	if (n == 0) {
		printf("host %llu: no open %s alert\n", (unsigned long long)host,
		    kind);
		return EXIT_NOTHING;
	}
	printf("host %llu: %s cleared (%d row%s); the daemon trusts its BMC "
	    "again from its next round\n", (unsigned long long)host, kind, n,
	    n == 1 ? "" : "s");
	return EXIT_OK;
}

/* The checks on clear's options; 0, or the usage exit code (printed). */
static int
clear_args(uint64_t host, const char *kind, const char *reason)
{
	if (host == 0 || kind == NULL) {
		cli_usage_error("alerts", "clear needs --host ID and --kind "
		    "KIND");
		return EXIT_USAGE;
	}
	if (strcmp(kind, ALERT_KIND_CONTRADICTION) != 0) {
		cli_usage_error("alerts", "--kind \"%s\": only %s is cleared "
		    "by hand", kind, ALERT_KIND_CONTRADICTION);
		return EXIT_USAGE;
	}
	if (strlen(reason) > 200 || !config_text_ok(reason)) {
		cli_usage_error("alerts", "--reason must be at most 200 "
		    "characters of UTF-8 text without control characters");
		return EXIT_USAGE;
	}
	return 0;
}

int
cmd_alerts(struct cli *c, int argc, char **argv)
{
	struct db		 db;
	uint64_t		 host = 0;
	const char		*kind = NULL, *reason = NULL;
	const char		*verb = "list";
	int			 r, json = 0, first = 1;
	const struct cli_opt	 opts[] = {
		{ "host", 0, CLI_ID, &host, "ID" },
		{ "kind", 0, CLI_VALUE, &kind, "KIND" },
		{ "reason", 0, CLI_VALUE, &reason, "TEXT" },
		{ "json", 0, CLI_FLAG, &json, NULL },
	};

	if (argc >= 2 && argv[1][0] != '-') {
		verb = argv[1];
		first = 2;
		if (strcmp(verb, "list") != 0 && strcmp(verb, "clear") != 0) {
			cli_usage_error("alerts", "\"%s\": expected list or "
			    "clear", verb);
			return EXIT_USAGE;
		}
	}
	if ((r = cli_opts("alerts", usage, opts, NELEM(opts), argc, argv,
	    first, NULL)) != CLI_GO_ON)
		return r;
	if (reason == NULL)
		reason = "operator cleared";
	if (strcmp(verb, "clear") == 0 &&
	    (r = clear_args(host, kind, reason)) != 0)
		return r;
	if (strcmp(verb, "list") == 0 && (host != 0 || kind != NULL)) {
		cli_usage_error("alerts", "list takes only --json");
		return EXIT_USAGE;
	}
	if (cli_load_config(c) == -1)
		return EXIT_ERROR;
	if (cli_db_open(c, &db, strcmp(verb, "clear") == 0 ? 1 : -1) == -1)
		return EXIT_ERROR;
	if (strcmp(verb, "clear") == 0)
		r = alerts_do_clear(c, &db, host, kind, reason);
	else
		r = alerts_show(&db, json);
	db_close(&db);
	return r;
}
