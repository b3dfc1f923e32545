/*
 * check_hb_parse.c -- unit tests for the heartbeat content parser (table
 * driven), the escaping of bad bytes, IP validation, pool spec checks (no
 * I/O) and one hb_read_all() round trip on a temporary local directory.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "heartbeat.h"
#include "util.h"

struct pcase {
	const char	*name;
	const char	*in;
	size_t		 len;		/* 0: strlen(in) */
	enum hb_status	 want;
	uint64_t	 value;
	const char	*why;		/* substring of the reason, or NULL */
};

#define OK(n, s, v)		{ n, s, 0, HB_OK, v, NULL }
#define BAD(n, s, w)		{ n, s, 0, HB_GARBAGE, 0, w }
#define BADN(n, s, l, w)	{ n, s, l, HB_GARBAGE, 0, w }

static const struct pcase pcases[] = {
	OK("plain", "1700000000", 1700000000),
	OK("newline", "1700000000\n", 1700000000),
	OK("crlf", "1700000000\r\n", 1700000000),
	OK("trailing spaces", "1700000000 \t \n\n", 1700000000),
	OK("one", "1", 1),
	OK("leading zeros", "0001700000000\n", 1700000000),
	OK("uint64 max", "18446744073709551615", UINT64_MAX),
	OK("max length", "1700000000                      ", 1700000000),
	BAD("empty", "", "empty"),
	BAD("newline only", "\n", "only whitespace"),
	BAD("spaces only", "   ", "only whitespace"),
	BAD("leading space", " 1700000000", "not a digit at offset 0"),
	BAD("letters", "hello\n", "not a digit at offset 0 (6 bytes, text)"),
	BAD("letter inside", "17000a0000",
	    "junk after digits at offset 5 (10 bytes, text)"),
	BAD("negative", "-1700000000", "not a digit"),
	BAD("plus", "+1700000000", "not a digit"),
	BAD("hex", "0x10", "junk after digits at offset 1"),
	BAD("decimal point", "1700000000.5", "junk after digits at offset 10"),
	BAD("two lines", "1700000000\n1700000001\n",
	    "junk after digits at offset 11"),
	BAD("zero", "0", "zero"),
	BAD("zeros", "0000\n", "zero"),
	BAD("overflow by one", "18446744073709551616", "overflows"),
	BAD("overflow", "99999999999999999999", "overflows"),
	BAD("too long", "111111111111111111111111111111111", "too long"),
	BAD("quote and backslash", "\"\\", "(2 bytes, text)"),
	BAD("utf-8", "\xc3\xa9", "not a digit at offset 0 (2 bytes, non-ASCII)"),
	BAD("long junk", "1 abcdefghijklmn", "offset 2 (16 bytes, text)"),
	BAD("escape sequence", "1\x1b[31m", "offset 1 (6 bytes, control characters)"),
	BADN("NUL after digits", "17\0" "00", 5, "offset 2 (5 bytes, NUL bytes)"),
	BADN("NUL only", "\0", 1, "not a digit at offset 0 (1 bytes, NUL"),
	BADN("NUL in whitespace", "17\n\0", 4, "junk after digits at offset 3"),
};

START_TEST(test_parse_table)
{
	const struct pcase	*c = &pcases[_i];
	size_t			 len = c->len ? c->len : strlen(c->in);
	uint64_t		 v = 42;
	char			 why[HB_ERR_LEN];
	enum hb_status		 got;

	memset(why, 'X', sizeof(why));
	got = hb_parse(c->in, len, &v, why);
	ck_assert_msg(got == c->want, "%s: status %s, want %s (why: %s)",
	    c->name, hb_status_name(got), hb_status_name(c->want), why);
	ck_assert_msg(v == c->value, "%s: value %llu, want %llu", c->name,
	    (unsigned long long)v, (unsigned long long)c->value);
	ck_assert_msg(memchr(why, '\0', sizeof(why)) != NULL,
	    "%s: reason not terminated", c->name);
	if (c->want == HB_OK)
		ck_assert_msg(why[0] == '\0', "%s: reason on OK: %s", c->name,
		    why);
	else {
		ck_assert_msg(strstr(why, c->why) != NULL,
		    "%s: reason [%s] lacks [%s]", c->name, why, c->why);
		for (size_t i = 0; why[i] != '\0'; i++)
			ck_assert_msg(why[i] >= 0x20 && why[i] < 0x7f,
			    "%s: raw byte 0x%02x in reason", c->name,
			    (unsigned char)why[i]);
		/* no byte of the content is shown, escaped or not */
		ck_assert_msg(strchr(why, '"') == NULL &&
		    strstr(why, "\\x") == NULL, "%s: content shown: %s",
		    c->name, why);
	}
}
END_TEST

START_TEST(test_escape_bounds)
{
	char	small[6];
	size_t	n;

	n = hb_escape(small, sizeof(small), "\x01\x02", 2);
	ck_assert_uint_eq(n, 4);	/* "\x01" fits, "\x02" does not */
	ck_assert_str_eq(small, "\\x01");
	n = hb_escape(small, 1, "abc", 3);
	ck_assert_uint_eq(n, 0);
	ck_assert_str_eq(small, "");
}
END_TEST

START_TEST(test_status_names)
{
	ck_assert_str_eq(hb_status_name(HB_OK), "ok");
	ck_assert_str_eq(hb_status_name(HB_UNKNOWN), "unknown");
	ck_assert_str_eq(hb_status_name(HB_GARBAGE), "garbage");
	ck_assert_str_eq(hb_status_name(HB_MISSING), "missing");
	ck_assert_str_eq(hb_status_name((enum hb_status)99), "invalid");
}
END_TEST

START_TEST(test_ip_valid)
{
	ck_assert(hb_ip_valid("10.0.0.1"));
	ck_assert(hb_ip_valid("fe80::1"));
	ck_assert(hb_ip_valid("2001:db8:0:0:0:0:0:1"));
	ck_assert(!hb_ip_valid(NULL));
	ck_assert(!hb_ip_valid(""));
	ck_assert(!hb_ip_valid("."));
	ck_assert(!hb_ip_valid(".."));
	ck_assert(!hb_ip_valid("../etc"));
	ck_assert(!hb_ip_valid("10.0.0.1/x"));
	ck_assert(!hb_ip_valid("host-1"));
	ck_assert(!hb_ip_valid("10.0.0.1 "));
	/* 46 chars: longer than any IPv6 text */
	ck_assert(!hb_ip_valid(
	    "1111:2222:3333:4444:5555:6666:7777:8888:999:00"));
}
END_TEST

START_TEST(test_pool_specs)
{
	static const char *bad[] = { "", "relative/dir", "nfs://",
	    "nfs:///export", "http://x/y" };
	struct hb_pool	*p;
	char		 err[ERR_LEN];
	size_t		 i;

	for (i = 0; i < NELEM(bad); i++) {
		err[0] = '\0';
		p = hb_pool_open(bad[i], NULL, err);
		ck_assert_msg(p == NULL, "spec [%s] accepted", bad[i]);
		ck_assert_msg(err[0] != '\0', "no reason for [%s]", bad[i]);
	}
	ck_assert(hb_pool_open(NULL, NULL, err) == NULL);
	/* parse only: nothing listens there, open must still succeed */
	p = hb_pool_open("nfs://127.0.0.1/export?version=4&nfsport=1", NULL,
	    err);
	ck_assert_msg(p != NULL, "nfs spec: %s", err);
	ck_assert_str_eq(hb_pool_kind(p), "nfs");
	hb_pool_close(p);
	p = hb_pool_open("/nonexistent/pool", NULL, err);
	ck_assert_msg(p != NULL, "local spec: %s", err);
	ck_assert_str_eq(hb_pool_kind(p), "local");
	ck_assert_str_eq(hb_pool_spec(p), "/nonexistent/pool");
	hb_pool_close(p);
	hb_pool_close(NULL);
}
END_TEST

START_TEST(test_read_all_args)
{
	struct hb_result	out[1];
	const char		*ips[] = { NULL };

	errno = 0;
	ck_assert_int_eq(hb_read_all(NULL, 1, NULL, 0, 100, out, NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(hb_read_all(NULL, 0, NULL, 0, 100, NULL, NULL), 0);
	ck_assert_int_eq(hb_read_all(NULL, 0, ips, 1, 100, out, NULL), -1);
}
END_TEST

START_TEST(test_read_all_same_pool_twice)
{
	struct hb_pool		*p[2];
	struct hb_result	 out[2];
	const char		*ips[] = { "10.0.0.1" };
	char			 err[ERR_LEN];

	ck_assert((p[0] = hb_pool_open("/nonexistent", NULL, err)) != NULL);
	p[1] = p[0];
	errno = 0;
	ck_assert_int_eq(hb_read_all(p, 2, ips, 1, 100, out, NULL), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* refused without side effects: the pool still works alone */
	ck_assert_int_eq(hb_read_all(p, 1, ips, 1, 2000, out, NULL), 0);
	ck_assert_int_eq(out[0].status, HB_UNKNOWN);
	ck_assert(strstr(out[0].err, "pool directory") != NULL);
	hb_pool_close(p[0]);
}
END_TEST

/* One real round trip on a temporary directory, with the deadline path. */
START_TEST(test_read_all_local)
{
	char			 dir[] = "/tmp/check_hb.XXXXXX", path[256];
	const char		*ips[] = { "10.1.1.1", "10.1.1.2", "bad/ip",
	    "10.1.1.1000000000000000000000000000000000000000000" };
	struct hb_result	 out[4];
	struct hb_pool_status	 pst;
	struct hb_pool		*p;
	char			 err[ERR_LEN];
	FILE			*f;
	int			 i;

	ck_assert(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/KVMHA", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/KVMHA/hb-10.1.1.1", dir);
	ck_assert((f = fopen(path, "w")) != NULL);
	fprintf(f, "1700000123\n");
	fclose(f);
	ck_assert((p = hb_pool_open(dir, NULL, err)) != NULL);

	/* deadline 0: nothing can finish, the worker is left behind */
	ck_assert_int_eq(hb_read_all(&p, 1, ips, 4, 0, out, &pst), 0);
	ck_assert_int_eq(out[0].status, HB_UNKNOWN);
	ck_assert(strstr(out[0].err, "deadline") != NULL);
	ck_assert_int_eq(pst.readable, 0);

	/* the next call waits for that worker, then reads afresh */
	for (i = 0; i < 30; i++) {
		ck_assert_int_eq(hb_read_all(&p, 1, ips, 4, 100, out, &pst), 0);
		if (out[0].status != HB_UNKNOWN)
			break;
	}
	ck_assert_msg(out[0].status == HB_OK, "after %d: %s busy=%d", i,
	    out[0].err, pst.busy);
	ck_assert_uint_eq(out[0].value, 1700000123);
	ck_assert(out[0].mtime_ms > 0);
	ck_assert_int_eq(out[1].status, HB_MISSING);
	ck_assert_int_eq(out[2].status, HB_UNKNOWN);
	ck_assert_str_eq(out[2].err, "invalid host ip");
	ck_assert_int_eq(out[3].status, HB_UNKNOWN);	/* not cut to fit */
	ck_assert_str_eq(out[3].err, "invalid host ip");
	ck_assert_int_eq(pst.readable, 1);
	ck_assert_uint_eq(pst.n_ok, 1);
	ck_assert_uint_eq(pst.n_missing, 1);
	ck_assert_uint_eq(pst.n_unknown, 2);

	/* left behind again, then closed while the worker may still run */
	ck_assert_int_eq(hb_read_all(&p, 1, ips, 4, 0, out, &pst), 0);
	hb_pool_close(p);
	unlink(path);
	snprintf(path, sizeof(path), "%s/KVMHA", dir);
	rmdir(path);
	rmdir(dir);
}
END_TEST

/* write <dir>/KVMHA/hb-<ip> holding text (dir/KVMHA made if needed) */
static void
put_hb(const char *dir, const char *ip, const char *text)
{
	char	path[256];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/KVMHA", dir);
	(void)mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/KVMHA/hb-%s", dir, ip);
	ck_assert((f = fopen(path, "w")) != NULL);
	fputs(text, f);
	fclose(f);
}

static void
rm_pool_dir(const char *dir)
{
	char	cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* hb_read_all on pools that are local and slow to start: retry a while */
static void
read_settled(struct hb_pool **p, size_t np, const char *const *ips,
    size_t nips, const struct hb_pool_hosts *sel, struct hb_result *out,
    size_t nout, struct hb_pool_status *pst)
{
	size_t	i, k, unknown;

	for (i = 0; i < 50; i++) {
		ck_assert_int_eq(hb_read_hosts(p, np, ips, nips, sel, 2000,
		    out, pst), 0);
		for (k = unknown = 0; k < nout; k++)
			unknown += out[k].status == HB_UNKNOWN &&
			    strstr(out[k].err, "invalid") == NULL;
		if (unknown == 0)
			return;
	}
	ck_abort_msg("rows still UNKNOWN: %s", out[0].err);
}

/* Each pool reads only its attached hosts; rows are compact per pool. */
START_TEST(test_read_hosts_attached)
{
	char			 d0[] = "/tmp/check_hb.XXXXXX";
	char			 d1[] = "/tmp/check_hb.XXXXXX";
	const char		*ips[] = { "10.2.0.1", "10.2.0.2", "10.2.0.3" };
	const uint32_t		 a0[] = { 0, 2 }, a1[] = { 1 }, bad[] = { 3 };
	struct hb_pool_hosts	 sel[2] = { { a0, 2 }, { a1, 1 } };
	struct hb_pool_hosts	 none[2] = { { a0, 2 }, { NULL, 0 } };
	struct hb_pool_hosts	 out_of_range[2] = { { a0, 2 }, { bad, 1 } };
	struct hb_result	 out[6];
	struct hb_pool_status	 pst[2];
	struct hb_pool		*p[2];
	char			 err[ERR_LEN];

	ck_assert(mkdtemp(d0) != NULL && mkdtemp(d1) != NULL);
	put_hb(d0, "10.2.0.1", "1700000001\n");
	put_hb(d0, "10.2.0.3", "1700000003\n");
	put_hb(d1, "10.2.0.2", "1700000002\n");
	ck_assert((p[0] = hb_pool_open(d0, NULL, err)) != NULL);
	ck_assert((p[1] = hb_pool_open(d1, NULL, err)) != NULL);

	read_settled(p, 2, ips, 3, sel, out, 3, pst);
	ck_assert_int_eq(out[0].status, HB_OK);		/* pool 0, ip 0 */
	ck_assert_uint_eq(out[0].value, 1700000001);
	ck_assert_int_eq(out[1].status, HB_OK);		/* pool 0, ip 2 */
	ck_assert_uint_eq(out[1].value, 1700000003);
	ck_assert_int_eq(out[2].status, HB_OK);		/* pool 1, ip 1 */
	ck_assert_uint_eq(out[2].value, 1700000002);
	ck_assert_uint_eq(pst[0].n_ok, 2);
	ck_assert_uint_eq(pst[0].n_missing, 0);
	ck_assert_uint_eq(pst[1].n_ok, 1);
	ck_assert_uint_eq(pst[1].n_missing, 0);

	/* no list: every pool reads every host, as hb_read_all */
	read_settled(p, 2, ips, 3, NULL, out, 6, pst);
	ck_assert_uint_eq(pst[0].n_missing, 1);
	ck_assert_uint_eq(pst[1].n_missing, 2);
	ck_assert_int_eq(out[3 + 1].status, HB_OK);
	ck_assert_uint_eq(out[3 + 1].value, 1700000002);

	/* a pool with nothing attached reads nothing */
	read_settled(p, 2, ips, 3, none, out, 2, pst);
	ck_assert_uint_eq(pst[1].n_ok + pst[1].n_missing + pst[1].n_unknown,
	    0);
	ck_assert_int_eq(pst[1].readable, 0);

	errno = 0;
	ck_assert_int_eq(hb_read_hosts(p, 2, ips, 3, out_of_range, 100, out,
	    pst), -1);
	ck_assert_int_eq(errno, EINVAL);
	hb_pool_close(p[0]);
	hb_pool_close(p[1]);
	rm_pool_dir(d0);
	rm_pool_dir(d1);
}
END_TEST

/* A symlink or a directory in place of a heartbeat file is never read
 * through: GARBAGE "not a regular file", even when the target is a good
 * heartbeat file (another host's, say). */
START_TEST(test_read_local_not_regular)
{
	char			 d[] = "/tmp/check_hb.XXXXXX", path[256];
	char			 target[256];
	const char		*ips[] = { "10.3.0.1", "10.3.0.2", "10.3.0.3" };
	struct hb_result	 out[3];
	struct hb_pool_status	 pst;
	struct hb_pool		*p;
	char			 err[ERR_LEN];

	ck_assert(mkdtemp(d) != NULL);
	put_hb(d, "10.3.0.1", "1700000001\n");
	snprintf(target, sizeof(target), "%s/KVMHA/hb-10.3.0.1", d);
	snprintf(path, sizeof(path), "%s/KVMHA/hb-10.3.0.2", d);
	ck_assert_int_eq(symlink(target, path), 0);
	snprintf(path, sizeof(path), "%s/KVMHA/hb-10.3.0.3", d);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	ck_assert((p = hb_pool_open(d, NULL, err)) != NULL);
	read_settled(&p, 1, ips, 3, NULL, out, 3, &pst);
	ck_assert_int_eq(out[0].status, HB_OK);
	ck_assert_int_eq(out[1].status, HB_GARBAGE);
	ck_assert_uint_eq(out[1].value, 0);
	ck_assert_str_eq(out[1].err, "not a regular file (symlink)");
	ck_assert_int_eq(out[2].status, HB_GARBAGE);
	ck_assert_str_eq(out[2].err, "not a regular file (directory)");
	hb_pool_close(p);
	rm_pool_dir(d);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("hb_parse");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 nf;

	tcase_add_loop_test(tc, test_parse_table, 0, (int)NELEM(pcases));
	tcase_add_test(tc, test_escape_bounds);
	tcase_add_test(tc, test_status_names);
	tcase_add_test(tc, test_ip_valid);
	tcase_add_test(tc, test_pool_specs);
	tcase_add_test(tc, test_read_all_args);
	tcase_add_test(tc, test_read_all_same_pool_twice);
	tcase_add_test(tc, test_read_all_local);
	tcase_add_test(tc, test_read_hosts_attached);
	tcase_add_test(tc, test_read_local_not_regular);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
