/*
 * check_sol.c -- unit tests for console capture's pure parts: the SOL
 * config keys (fence/sol_conf.c through config_load), libipmiconsole
 * workaround names, NUL stripping and the end-of-history marker
 * (fence/sol_capture.c), and the escaping `hawatch console` prints with
 * (src/db/console_log.c).
 */
#include <sys/stat.h>

#include <check.h>
#include <ipmiconsole.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "console_log.h"
#include "sol_capture.h"
#include "util.h"

static char	dir[64];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/hawatch-soltest.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char	cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static int
load(const char *text, struct config *c, char *err)
{
	char	path[128];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/t.conf", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	/* main's loader wants database credentials (or db.properties) */
	fputs("database = { user = \"cloud\"; password = \"x\"; };\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0600), 0);
	err[0] = '\0';
	return config_load(c, path, err);
}

START_TEST(test_keys_parsed_and_resolved)
{
	struct config		c;
	struct sol_settings	s;
	char			err[ERR_LEN];

	ck_assert_msg(load("bmc = { console_bytes = 4096; sol_workarounds = "
	    "\"opensesspriv,solchannelsupport,solpayloadsize\"; hosts = ( "
	    "{ host_id = 2; console_capture = \"off\"; }, { host_id = 3; "
	    "sol_workarounds = \"none\"; sol_steal = true; } ); };\n", &c,
	    err) == 0, "%s", err);
	ck_assert_int_eq(c.bmc.sol.capture, SOL_CAPTURE_AUTO);
	ck_assert_uint_eq(c.bmc.sol.console_bytes, 4096);
	ck_assert_int_eq(sol_conf_resolve(&c.bmc.sol, NULL, &s, err), 0);
	ck_assert_uint_eq(s.workaround_flags,
	    IPMICONSOLE_WORKAROUND_OPEN_SESSION_PRIVILEGE |
	    IPMICONSOLE_WORKAROUND_SKIP_CHANNEL_PAYLOAD_SUPPORT |
	    IPMICONSOLE_WORKAROUND_IGNORE_SOL_PAYLOAD_SIZE);
	ck_assert_int_eq(s.steal, 0);
	ck_assert_int_eq(sol_conf_resolve(&c.bmc.sol, &c.bmc.hosts[0].sol, &s,
	    err), 0);
	ck_assert_int_eq(s.capture, SOL_CAPTURE_OFF);
	ck_assert_uint_ne(s.workaround_flags, 0);
	ck_assert_int_eq(sol_conf_resolve(&c.bmc.sol, &c.bmc.hosts[1].sol, &s,
	    err), 0);
	ck_assert_int_eq(s.capture, SOL_CAPTURE_AUTO);
	ck_assert_int_eq(s.steal, 1);
	ck_assert_uint_eq(s.workaround_flags, 0);
	ck_assert_uint_eq(s.console_bytes, 4096);
	config_free(&c);
}
END_TEST

static const struct {
	const char	*text, *err;
} bad[] = {
	{ "bmc = {\n console_bytes = 10;\n};\n",
	  "t.conf:2: bmc.console_bytes = 10 is out of range 1024..4194304" },
	{ "bmc = {\n sol_workarounds = \"opensesspriv,bogus\";\n};\n",
	  "t.conf:2: bmc.sol_workarounds: unknown name 'bogus'" },
	{ "bmc = {\n console_capture = true;\n};\n",
	  "t.conf:2: bmc.console_capture must be one of \"off\", \"on\", "
	  "\"auto\"" },
	{ "bmc = { hosts = ( { host_id = 4;\n sol_steal = \"yes\"; } ); };\n",
	  "t.conf:2: bmc.hosts[0].sol_steal must be true or false" },
	{ "bmc = { hosts = ( { host_id = 4;\n console_bytes = 2048; } ); };\n",
	  "t.conf:2: unknown key bmc.hosts.[0].console_bytes" },
};

START_TEST(test_bad_keys)
{
	struct config	c;
	char		err[ERR_LEN];

	ck_assert_int_eq(load(bad[_i].text, &c, err), -1);
	ck_assert_msg(strstr(err, bad[_i].err) != NULL ||
	    (_i == 4 && strstr(err, "t.conf:2: unknown key") != NULL),
	    "got \"%s\", want \"%s\"", err, bad[_i].err);
}
END_TEST

START_TEST(test_workaround_names)
{
	unsigned	f;
	char		err[ERR_LEN], buf[256];

	ck_assert_int_eq(sol_workarounds_parse("", &f, err), 0);
	ck_assert_uint_eq(f, 0);
	ck_assert_int_eq(sol_workarounds_parse(" solstatus , sun20", &f, err),
	    0);
	sol_workarounds_format(f, buf, sizeof(buf));
	ck_assert_str_eq(buf, "sun20,solstatus");
	ck_assert_int_eq(sol_workarounds_parse("none,sun20", &f, err), -1);
	ck_assert_int_eq(sol_workarounds_parse("sun20,", &f, err), -1);
}
END_TEST

START_TEST(test_strip_and_marker)
{
	unsigned char	b[] = "\0ab\0\0c\0";
	const char	*h = "boot\r\npanic\r\n<End Of History>\r\n";

	ck_assert_uint_eq(sol_strip_nul(b, sizeof(b) - 1), 3);
	ck_assert_int_eq(memcmp(b, "abc", 3), 0);
	ck_assert_int_eq(sol_history_marker((const unsigned char *)h,
	    strlen(h)), 13);
	ck_assert_int_eq(sol_history_marker((const unsigned char *)h, 20), -1);
}
END_TEST

START_TEST(test_escape)
{
	const unsigned char	in[] = "ok\r\nA\tB\x1b[31m\\ \x7f\xc3\xa9\rX\n";
	struct sbuf		sb;

	sbuf_init(&sb);
	console_escape(in, sizeof(in) - 1, &sb);
	ck_assert_str_eq(sb.s, "ok\nA\\tB\\e[31m\\\\ \\x7f\\xc3\\xa9\\rX\n");
	sbuf_free(&sb);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("sol");
	TCase	*tc = tcase_create("sol");
	SRunner	*sr;
	int	 nf;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_keys_parsed_and_resolved);
	tcase_add_loop_test(tc, test_bad_keys, 0, (int)NELEM(bad));
	tcase_add_test(tc, test_workaround_names);
	tcase_add_test(tc, test_strip_and_marker);
	tcase_add_test(tc, test_escape);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
