/*
 * cmd_console.c -- `hawatch console --host ID [--fence N] [--raw]`.
 *
 * Prints the console output hawatch captured over SOL when it fenced the
 * host (table console_log, see src/db/console_log.h): the newest capture,
 * or the one of fence N (the audit id of its host.fence_requested row).
 * A header on stderr says when, how (history/live) and why it may be
 * short; the bytes go to stdout with control characters escaped unless
 * --raw.  No capture: says so, exit 3 (nothing to do).  Read-only: never
 * creates hawatch's schema.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "console_log.h"
#include "sbuf.h"
#include "util.h"

static const char usage[] =
"usage: hawatch console --host ID [--fence N] [--raw]\n"
"  the host's console output captured over SOL when it was fenced;\n"
"  --fence N: the capture of fence N (audit id of host.fence_requested)\n"
"  --raw:     the bytes as captured (default: control characters escaped)\n";

static void
console_print(const struct console_row *r, int raw)
{
	struct sbuf	sb;

	fprintf(stderr, "host %llu: console captured %s UTC (fence audit %llu,"
	    " %s, %zu bytes%s%s%s)\n", (unsigned long long)r->host_id,
	    r->captured_at, (unsigned long long)r->fence_audit_id, r->source,
	    r->len, r->complete ? "" : ", cut short",
	    r->reason[0] ? "; " : "", r->reason);
	if (raw) {
		fwrite(r->data, 1, r->len, stdout);
		return;
	}
	sbuf_init(&sb);
	console_escape(r->data, r->len, &sb);
	fputs(sb.s ? sb.s : "", stdout);
	if (sb.s != NULL && sb.s[0] != '\0' && sb.s[strlen(sb.s) - 1] != '\n')
		fputc('\n', stdout);
	sbuf_free(&sb);
}

int
cmd_console(struct cli *c, int argc, char **argv)
{
	struct console_row	 r;
	struct db		 db;
	uint64_t		 host = 0, fence = 0;
	char			 err[ERR_LEN];
	int			 rc, raw = 0, found;
	const struct cli_opt	 opts[] = {
		{ "host", 0, CLI_ID, &host, "ID" },
		{ "fence", 0, CLI_ID, &fence, "N" },
		{ "raw", 0, CLI_FLAG, &raw, NULL },
	};

	if ((rc = cli_opts("console", usage, opts, NELEM(opts), argc, argv, 1,
	    NULL)) != CLI_GO_ON)
		return rc;
	if (host == 0) {
		cli_usage_error("console", "needs --host ID");
		return EXIT_USAGE;
	}
	if (cli_load_config(c) == -1)
		return EXIT_ERROR;
	if (cli_db_open(c, &db, -1) == -1)
		return EXIT_ERROR;
	found = console_log_read(&db, host, fence, &r, err);
	db_close(&db);
	if (found == -1) {
		fprintf(stderr, "hawatch: console: %s\n", err);
		return EXIT_ERROR;
	}
	if (found == 0) {
		if (fence != 0)
			printf("host %llu: no console capture for fence %llu\n",
			    (unsigned long long)host,
			    (unsigned long long)fence);
		else
			printf("host %llu: no console capture\n",
			    (unsigned long long)host);
		return EXIT_NOTHING;
	}
	console_print(&r, raw);
	console_row_free(&r);
	return EXIT_OK;
}
