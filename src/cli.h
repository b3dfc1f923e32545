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
void	cli_usage_error(const char *cmd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

int	cmd_reconcile(struct cli *, int argc, char **argv);
int	cmd_maintenance(struct cli *, int argc, char **argv);
int	cmd_config_check(struct cli *, int argc, char **argv);
int	cmd_status(struct cli *, int argc, char **argv);
int	cmd_run(struct cli *, int argc, char **argv);
int	cmd_sweep(struct cli *, int argc, char **argv);
int	cmd_doctor(struct cli *, int argc, char **argv);
int	cmd_console(struct cli *, int argc, char **argv);

#endif
