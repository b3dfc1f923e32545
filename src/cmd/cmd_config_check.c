/*
 * cmd_config_check.c -- `hawatch config-check [--dump]`: load and validate
 * the config exactly as `run` does (ntpd -n style); with --dump, print
 * every key's effective value in a stable order, secrets as <set>/<unset>.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int
cmd_config_check(struct cli *c, int argc, char **argv)
{
	int	dump = 0;

	if (argc == 2 && strcmp(argv[1], "--dump") == 0)
		dump = 1;
	else if (argc > 1) {
		cli_usage_error("config-check", "takes no arguments but "
		    "--dump");
		return EXIT_USAGE;
	}
	if (cli_load_config(c) == -1)
		return EXIT_ERROR;
	if (!dump) {
		printf("%s: configuration OK\n", c->config_path);
		return EXIT_OK;
	}
	if (config_dump(&c->cfg, stdout) == -1 || fflush(stdout) == EOF) {
		fprintf(stderr, "hawatch: config-check: cannot write the "
		    "dump\n");
		return EXIT_ERROR;
	}
	return EXIT_OK;
}
