/*
 * cli.h -- what every subcommand shares: exit codes, the global options,
 * loading the config and opening the database, and who "I" am for audit.
 *
 * Exit codes (documented in docs/hawatch.8.md and README):
 *   0  EXIT_OK       done; for reconcile: something was reconciled (or, in
 *                    a dry run, would be)
 *   1  EXIT_ERROR    error: database unreachable, bad config, unknown host,
 *                    bad input; nothing was half-written
 *   2  EXIT_USAGE    bad command line
 *   3  EXIT_NOTHING  nothing to do
 *   4  EXIT_REFUSED  refused: host not confirmed fenced; nothing written
 *   5  EXIT_SKIPPED  every candidate changed concurrently; nothing written
 */
#ifndef HAWATCH_CLI_H
#define HAWATCH_CLI_H

#include "config.h"
#include "db.h"

#define EXIT_OK		0
#define EXIT_ERROR	1
#define EXIT_USAGE	2
#define EXIT_NOTHING	3
#define EXIT_REFUSED	4
#define EXIT_SKIPPED	5

struct cli {
	const char	*config_path;
	struct config	 cfg;
	char		 actor[300];	/* for audit rows */
	int		 log_level_set;	/* --log-level overrides the file */
	enum log_level	 log_level;
};

/* load cfg (exits the process with EXIT_ERROR on failure, message printed) */
int	cli_load_config(struct cli *);
/*
 * connect; 0 or -1 with the error printed.  schema: 1 create/migrate
 * hawatch's schema, 0 require it, -1 leave it to the command.
 */
int	cli_db_open(struct cli *, struct db *, int schema);
int	cli_parse_id(const char *opt, const char *s, uint64_t *out);

/*
 * One option table per command, parsed by cli_opts().  Long options match
 * exactly (no getopt-style prefix guessing: --c is not --confirm-fenced);
 * a value is "--name VALUE" or "--name=VALUE", and a missing one (end of
 * arguments, or a next argument that is an option) is reported as missing.
 * An option that takes a value may be given once.  "-h"/"--help" prints
 * the usage text to stdout.
 */
enum cli_opt_kind {
	CLI_FLAG,	/* int * set to 1 */
	CLI_VALUE,	/* const char ** set to the value */
	CLI_ID,		/* uint64_t * set to a positive integer */
};

struct cli_opt {
	const char		*name;		/* "host" for --host */
	char			 short_name;	/* 'c' for -c, or 0 */
	enum cli_opt_kind	 kind;
	void			*dst;
	const char		*metavar;	/* "ID", for messages */
};

#define CLI_GO_ON	(-1)
/*
 * Parse argv[*ind..] against opts.  CLI_GO_ON when the command may go on;
 * otherwise the exit code (EXIT_OK after --help, EXIT_USAGE with the error
 * printed).  next == NULL: any argument that is not an option is an
 * error; else parsing stops there and *next is its index (argc if none).
 * cmd names the command in messages (NULL: hawatch's global options).
 */
int	cli_opts(const char *cmd, const char *usage, const struct cli_opt *,
	    size_t nopts, int argc, char **argv, int first, int *next);
void	cli_usage_error(const char *cmd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

int	cmd_reconcile(struct cli *, int argc, char **argv);
int	cmd_maintenance(struct cli *, int argc, char **argv);
int	cmd_config_check(struct cli *, int argc, char **argv);
int	cmd_status(struct cli *, int argc, char **argv);
int	cmd_run(struct cli *, int argc, char **argv);
int	cmd_sweep(struct cli *, int argc, char **argv);
int	cmd_doctor(struct cli *, int argc, char **argv);
int	cmd_alerts(struct cli *, int argc, char **argv);
int	cmd_console(struct cli *, int argc, char **argv);

#endif
