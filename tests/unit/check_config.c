/*
 * check_config.c -- unit tests for the config loader (src/config.c).
 *
 * Each case writes a small file into a private temporary directory, loads
 * it, and asserts the outcome: the parsed values, or the exact place and
 * reason of the refusal.  The shipped example config/hawatch.conf must load
 * and equal the built-in defaults (every key documented there is real).
 */
#include <sys/stat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

static char	dir[64];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/hawatch-cfgtest.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char	cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *
write_file(const char *name, const char *text, mode_t mode)
{
	static char	path[128];
	FILE		*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

/* load text; return 0/-1 and the error */
static int
load(const char *text, struct config *c, char *err)
{
	const char	*p = write_file("t.conf", text, 0600);
	int		 r;

	err[0] = '\0';
	r = config_load(c, p, err);
	return r;
}

START_TEST(test_example_equals_defaults)
{
	struct config	 c, d;
	char		 err[ERR_LEN], path[128], cmd[512];
	const char	*top = getenv("HAWATCH_TOP");

	snprintf(path, sizeof(path), "%s/ex.conf", dir);
	/* the example leaves the user to db.properties: name one here */
	snprintf(cmd, sizeof(cmd), "sed 's/^\t# user = \"cloud\";/\tuser = "
	    "\"cloud\";/' %s/config/hawatch.conf > %s && chmod 600 %s",
	    top ? top : ".", path, path);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_msg(config_load(&c, path, err) == 0, "%s", err);
	config_defaults(&d);
	ck_assert_uint_eq(c.daemon.dead_after_ms, d.daemon.dead_after_ms);
	ck_assert_uint_eq(c.daemon.fence_timeout_ms, d.daemon.fence_timeout_ms);
	ck_assert_uint_eq(c.daemon.bmc_poll_interval_ms,
	    d.daemon.bmc_poll_interval_ms);
	ck_assert_uint_eq(c.daemon.storm_fraction_permille,
	    d.daemon.storm_fraction_permille);
	ck_assert_uint_eq(c.daemon.rearm_after_ms, d.daemon.rearm_after_ms);
	ck_assert_uint_eq(c.daemon.startup_grace_ms, d.daemon.startup_grace_ms);
	ck_assert_uint_eq(c.daemon.fence_quiet_ms, d.daemon.fence_quiet_ms);
	ck_assert_uint_eq(c.daemon.hb_read_deadline_ms,
	    d.daemon.hb_read_deadline_ms);
	ck_assert_uint_eq(c.db.ms_dead_after_ms, d.db.ms_dead_after_ms);
	ck_assert_uint_eq(c.db.lock_wait_timeout_s, d.db.lock_wait_timeout_s);
	ck_assert_uint_eq(c.bmc.session_timeout_ms, d.bmc.session_timeout_ms);
	ck_assert_uint_eq(c.sweep.pause_grace_ms, d.sweep.pause_grace_ms);
	ck_assert_uint_eq(c.sweep.backup_timeout_ms, d.sweep.backup_timeout_ms);
	ck_assert_uint_eq(c.sweep.job_stall_after_ms,
	    d.sweep.job_stall_after_ms);
	ck_assert_str_eq(c.sweep.uri_template, d.sweep.uri_template);
	ck_assert_str_eq(c.db.name, "cloud");
	config_free(&c);
}
END_TEST

START_TEST(test_values_parsed)
{
	struct config	c;
	char		err[ERR_LEN];

	ck_assert_msg(load("database = { host = \"db1\"; port = 3307; "
	    "name = \"cs\"; password = \"pw\"; lock_wait_timeout = 2; };\n"
	    "daemon = { dead_after = \"3s\"; tick_interval = \"250ms\"; "
	    "storm_fraction = 0.75; agent_heartbeat_interval = \"1s\"; "
	    "storm_guard = false; agent_heartbeat_timeout = \"1s\"; };\n"
	    "pools = ( { id = 4; url = \"nfs://127.0.0.1/export?version=4\"; },"
	    " { id = 9; path = \"/mnt/p\"; } );\n"
	    "bmc = { workarounds = \"opensesspriv\"; hosts = ( { host_id = 6; "
	    "address = \"127.0.0.1\"; port = 16231; password = \"b\"; } ); };\n"
	    "sweep = { optout = [ \"i-2-10-VM\", \"r-4-VM\" ]; pause_grace = "
	    "\"1m\"; };\n"
	    "reconcile = { requeue_max = 5; requeue_after = \"2s\"; };\n",
	    &c, err) == 0, "%s", err);
	ck_assert_str_eq(c.db.host, "db1");
	ck_assert_uint_eq(c.db.port, 3307);
	ck_assert_str_eq(c.db.password, "pw");
	ck_assert_uint_eq(c.daemon.dead_after_ms, 3000);
	ck_assert_uint_eq(c.daemon.tick_interval_ms, 250);
	ck_assert_uint_eq(c.daemon.storm_fraction_permille, 750);
	ck_assert_int_eq(c.daemon.storm_guard, 0);
	ck_assert_uint_eq(c.npools, 2);
	ck_assert_uint_eq(c.pools[1].id, 9);
	ck_assert_str_eq(c.pools[1].spec, "/mnt/p");
	ck_assert_uint_eq(c.bmc.nhosts, 1);
	ck_assert_uint_eq(c.bmc.hosts[0].port, 16231);
	ck_assert_str_eq(c.bmc.hosts[0].password, "b");
	ck_assert_uint_eq(c.sweep.noptout, 2);
	ck_assert_str_eq(c.sweep.optout[1], "r-4-VM");
	ck_assert_uint_eq(c.sweep.pause_grace_ms, 60000);
	ck_assert_uint_eq(c.reconcile.requeue_max, 5);
	ck_assert_uint_eq(c.reconcile.requeue_after_ms, 2000);
	config_free(&c);
}
END_TEST

/* bad input: the error names file:line and the key, and says why */
static const struct bad {
	const char	*text;
	const char	*want;	/* substring of the error */
} bad[] = {
	{ "daemon = {\n dead_after = 30;\n};\n", "t.conf:2: daemon.dead_after "
	    "must be a duration string" },
	{ "daemon = {\n dead_after = \"30 parsecs\";\n};\n", "t.conf:2: "
	    "daemon.dead_after: duration \"30 parsecs\" needs a unit" },
	{ "database = {\n\n nmae = \"x\";\n};\n", "t.conf:3: unknown key "
	    "database.nmae" },
	{ "tick = 1;\n", "t.conf:1: unknown key tick" },
	{ "database = { port = 70000; };\n", "database.port = 70000 is out of "
	    "range" },
	{ "daemon = { storm_fraction = 1.5; };\n", "must be > 0 and <= 1" },
	{ "daemon = { storm_guard = 1; };\n", "storm_guard must be true or "
	    "false" },
	{ "daemon = { self_fence_after = \"5m\"; };\n", "daemon.self_fence_after"
	    " = 300000ms is below 415000ms" },
	{ "daemon = { dead_after = \"30s\"; };\n", "must exceed "
	    "daemon.agent_heartbeat_interval" },
	{ "database = { password = \"a\"; password_file = \"/x\"; };\n",
	    "either password or password_file" },
	{ "database = { name = \"cloud\"; hawatch_name = \"cloud\"; };\n",
	    "must differ from database.name" },
	{ "database = { name = \"cl;oud\"; };\n", "letters, digits or "
	    "underscores" },
	{ "pools = ( { id = 1; url = \"http://x\"; } );\n", "pools url must "
	    "start with nfs://" },
	{ "pools = ( { id = 1; path = \"/a\"; }, { id = 1; path = \"/b\"; } );\n",
	    "pools: id 1 listed twice" },
	{ "pools = ( { path = \"/a\"; } );\n", "needs id and url or path" },
	{ "bmc = { hosts = ( { address = \"x\"; } ); };\n", "needs host_id" },
	{ "bmc = { session_timeout = \"500ms\"; retransmission_timeout = "
	    "\"500ms\"; };\n", "must be below bmc.session_timeout" },
	{ "sweep = { uri_template = \"qemu+tls://host/system\"; };\n",
	    "must contain {ip}" },
	{ "sweep = { optout = [ \"\" ]; };\n", "sweep.optout[0] must be a "
	    "non-empty string" },
	{ "log_level = \"loud\";\n", "log_level must be one of" },
	{ "reconcile = {\n requeue_max = 101;\n};\n", "t.conf:2: "
	    "reconcile.requeue_max = 101 is out of range" },
	{ "reconcile = { requeue_afte = \"1s\"; };\n", "unknown key "
	    "reconcile.requeue_afte" },
	{ "bmc = {\n privilege = \"god\";\n};\n", "t.conf:2: bmc.privilege" },
	{ "bmc = { workarounds = \"opensesspriv,nosuch\"; };\n",
	    "bmc.workarounds" },
	{ "bmc = { hosts = ( { host_id = 3; privilege = \"x\"; } ); };\n",
	    "bmc.hosts[0] (host 3) privilege" },
	{ "database = { host = \"x\"\n", "t.conf:2: syntax error" },
	/* issue 11: config-check refuses what run refuses */
	{ "bmc = {\n workers = 65;\n};\n", "t.conf:2: bmc.workers = 65 is "
	    "out of range 1..64" },
	{ "daemon = {\n instance_name = \"ha\xff" "1\";\n};\n", "t.conf:2: "
	    "daemon.instance_name is not valid UTF-8" },
	{ "daemon = { instance_name = \"\xc0\xaf\"; };\n", "not valid UTF-8" },
	{ "daemon = { instance_name = \"a\\tb\"; };\n", "control character" },
	{ "sweep = { optout = [ \"\xed\xa0\x80\" ]; };\n",
	    "sweep.optout[0] is not valid UTF-8" },
	{ "bmc = { cipher_suite = 4; };\n", "cipher_suite 4 is not supported" },
	{ "bmc = { user = \"abcdefghijklmnopq\"; };\n", "user is longer than "
	    "16 bytes" },
	{ "bmc = { hosts = ( { host_id = 3; cipher_suite = 5; } ); };\n",
	    "bmc.hosts[0] (host 3): cipher_suite 5" },
	{ "bmc = { hosts = ( {\n host_id = 3;\n address = \"a b\"; } ); };\n",
	    "t.conf:3: bmc.hosts[0].address: bmc address 'a b': bad character" },
	{ "pools = ( { id = 1; url = \"nfs://a/b\"; path = \"/c\"; } );\n",
	    "pools: give url or path, not both" },
	{ "bmc = { hosts = ( { host_id = 3; }, { host_id = 3; } ); };\n",
	    "host_id 3 listed twice" },
};

START_TEST(test_bad_input)
{
	struct config	c;
	char		err[ERR_LEN];

	c.daemon.dead_after_ms = 12345;		/* must stay untouched */
	ck_assert_int_eq(load(bad[_i].text, &c, err), -1);
	ck_assert_msg(strstr(err, bad[_i].want) != NULL,
	    "case %d: want \"%s\" in \"%s\"", _i, bad[_i].want, err);
	ck_assert_uint_eq(c.daemon.dead_after_ms, 12345);
}
END_TEST

START_TEST(test_permissions)
{
	struct config	 c;
	char		 err[ERR_LEN], text[256], pw[128];
	const char	*p;

	p = write_file("open.conf", "log_level = \"info\";\n", 0644);
	ck_assert_int_eq(config_load(&c, p, err), -1);
	ck_assert_msg(strstr(err, "mode 0644") && strstr(err, "chmod 600"),
	    "%s", err);
	p = write_file("group.conf", "log_level = \"info\";\n", 0640);
	ck_assert_int_eq(config_load(&c, p, err), -1);

	snprintf(pw, sizeof(pw), "%s", write_file("db.pass", "s3cret-value\n",
	    0644));
	snprintf(text, sizeof(text), "database = { password_file = \"%s\"; };\n",
	    pw);
	ck_assert_int_eq(load(text, &c, err), -1);
	ck_assert_msg(strstr(err, "t.conf:1:") && strstr(err, "chmod 600"),
	    "%s", err);
	ck_assert_ptr_null(strstr(err, "s3cret"));
	chmod(pw, 0600);
	ck_assert_msg(load(text, &c, err) == 0, "%s", err);
	ck_assert_str_eq(c.db.password, "s3cret-value");
	config_free(&c);
	ck_assert_str_eq(c.db.password, "");
}
END_TEST

/* owned by someone else: chown when we can, else a file root owns */
static const char *
foreign_file(const char *name, const char *text)
{
	const char	*p;

	if (geteuid() != 0)
		return "/etc/passwd";
	p = write_file(name, text, 0600);
	ck_assert_int_eq(chown(p, 65534, 65534), 0);
	return p;
}

START_TEST(test_foreign_owner)
{
	struct config	 c;
	char		 err[ERR_LEN], text[256], pw[128];

	c.daemon.dead_after_ms = 12345;
	ck_assert_int_eq(config_load(&c, foreign_file("f.conf",
	    "log_level = \"info\";\n"), err), -1);
	ck_assert_msg(strstr(err, "config file") && strstr(err, "is owned by "
	    "uid") && strstr(err, "run: chown"), "%s", err);
	snprintf(pw, sizeof(pw), "%s", foreign_file("f.pass", "pw\n"));
	snprintf(text, sizeof(text), "database = {\n password_file = \"%s\";"
	    " };\n", pw);
	ck_assert_int_eq(load(text, &c, err), -1);
	ck_assert_msg(strstr(err, "t.conf:2: database.password_file: "
	    "password file") && strstr(err, "is owned by uid"), "%s", err);
	ck_assert_uint_eq(c.daemon.dead_after_ms, 12345);
}
END_TEST

START_TEST(test_nul_in_password_file)
{
	struct config	 c;
	char		 err[ERR_LEN], text[256], path[128];
	FILE		*f;

	snprintf(path, sizeof(path), "%s/nul.pass", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fwrite("sec\0ret\n", 1, 8, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, 0600), 0);
	snprintf(text, sizeof(text), "bmc = { password_file = \"%s\"; };\n",
	    path);
	ck_assert_int_eq(load(text, &c, err), -1);
	ck_assert_msg(strstr(err, "t.conf:1: bmc.password_file") &&
	    strstr(err, "contains a NUL byte"), "%s", err);
	ck_assert_ptr_null(strstr(err, "sec"));
}
END_TEST

START_TEST(test_size_limit)
{
	struct config	 c;
	char		 err[ERR_LEN], *big;
	size_t		 n = CONFIG_MAX_BYTES + 1;
	const char	*p;

	big = malloc(n + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, '#', n);
	big[n - 1] = '\n';
	big[n] = '\0';
	p = write_file("big.conf", big, 0600);
	ck_assert_int_eq(config_load(&c, p, err), -1);
	ck_assert_msg(strstr(err, "big.conf is 1048577 bytes, more than the "
	    "limit of 1048576"), "%s", err);
	big[n - 2] = '\n';	/* exactly the limit: fine */
	big[n - 1] = '\0';
	memcpy(big, "database={user=\"c\";};\n", 22);
	p = write_file("max.conf", big, 0600);
	ck_assert_msg(config_load(&c, p, err) == 0, "%s", err);
	config_free(&c);
	free(big);
	/* a NUL byte would hide the rest of the file from libconfig */
	p = write_file("nul.conf", "log_level = \"info\";\n", 0600);
	ck_assert_int_eq(truncate(p, 40), 0);
	ck_assert_int_eq(config_load(&c, p, err), -1);
	ck_assert_msg(strstr(err, "contains a NUL byte"), "%s", err);
}
END_TEST

START_TEST(test_secrets_never_dumped)
{
	struct config	 c;
	char		 err[ERR_LEN], *buf = NULL;
	size_t		 len = 0;
	FILE		*f;

	ck_assert_msg(load("database = { password = \"topsecret1\"; };\n"
	    "bmc = { password = \"topsecret2\"; hosts = ( { host_id = 3; "
	    "password = \"topsecret3\"; }, { host_id = 4; } ); };\n", &c,
	    err) == 0, "%s", err);
	ck_assert_ptr_nonnull(f = open_memstream(&buf, &len));
	ck_assert_int_eq(config_dump(&c, f), 0);
	fclose(f);
	ck_assert_ptr_null(strstr(buf, "topsecret"));
	ck_assert_ptr_nonnull(strstr(buf, "database.password = <set>;"));
	ck_assert_ptr_nonnull(strstr(buf, "bmc.password = <set>;"));
	ck_assert_ptr_nonnull(strstr(buf, "bmc.hosts[0].password = <set>;"));
	ck_assert_ptr_nonnull(strstr(buf, "bmc.hosts[1].password = <inherit>;"));
	free(buf);
	config_free(&c);
}
END_TEST

START_TEST(test_duration_units)
{
	uint64_t	ms;
	char		err[ERR_LEN];

	ck_assert_int_eq(config_parse_duration("250ms", &ms, err), 0);
	ck_assert_uint_eq(ms, 250);
	ck_assert_int_eq(config_parse_duration("2m", &ms, err), 0);
	ck_assert_uint_eq(ms, 120000);
	ck_assert_int_eq(config_parse_duration("1h", &ms, err), 0);
	ck_assert_uint_eq(ms, 3600000);
	ck_assert_int_eq(config_parse_duration("-1s", &ms, err), -1);
	ck_assert_int_eq(config_parse_duration("5", &ms, err), -1);
	ck_assert_int_eq(config_parse_duration("99999999999999999999s", &ms,
	    err), -1);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc = tcase_create("load");
	SRunner	*sr;
	int	 nf;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_example_equals_defaults);
	tcase_add_test(tc, test_values_parsed);
	tcase_add_loop_test(tc, test_bad_input, 0, (int)NELEM(bad));
	tcase_add_test(tc, test_permissions);
	tcase_add_test(tc, test_foreign_owner);
	tcase_add_test(tc, test_nul_in_password_file);
	tcase_add_test(tc, test_size_limit);
	tcase_add_test(tc, test_secrets_never_dumped);
	tcase_add_test(tc, test_duration_units);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
