/*
 * cmd_config_check.c -- `hawatch config-check [--dump]`: load and validate
 * the config exactly as `run` does (ntpd -n style); with --dump, print
 * every key's effective value in a stable order, secrets as <set>/<unset>.
 */
#include <stdio.h>

#include "cli.h"
#include "util.h"

static const char usage[] =
"usage: hawatch config-check [--dump]\n"
"\n"
"Load and validate the config exactly as `hawatch run` does.  --dump prints\n"
"every key with its effective value (defaults included) in a stable order;\n"
"passwords only as <set> or <unset>.\n"
"Exit: 0 valid, 1 invalid (the error names file:line), 2 usage.\n";

int
cmd_config_check(struct cli *c, int argc, char **argv)
{
	int			dump = 0, rc;
	const struct cli_opt	opts[] = {
		{ "dump", 0, CLI_FLAG, &dump, NULL },
	};

	if ((rc = cli_opts("config-check", usage, opts, NELEM(opts), argc,
	    argv, 1, NULL)) != CLI_GO_ON)
		return rc;
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
