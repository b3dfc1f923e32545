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

	fprintf(stderr, "hawatch%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nrun 'hawatch%s%s --help' for usage\n", cmd ? " " : "",
	    cmd ? cmd : "");
}

/* the option argument a names, or NULL; *value set after "--name=" */
static const struct cli_opt *
cli_opt_find(const struct cli_opt *opts, size_t n, const char *a,
    const char **value)
{
	const char	*eq;
	size_t		 i, len;

	*value = NULL;
	if (a[0] == '-' && a[1] != '-' && a[1] != '\0' && a[2] == '\0') {
		for (i = 0; i < n; i++)
			if (opts[i].short_name == a[1])
				return &opts[i];
		return NULL;
	}
	if (strncmp(a, "--", 2) != 0)
		return NULL;
	a += 2;
	eq = strchr(a, '=');
	len = eq != NULL ? (size_t)(eq - a) : strlen(a);
	for (i = 0; i < n; i++)
		if (strlen(opts[i].name) == len &&
		    strncmp(opts[i].name, a, len) == 0) {
			if (eq != NULL)
				*value = eq + 1;
			return &opts[i];
		}
	return NULL;
}

/* apply one option; CLI_GO_ON or EXIT_USAGE; *used: argv entries taken */
static int
cli_opt_apply(const char *cmd, const struct cli_opt *o, const char *value,
    int argc, char **argv, int i, int *used)
{
	char	flag[64];

	snprintf(flag, sizeof(flag), "--%s", o->name);
	*used = 1;
	if (o->kind == CLI_FLAG) {
		if (value != NULL) {
			cli_usage_error(cmd, "%s takes no value", flag);
			return EXIT_USAGE;
		}
		*(int *)o->dst = 1;
		return CLI_GO_ON;
	}
	if (value == NULL && i + 1 < argc &&
	    !(argv[i + 1][0] == '-' && argv[i + 1][1] != '\0')) {
		value = argv[i + 1];
		*used = 2;
	}
	if (value == NULL || *value == '\0') {
		cli_usage_error(cmd, "%s: missing value (%s %s)", flag, flag,
		    o->metavar ? o->metavar : "VALUE");
		return EXIT_USAGE;
	}
	if ((o->kind == CLI_ID && *(uint64_t *)o->dst != 0) ||
	    (o->kind == CLI_VALUE && *(const char **)o->dst != NULL)) {
		cli_usage_error(cmd, "%s given twice", flag);
		return EXIT_USAGE;
	}
	if (o->kind == CLI_ID)
		return cli_parse_id(flag, value, o->dst) == -1 ? EXIT_USAGE :
		    CLI_GO_ON;
	*(const char **)o->dst = value;
	return CLI_GO_ON;
}

int
cli_opts(const char *cmd, const char *usage, const struct cli_opt *opts,
    size_t nopts, int argc, char **argv, int first, int *next)
{
	const struct cli_opt	*o;
	const char		*value;
	int			 i, used, r;

	for (i = first; i < argc; i += used) {
		used = 1;
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (usage != NULL && (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)) {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		if (argv[i][0] != '-' || argv[i][1] == '\0')
			break;
		if ((o = cli_opt_find(opts, nopts, argv[i], &value)) == NULL) {
			cli_usage_error(cmd, "unknown option %s", argv[i]);
			return EXIT_USAGE;
		}
		r = cli_opt_apply(cmd, o, value, argc, argv, i, &used);
		if (r != CLI_GO_ON)
			return r;
	}
	if (next != NULL) {
		*next = i;
		return CLI_GO_ON;
	}
	if (i < argc) {
		cli_usage_error(cmd, "unexpected argument \"%s\"", argv[i]);
		return EXIT_USAGE;
	}
	return CLI_GO_ON;
}
