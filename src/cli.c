/*
 * cli.c -- helpers shared by the subcommands (see cli.h).
 */
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hw_schema.h"
#include "log.h"
#include "util.h"

int
cli_load_config(struct cli *c)
{
	char		 err[ERR_LEN], host[128];
	struct passwd	*pw;

	if (config_load(&c->cfg, c->config_path, err) == -1) {
		fprintf(stderr, "hawatch: config: %s\n", err);
		return -1;
	}
	log_set_level(c->log_level_set ? c->log_level : c->cfg.log_level);
	if (gethostname(host, sizeof(host)) == -1)
		strcpy(host, "unknown");
	host[sizeof(host) - 1] = '\0';
	pw = getpwuid(getuid());
	snprintf(c->actor, sizeof(c->actor), "operator:%s@%s",
	    pw != NULL ? pw->pw_name : "unknown", host);
	return 0;
}

int
cli_db_open(struct cli *c, struct db *db, int schema)
{
	char	err[ERR_LEN];

	if (db_connect(db, &c->cfg.db, err) == -1) {
		fprintf(stderr, "hawatch: %s\n", err);
		return -1;
	}
	if ((schema == 1 && hw_schema_ensure(db, err) == -1) ||
	    (schema == 0 && hw_schema_check(db, err) == -1)) {
		fprintf(stderr, "hawatch: %s\n", err);
		db_close(db);
		return -1;
	}
	return 0;
}

int
cli_parse_id(const char *opt, const char *s, uint64_t *out)
{
	if (parse_u64(s, out) == -1 || *out == 0) {
		fprintf(stderr, "hawatch: %s: \"%s\" is not an id (a positive "
		    "integer)\n", opt, s);
		return -1;
	}
	return 0;
}

void
cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "hawatch %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nrun 'hawatch %s --help' for usage\n", cmd);
}
