/*
 * cmd_config_check.c -- `hawatch config-check`: load and validate the
 * config (ntpd -n style) and print the parsed values without secrets.
 */
#include <stdio.h>

#include "cli.h"

int
cmd_config_check(struct cli *c, int argc, char **argv)
{
	char	buf[8192];

	(void)argv;
	if (argc > 1) {
		cli_usage_error("config-check", "takes no arguments");
		return EXIT_USAGE;
	}
	if (cli_load_config(c) == -1)
		return EXIT_ERROR;
	if (config_dump(&c->cfg, buf, sizeof(buf)) == -1) {
		fprintf(stderr, "hawatch: config-check: dump too long\n");
		return EXIT_ERROR;
	}
	printf("%s: configuration OK\n%s", c->config_path, buf);
	return EXIT_OK;
}
