/*
 * main.c -- hawatch entry point: global options, then one subcommand.
 *
 *   hawatch [--config FILE] [--log-level LEVEL] COMMAND [ARGS...]
 *
 * No logic lives here: each command is a function in src/cmd/cmd_*.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "cli.h"
#include "log.h"

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
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli	 cli;
	const char	*cmd;
	size_t		 i;
	int		 ch, rc;

	memset(&cli, 0, sizeof(cli));
	cli.config_path = CONFIG_DEFAULT_PATH;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cli.config_path = optarg;
			break;
		case 'l':
			if (log_level_parse(optarg, &cli.log_level) == -1) {
				fprintf(stderr, "hawatch: --log-level: \"%s\" is "
				    "not one of debug, info, warn, error\n",
				    optarg);
				return EXIT_USAGE;
			}
			cli.log_level_set = 1;
			log_set_level(cli.log_level);
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("hawatch %s\n", HAWATCH_VERSION);
			return EXIT_OK;
		default:
			fprintf(stderr, "hawatch: unknown option %s\n",
			    argv[optind - 1]);
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind];
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
	rc = commands[i].fn(&cli, argc - optind, argv + optind);
	config_free(&cli.cfg);
	mysql_library_end();
	return rc;
}
