/*
 * check_ipmi_opts.c -- fence/ipmi.c and fence/bmc_pool.c without a BMC.
 *
 * Option parsing and validation (workaround names, privilege, host:port,
 * timeouts, password files), the errnum -> status table, the retransmit
 * arithmetic, and that no error string ever contains the password.  The
 * few network cases talk to a UDP socket this test binds and never reads
 * (a silent BMC), with 190/50 ms timeouts, so each fails in 0.2 s.
 */
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <freeipmi/freeipmi.h>

#include "bmc_pool.h"
#include "ipmi.h"
#include "log.h"
#include "util.h"

#define PW	"Zq9-secret-Pw"

static char	err[ERR_LEN];

/* A bound UDP socket nobody reads: packets vanish, like a hung BMC. */
static int
silent_bmc(uint16_t *port)
{
	struct sockaddr_in	a;
	socklen_t		len = sizeof(a);
	int			fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static void
fast_target(struct ipmi_target *t, uint16_t port)
{
	ipmi_target_init(t);
	snprintf(t->host, sizeof(t->host), "127.0.0.1");
	t->port = port;
	snprintf(t->user, sizeof(t->user), "admin");
	snprintf(t->password, sizeof(t->password), PW);
	t->session_timeout_ms = 190;	/* boundaries 50,100,200: 0.2 s */
	t->retrans_timeout_ms = 50;
}

static void
no_pw(const char *s)
{
	ck_assert_msg(strstr(s, PW) == NULL, "password leaked: %s", s);
}

START_TEST(workarounds)
{
	unsigned	f;
	char		buf[256];

	ck_assert_int_eq(ipmi_workarounds_parse("opensesspriv", &f, err), 0);
	ck_assert_uint_eq(f,
	    IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_OPEN_SESSION_PRIVILEGE);
	ck_assert_int_eq(ipmi_workarounds_parse(" authcap , INTEL20", &f, err),
	    0);
	ck_assert_uint_eq(f,
	    IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_AUTHENTICATION_CAPABILITIES |
	    IPMI_WORKAROUND_FLAGS_OUTOFBAND_2_0_INTEL_2_0_SESSION);
	ck_assert_int_eq(ipmi_workarounds_parse("authcap,intel20,supermicro20,"
	    "sun20,opensesspriv,integritycheckvalue,nochecksumcheck", &f, err),
	    0);
	ck_assert_uint_eq(f, 0x7f);
	ipmi_workarounds_format(f, buf, sizeof(buf));
	ck_assert_str_eq(buf, "authcap,intel20,supermicro20,sun20,"
	    "opensesspriv,integritycheckvalue,nochecksumcheck");
	ck_assert_int_eq(ipmi_workarounds_parse("", &f, err), 0);
	ck_assert_uint_eq(f, 0);
	ck_assert_int_eq(ipmi_workarounds_parse("none", &f, err), 0);
	ck_assert_uint_eq(f, 0);
	ipmi_workarounds_format(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "none");

	f = 99;
	ck_assert_int_eq(ipmi_workarounds_parse("bogus", &f, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "'bogus'"));
	ck_assert_uint_eq(f, 99);	/* untouched on error */
	ck_assert_int_eq(ipmi_workarounds_parse("idzero", &f, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "IPMI 1.5"));
	ck_assert_int_eq(ipmi_workarounds_parse("none,authcap", &f, err), -1);
	ck_assert_int_eq(ipmi_workarounds_parse("authcap,,sun20", &f, err),
	    -1);
	ck_assert_int_eq(ipmi_workarounds_parse(",authcap", &f, err), -1);
	ck_assert_int_eq(ipmi_workarounds_parse("authcap,", &f, err), -1);
	ck_assert_int_eq(ipmi_workarounds_parse("averyveryveryverylongname"
	    "thatoverflows", &f, err), -1);
}
END_TEST

START_TEST(privilege)
{
	int	p = 0;

	ck_assert_int_eq(ipmi_privilege_parse("operator", &p, err), 0);
	ck_assert_int_eq(p, IPMI_PRIVILEGE_LEVEL_OPERATOR);
	ck_assert_int_eq(ipmi_privilege_parse("Admin", &p, err), 0);
	ck_assert_int_eq(p, IPMI_PRIVILEGE_LEVEL_ADMIN);
	ck_assert_str_eq(ipmi_privilege_name(p), "admin");
	ck_assert_int_eq(ipmi_privilege_parse("user", &p, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "operator or admin"));
	ck_assert_int_eq(ipmi_privilege_parse("", &p, err), -1);
	ck_assert_int_eq(ipmi_privilege_parse(NULL, &p, err), -1);
	ck_assert_int_eq(p, IPMI_PRIVILEGE_LEVEL_ADMIN);
}
END_TEST

START_TEST(addresses)
{
	struct ipmi_target	t;
	char			buf[IPMI_ADDR_LEN], big[400];
	static const char	*bad[] = {
		"", ":623", "host:", "host:0", "host:65536", "host:abc",
		"host:12x", "fe80::1", "[fe80::1", "[::1]x", "[::1]:",
		"host name", "ho/st", "[g::1]:1", "host:-1",
	};
	size_t			i;

	ipmi_target_init(&t);
	ck_assert_int_eq(ipmi_target_set_addr(&t, "10.0.0.1", err), 0);
	ck_assert_str_eq(t.host, "10.0.0.1");
	ck_assert_uint_eq(t.port, 623);
	ck_assert_int_eq(ipmi_target_set_addr(&t, "bmc-1.example.com:16231",
	    err), 0);
	ck_assert_str_eq(t.host, "bmc-1.example.com");
	ck_assert_uint_eq(t.port, 16231);
	ck_assert_str_eq(ipmi_target_addr(&t, buf, sizeof(buf)),
	    "bmc-1.example.com:16231");
	ck_assert_int_eq(ipmi_target_set_addr(&t, "[fe80::1]:700", err), 0);
	ck_assert_str_eq(t.host, "fe80::1");
	ck_assert_uint_eq(t.port, 700);
	ck_assert_str_eq(ipmi_target_addr(&t, buf, sizeof(buf)),
	    "[fe80::1]:700");
	ck_assert_int_eq(ipmi_target_set_addr(&t, "[::1]", err), 0);
	ck_assert_uint_eq(t.port, 623);
	ck_assert_int_eq(ipmi_target_set_addr(&t, "h:65535", err), 0);
	ck_assert_uint_eq(t.port, 65535);

	for (i = 0; i < NELEM(bad); i++) {
		ipmi_target_init(&t);
		ck_assert_msg(ipmi_target_set_addr(&t, bad[i], err) == -1,
		    "accepted '%s'", bad[i]);
		ck_assert_str_eq(t.host, "");	/* untouched */
		ck_assert_msg(err[0] != '\0', "no reason for '%s'", bad[i]);
	}
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(ipmi_target_set_addr(&t, big, err), -1);
}
END_TEST

START_TEST(target_check)
{
	struct ipmi_target	t, u;

	fast_target(&t, 623);
	ck_assert_int_eq(ipmi_target_check(&t, err), 0);
	ipmi_target_init(&u);
	ck_assert_int_eq(u.cipher_suite, 3);
	ck_assert_int_eq(u.privilege, IPMI_PRIVILEGE_LEVEL_OPERATOR);
	ck_assert_uint_eq(u.session_timeout_ms, 1990);
	ck_assert_uint_eq(u.retrans_timeout_ms, 500);
	ck_assert_int_eq(ipmi_target_check(&u, err), -1);	/* no host */

#define BAD(field, val, needle) do {					\
	u = t;								\
	u.field = (val);						\
	ck_assert_int_eq(ipmi_target_check(&u, err), -1);		\
	ck_assert_msg(strstr(err, needle) != NULL, "%s", err);		\
	no_pw(err);							\
} while (0)
	BAD(cipher_suite, 4, "cipher suite 4");
	BAD(cipher_suite, -1, "cipher suite");
	BAD(cipher_suite, 18, "cipher suite");
	BAD(privilege, IPMI_PRIVILEGE_LEVEL_USER, "operator or admin");
	BAD(session_timeout_ms, 0, "session timeout");
	BAD(retrans_timeout_ms, 0, "retransmit");
	BAD(retrans_timeout_ms, 190, "retransmit");
	BAD(port, 0, "port 0");
#undef BAD
	u = t;
	u.cipher_suite = 17;
	ck_assert_int_eq(ipmi_target_check(&u, err), 0);
	u = t;
	snprintf(u.user, sizeof(u.user), "%s", "seventeen-chars-x");
	ck_assert_int_eq(ipmi_target_check(&u, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "username"));
	u = t;
	snprintf(u.password, sizeof(u.password), "%s", PW "-and-more");
	ck_assert_int_eq(ipmi_target_check(&u, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "password longer"));
	ck_assert_ptr_null(strstr(err, u.password));
	ipmi_target_clear(&u);
	ck_assert_str_eq(u.password, "");
}
END_TEST

START_TEST(password_file)
{
	char	path[] = "/tmp/check_ipmi_pw.XXXXXX", pw[IPMI_PASS_LEN];
	FILE	*f;
	int	fd;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert((f = fdopen(fd, "w")) != NULL);
	fputs(PW "\r\nsecond line\n", f);
	fclose(f);
	ck_assert_int_eq(ipmi_password_load(path, pw, sizeof(pw), err), 0);
	ck_assert_str_eq(pw, PW);

	f = fopen(path, "w");
	fputs(PW PW "\n", f);		/* 26 bytes > 20 */
	fclose(f);
	ck_assert_int_eq(ipmi_password_load(path, pw, sizeof(pw), err), -1);
	ck_assert_ptr_nonnull(strstr(err, "longer than 20"));
	no_pw(err);

	f = fopen(path, "w");
	fputs("\n", f);
	fclose(f);
	ck_assert_int_eq(ipmi_password_load(path, pw, sizeof(pw), err), -1);
	ck_assert_ptr_nonnull(strstr(err, "empty"));

	f = fopen(path, "w");
	fwrite("ab\0cd\n", 1, 6, f);	/* issue 11: NUL would cut it short */
	fclose(f);
	ck_assert_int_eq(ipmi_password_load(path, pw, sizeof(pw), err), -1);
	ck_assert_ptr_nonnull(strstr(err, "contains a NUL byte"));
	unlink(path);
	ck_assert_int_eq(ipmi_password_load(path, pw, sizeof(pw), err), -1);
	ck_assert_ptr_nonnull(strstr(err, path));
}
END_TEST

START_TEST(errnum_table)
{
	static const struct { int e; enum bmc_status s; } m[] = {
		{ IPMI_ERR_USERNAME_INVALID, BMC_AUTH_USER },
		{ IPMI_ERR_PASSWORD_INVALID, BMC_AUTH_PASSWORD },
		{ IPMI_ERR_K_G_INVALID, BMC_AUTH_PASSWORD },
		{ IPMI_ERR_PRIVILEGE_LEVEL_INSUFFICIENT, BMC_PRIVILEGE },
		{ IPMI_ERR_PRIVILEGE_LEVEL_CANNOT_BE_OBTAINED, BMC_PRIVILEGE },
		{ IPMI_ERR_CONNECTION_TIMEOUT, BMC_TIMEOUT },
		{ IPMI_ERR_SESSION_TIMEOUT, BMC_TIMEOUT },
		{ IPMI_ERR_PASSWORD_VERIFICATION_TIMEOUT, BMC_TIMEOUT },
		{ IPMI_ERR_BMC_BUSY, BMC_BUSY },
		{ IPMI_ERR_IPMI_ERROR, BMC_BUSY },
		{ IPMI_ERR_BAD_COMPLETION_CODE, BMC_BAD_ANSWER },
		{ IPMI_ERR_COMMAND_INVALID_OR_UNSUPPORTED, BMC_BAD_ANSWER },
		{ IPMI_ERR_HOSTNAME_INVALID, BMC_ERROR },
		{ IPMI_ERR_PARAMETERS, BMC_ERROR },
		{ IPMI_ERR_CIPHER_SUITE_ID_UNAVAILABLE, BMC_ERROR },
		{ IPMI_ERR_SUCCESS, BMC_ERROR },
		{ 9999, BMC_ERROR },
	};
	size_t		i, j;
	enum bmc_status	a, b;

	for (i = 0; i < NELEM(m); i++)
		ck_assert_msg(ipmi_errnum_status(m[i].e) == m[i].s,
		    "errnum %d -> %s", m[i].e,
		    bmc_status_name(ipmi_errnum_status(m[i].e)));
	/* every status has its own name and its own message */
	for (a = BMC_ON; a <= BMC_ERROR; a++) {
		ck_assert_str_ne(bmc_status_name(a), "invalid");
		for (b = a + 1; b <= BMC_ERROR; b++) {
			ck_assert_str_ne(bmc_status_name(a),
			    bmc_status_name(b));
			ck_assert_str_ne(bmc_status_message(a),
			    bmc_status_message(b));
		}
	}
	ck_assert_ptr_nonnull(strstr(bmc_status_message(BMC_PRIVILEGE),
	    "opensesspriv"));
	for (j = FENCE_NONE; j <= FENCE_AUTH_ERROR; j++)
		ck_assert_str_ne(fence_result_name((enum fence_result)j),
		    "invalid");
	ck_assert_str_eq(fence_result_name(FENCE_FAILED_UNKNOWN),
	    "failed_unknown");
}
END_TEST

START_TEST(retransmit_boundary)
{
	/* measured on ipmi_sim, reference/ipmi.md 4.3 */
	static const unsigned m[][3] = {
		{ 20000, 1000, 20000 }, { 5000, 1000, 6000 },
		{ 3000, 1000, 4000 }, { 2900, 500, 3000 },
		{ 1990, 500, 2000 }, { 990, 250, 1000 },
		{ 1000, 100, 1200 }, { 500, 100, 600 }, { 190, 50, 200 },
	};
	struct ipmi_target	t;
	size_t			i;

	ipmi_target_init(&t);
	for (i = 0; i < NELEM(m); i++) {
		t.session_timeout_ms = m[i][0];
		t.retrans_timeout_ms = m[i][1];
		ck_assert_uint_eq(ipmi_session_fail_ms(&t), m[i][2]);
	}
}
END_TEST

START_TEST(silent_bmc_no_password_in_errors)
{
	struct ipmi_target	t;
	struct fence_report	r;
	enum bmc_status		st;
	uint16_t		port;
	int			fd = silent_bmc(&port);

	fast_target(&t, port);
	ck_assert_int_eq(ipmi_power_status(&t, &st, err), -1);
	ck_assert_int_eq(st, BMC_TIMEOUT);
	ck_assert_ptr_nonnull(strstr(err, "127.0.0.1:"));
	ck_assert_ptr_nonnull(strstr(err, "errnum 13"));
	no_pw(err);

	ck_assert_int_eq(ipmi_fence(&t, 1000, &r, err), -1);
	ck_assert_int_eq(r.result, FENCE_FAILED_UNKNOWN);
	ck_assert_int_eq(r.first, BMC_TIMEOUT);
	ck_assert_int_eq(r.control_sent, 0);
	ck_assert_uint_eq(r.reads, 1);
	no_pw(err);

	t.port = 0;		/* invalid target: no network at all */
	ck_assert_int_eq(ipmi_power_status(&t, &st, err), -1);
	ck_assert_int_eq(st, BMC_ERROR);
	no_pw(err);
	ck_assert_int_eq(ipmi_fence(&t, 1000, &r, err), -1);
	ck_assert_int_eq(r.result, FENCE_FAILED_UNKNOWN);
	no_pw(err);
	close(fd);
}
END_TEST

START_TEST(pool_api)
{
	struct bmc_pool		*p;
	struct ipmi_target	 t[3];
	struct bmc_view		 v;
	uint32_t		 ids[3] = { 7, 3, 7 };
	uint16_t		 port;
	int			 fd = silent_bmc(&port), i;

	ck_assert_ptr_null(bmc_pool_new(0, 100));
	ck_assert_ptr_null(bmc_pool_new(2, 0));
	p = bmc_pool_new(2, 100);
	ck_assert_ptr_nonnull(p);
	for (i = 0; i < 3; i++)
		fast_target(&t[i], port);
	ck_assert_int_eq(bmc_pool_set_targets(p, ids, t, 3), -1);
	ck_assert_int_eq(bmc_pool_snapshot(p, 7, &v), -1);
	ck_assert_int_eq(bmc_pool_set_targets(p, ids, t, 2), 0);
	ck_assert_int_eq(bmc_pool_snapshot(p, 3, &v), 0);
	ck_assert_int_eq(bmc_pool_snapshot(p, 4, &v), -1);
	ck_assert_int_eq(bmc_pool_request_fence(p, 4, 500), -1);
	ck_assert_int_eq(bmc_pool_request_fence(p, 7, 500), 0);
	ck_assert_int_eq(bmc_pool_request_fence(p, 7, 500), 1);
	ck_assert_int_eq(bmc_pool_snapshot(p, 7, &v), 0);
	ck_assert_int_eq(v.fence, FENCE_RUNNING);
	no_pw(v.last_err);
	/* reload while workers are busy: 7 dropped, 3 changed, 9 added */
	ids[0] = 3;
	ids[1] = 9;
	t[0].port = port;
	t[0].retrans_timeout_ms = 40;
	ck_assert_int_eq(bmc_pool_set_targets(p, ids, t, 2), 0);
	ck_assert_int_eq(bmc_pool_snapshot(p, 7, &v), -1);
	ck_assert_int_eq(bmc_pool_snapshot(p, 9, &v), 0);
	ck_assert_int_eq(v.fence, FENCE_NONE);
	bmc_pool_free(p);	/* joins within a session timeout or two */
	for (i = 0; i < 3; i++)
		ipmi_target_clear(&t[i]);
	close(fd);
}
END_TEST

/* BMC System GUID vs SMBIOS UUID: the three byte orders BMCs use. */
START_TEST(guid_matches_any_encoding)
{
	static const uint8_t g[16] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
	    0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10 };
	char	f[37];

	ipmi_guid_format(g, f);
	ck_assert_str_eq(f, "01020304-0506-0708-090a-0b0c0d0e0f10");
	ck_assert_int_eq(ipmi_guid_matches(g, f), 1);
	ck_assert_int_eq(ipmi_guid_matches(g,
	    "0102030405060708090A0B0C0D0E0F10"), 1);
	/* SMBIOS: first three fields little-endian */
	ck_assert_int_eq(ipmi_guid_matches(g,
	    "04030201-0605-0807-090a-0b0c0d0e0f10"), 1);
	/* all 16 bytes reversed */
	ck_assert_int_eq(ipmi_guid_matches(g,
	    "100f0e0d-0c0b-0a09-0807-060504030201"), 1);
	/* another machine */
	ck_assert_int_eq(ipmi_guid_matches(g,
	    "01020304-0506-0708-090a-0b0c0d0e0f11"), 0);
	ck_assert_int_eq(ipmi_guid_matches(g, "not-a-uuid"), -1);
	ck_assert_int_eq(ipmi_guid_matches(g, "0102"), -1);
	ck_assert_int_eq(ipmi_guid_matches(g, NULL), -1);
	ck_assert_int_eq(ipmi_guid_matches(g,
	    "01020304-0506-0708-090a-0b0c0d0e0f1011"), -1);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("ipmi_opts");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 nf;

	log_set_level(LOG_LVL_ERR);
	tcase_add_test(tc, workarounds);
	tcase_add_test(tc, privilege);
	tcase_add_test(tc, addresses);
	tcase_add_test(tc, target_check);
	tcase_add_test(tc, password_file);
	tcase_add_test(tc, errnum_table);
	tcase_add_test(tc, retransmit_boundary);
	tcase_add_test(tc, silent_bmc_no_password_in_errors);
	tcase_add_test(tc, pool_api);
	tcase_add_test(tc, guid_matches_any_encoding);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
