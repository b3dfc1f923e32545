/*
 * main.c -- hawatch entry point: global options, then one subcommand.
 *
 *   hawatch [--config FILE] [--log-level LEVEL] COMMAND [ARGS...]
 *
 * No logic lives here: each command is a function in src/cmd/cmd_*.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "cli.h"
#include "log.h"
#include "util.h"
#include "version.h"

#define HAWATCH_VERSION	"0.1.0"

struct command {
	const char	*name;
	int		(*fn)(struct cli *, int, char **);
	const char	*help;
};

static const struct command commands[] = {
	{ "run", cmd_run,
	    "the daemon: watch, fence, reconcile (systemd Type=notify)" },
	{ "status", cmd_status,
	    "the local daemon's view of every host, and who leads" },
	{ "reconcile", cmd_reconcile,
	    "stop and re-queue the VMs of a fenced host" },
	{ "sweep", cmd_sweep,
	    "resume domains left paused (failed backups); stale backup rows" },
	{ "doctor", cmd_doctor,
	    "check database grants, backup mounts, pools, BMCs, libvirt" },
	{ "maintenance", cmd_maintenance,
	    "exclude a host from fencing (on|off --host ID)" },
	{ "alerts", cmd_alerts,
	    "host alerts only an operator ends (list; clear --host ID --kind)" },
	{ "console", cmd_console,
	    "the console output captured over SOL when a host was fenced" },
	{ "config-check", cmd_config_check,
	    "validate the config file and print it without secrets" },
};

static void
usage(FILE *f)
{
	size_t	i;

	fprintf(f, "usage: hawatch [--config FILE] [--log-level LEVEL] "
	    "COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nThe config defaults to %s.  'hawatch COMMAND --help' "
	    "describes a command.\n", CONFIG_DEFAULT_PATH);
}

int
main(int argc, char **argv)
{
	struct cli	 cli;
	const char	*cmd, *config = NULL, *level = NULL;
	size_t		 i;
	int		 rc, cmd_at, help = 0, version = 0;
	const struct cli_opt opts[] = {
		{ "config", 'c', CLI_VALUE, &config, "FILE" },
		{ "log-level", 0, CLI_VALUE, &level, "LEVEL" },
		{ "help", 'h', CLI_FLAG, &help, NULL },
		{ "version", 0, CLI_FLAG, &version, NULL },
	};

	memset(&cli, 0, sizeof(cli));
	if ((rc = cli_opts(NULL, NULL, opts, NELEM(opts), argc, argv, 1,
	    &cmd_at)) != CLI_GO_ON)
		return rc;
	if (help) {
		usage(stdout);
		return EXIT_OK;
	}
	if (version) {
		version_print(stdout, HAWATCH_VERSION);
		return EXIT_OK;
	}
	cli.config_path = config != NULL ? config : CONFIG_DEFAULT_PATH;
	if (level != NULL) {
		if (log_level_parse(level, &cli.log_level) == -1) {
			fprintf(stderr, "hawatch: --log-level: \"%s\" is not one "
			    "of debug, info, warn, error\n", level);
			return EXIT_USAGE;
		}
		cli.log_level_set = 1;
		log_set_level(cli.log_level);
	}
	if (cmd_at >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[cmd_at];
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, cmd) == 0)
			break;
	if (i == sizeof(commands) / sizeof(commands[0])) {
		fprintf(stderr, "hawatch: unknown command \"%s\"\n", cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (mysql_library_init(0, NULL, NULL) != 0) {
		fprintf(stderr, "hawatch: cannot initialise the MariaDB "
		    "client library\n");
		return EXIT_ERROR;
	}
	rc = commands[i].fn(&cli, argc - cmd_at, argv + cmd_at);
	config_free(&cli.cfg);
	mysql_library_end();
	return rc;
}
