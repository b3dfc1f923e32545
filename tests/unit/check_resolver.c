/*
 * check_resolver.c -- the tick's name lookups (resolver.c): literals pass
 * through at once, a name is "pending" until the resolver thread has
 * looked it up and then served from the cache, an nfs:// URL's server is
 * replaced by its address and nothing else in the URL changes.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "resolver.h"
#include "util.h"

START_TEST(test_literals)
{
	struct resolver	*r;
	char		 out[256], err[ERR_LEN];

	ck_assert(resolver_is_literal("10.1.2.3"));
	ck_assert(resolver_is_literal("fd00::1"));
	ck_assert(!resolver_is_literal("nfs1.example"));
	ck_assert((r = resolver_start(err)) != NULL);
	ck_assert_int_eq(resolver_lookup(r, "10.1.2.3", out, sizeof(out), err),
	    1);
	ck_assert_str_eq(out, "10.1.2.3");
	ck_assert_int_eq(resolver_nfs_url(r, "nfs://10.1.2.3/exp?version=4",
	    out, sizeof(out), err), 1);
	ck_assert_str_eq(out, "nfs://10.1.2.3/exp?version=4");
	ck_assert_int_eq(resolver_nfs_url(r, "/var/hb", out, sizeof(out), err),
	    1);
	ck_assert_str_eq(out, "/var/hb");
	ck_assert_int_eq(resolver_nfs_url(r, "nfs://[fd00::1]/e", out,
	    sizeof(out), err), 1);
	ck_assert_str_eq(out, "nfs://[fd00::1]/e");
	ck_assert_int_eq(resolver_lookup(r, "", out, sizeof(out), err), -1);
	resolver_stop(r);
	/* no resolver: unchanged (libnfs resolves, as before) */
	ck_assert_int_eq(resolver_nfs_url(NULL, "nfs://srv/e", out,
	    sizeof(out), err), 1);
	ck_assert_str_eq(out, "nfs://srv/e");
}
END_TEST

START_TEST(test_name_pending_then_cached)
{
	struct resolver	*r;
	char		 out[256], err[ERR_LEN];
	int		 i, rc = 0;

	ck_assert((r = resolver_start(err)) != NULL);
	for (i = 0; i < 500; i++) {	/* 5 s */
		rc = resolver_nfs_url(r, "nfs://localhost:2049/exp?version=4",
		    out, sizeof(out), err);
		if (rc != 0)
			break;
		ck_assert(strstr(err, "pending") != NULL);
		usleep(10000);
	}
	ck_assert_msg(rc == 1, "localhost: %d %s", rc, err);
	ck_assert_msg(strcmp(out, "nfs://127.0.0.1:2049/exp?version=4") == 0 ||
	    strcmp(out, "nfs://[::1]:2049/exp?version=4") == 0, "%s", out);
	/* cached: at once */
	ck_assert_int_eq(resolver_lookup(r, "localhost", out, sizeof(out),
	    err), 1);
	resolver_stop(r);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("resolver");
	TCase	*tc = tcase_create("lookups");
	SRunner	*sr;
	int	 nfail;

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_literals);
	tcase_add_test(tc, test_name_pending_then_cached);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
