/*
 * check_cli_opts.c -- unit tests for the commands' option-table parser
 * (cli_opts in src/cli.c): exact names only, a missing value reported as
 * missing and naming the option, values given once, no stray arguments.
 * Each case asserts the exit code, what was set, and the message printed.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "util.h"

static uint64_t		 host;
static int		 confirm, json;
static const char	*reason;
static char		 msg[1024];

static const struct cli_opt opts[] = {
	{ "host", 0, CLI_ID, &host, "ID" },
	{ "confirm-fenced", 0, CLI_FLAG, &confirm, NULL },
	{ "json", 'j', CLI_FLAG, &json, NULL },
	{ "reason", 0, CLI_VALUE, &reason, "TEXT" },
};

/* run cli_opts on a space-separated command line; stderr into msg */
static int
parse(const char *line, int *next)
{
	static char buf[256];		/* reason points into it */
	char	*argv[16], *tok, *save = NULL;
	int	 argc = 0, rc, saved, fd;
	FILE	*f;

	host = 0;
	confirm = json = 0;
	reason = NULL;
	snprintf(buf, sizeof(buf), "cmd %s", line);
	for (tok = strtok_r(buf, " ", &save); tok != NULL && argc < 15;
	    tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	ck_assert_ptr_nonnull(f = tmpfile());
	fflush(stderr);
	saved = dup(2);
	dup2(fileno(f), 2);
	rc = cli_opts("cmd", "usage: cmd\n", opts, NELEM(opts), argc, argv, 1,
	    next);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	fd = (int)fread(msg, 1, sizeof(msg) - 1, f);
	msg[fd > 0 ? fd : 0] = '\0';
	fclose(f);
	return rc;
}

START_TEST(test_good)
{
	ck_assert_int_eq(parse("--host 6 --confirm-fenced -j --reason x",
	    NULL), CLI_GO_ON);
	ck_assert_uint_eq(host, 6);
	ck_assert_int_eq(confirm, 1);
	ck_assert_int_eq(json, 1);
	ck_assert_str_eq(reason, "x");
	ck_assert_int_eq(parse("--host=7 --reason=-x", NULL), CLI_GO_ON);
	ck_assert_uint_eq(host, 7);
	ck_assert_str_eq(reason, "-x");
	ck_assert_str_eq(msg, "");
}
END_TEST

/* issue 11: --c must not mean --confirm-fenced */
START_TEST(test_no_prefix_guessing)
{
	ck_assert_int_eq(parse("--host 6 --c", NULL), EXIT_USAGE);
	ck_assert_int_eq(confirm, 0);
	ck_assert_ptr_nonnull(strstr(msg, "unknown option --c\n"));
	ck_assert_int_eq(parse("--confirm", NULL), EXIT_USAGE);
	ck_assert_int_eq(parse("--jso", NULL), EXIT_USAGE);
	ck_assert_int_eq(parse("--hos 6", NULL), EXIT_USAGE);
	ck_assert_uint_eq(host, 0);
	ck_assert_int_eq(parse("--json-x", NULL), EXIT_USAGE);
}
END_TEST

/* issue 11: a missing value is reported as missing, naming the option */
START_TEST(test_missing_value)
{
	ck_assert_int_eq(parse("--host", NULL), EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(msg, "--host: missing value (--host ID)"));
	ck_assert_int_eq(parse("--host --confirm-fenced", NULL), EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(msg, "--host: missing value"));
	ck_assert_int_eq(confirm, 0);
	ck_assert_int_eq(parse("--host=", NULL), EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(msg, "--host: missing value"));
	ck_assert_int_eq(parse("--host 6 --reason", NULL), EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(msg, "--reason: missing value "
	    "(--reason TEXT)"));
}
END_TEST

START_TEST(test_other_errors)
{
	ck_assert_int_eq(parse("--host abc", NULL), EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(msg, "is not an id"));
	ck_assert_int_eq(parse("--host 6 --host 7", NULL), EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(msg, "--host given twice"));
	ck_assert_int_eq(parse("--json=1", NULL), EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(msg, "--json takes no value"));
	ck_assert_int_eq(parse("--host 6 extra", NULL), EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(msg, "unexpected argument \"extra\""));
	ck_assert_int_eq(parse("-- --json", NULL), EXIT_USAGE);
	ck_assert_int_eq(json, 0);
	ck_assert_int_eq(parse("--help", NULL), EXIT_OK);
	ck_assert_int_eq(parse("--host 6 -h", NULL), EXIT_OK);
}
END_TEST

START_TEST(test_stop_at_command)
{
	int	next = 0;

	ck_assert_int_eq(parse("-j status --host", &next), CLI_GO_ON);
	ck_assert_int_eq(json, 1);
	ck_assert_int_eq(next, 2);
	ck_assert_int_eq(parse("-j", &next), CLI_GO_ON);
	ck_assert_int_eq(next, 2);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("cli_opts");
	TCase	*tc = tcase_create("parse");
	SRunner	*sr;
	int	 nf;

	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_no_prefix_guessing);
	tcase_add_test(tc, test_missing_value);
	tcase_add_test(tc, test_other_errors);
	tcase_add_test(tc, test_stop_at_command);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
