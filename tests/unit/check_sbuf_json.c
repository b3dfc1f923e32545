/*
 * check_sbuf_json.c -- JSON strings in hawatch's output (status file,
 * --json, audit evidence) go through jansson: every document parses,
 * whatever bytes a database column or a heartbeat file held.
 *
 * Each case writes {"v":<sbuf_json_str(input)>} and parses it back with
 * jansson: valid UTF-8 round-trips exactly; bytes that are not UTF-8 come
 * back as U+FFFD and the rest of the string is kept.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "sbuf.h"

/* the value that {"v": sbuf_json_str(in)} parses back to; NULL if invalid */
static char *
round_trip(const char *in)
{
	struct sbuf	 b;
	json_t		*doc;
	json_error_t	 e;
	char		*out = NULL;

	sbuf_init(&b);
	sbuf_add(&b, "{\"v\":");
	sbuf_json_str(&b, in);
	sbuf_add(&b, "}");
	doc = json_loads(b.s, 0, &e);
	if (doc != NULL && json_is_string(json_object_get(doc, "v")))
		out = strdup(json_string_value(json_object_get(doc, "v")));
	json_decref(doc);
	sbuf_free(&b);
	return out;
}

static const struct {
	const char	*in, *want;
} cases[] = {
	{ "i-2-87-VM", "i-2-87-VM" },
	{ "quote \" backslash \\ slash /", "quote \" backslash \\ slash /" },
	{ "tab\tnewline\ncr\rbell\a", "tab\tnewline\ncr\rbell\a" },
	{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x96\xa5", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x96\xa5" },
	/* latin1 e-acute: not UTF-8 */
	{ "caf\xe9-vm", "caf\xef\xbf\xbd-vm" },
	/* a truncated 3-byte sequence, then ASCII */
	{ "x\xe2\x82y", "x\xef\xbf\xbd\xef\xbf\xbdy" },
	/* an overlong encoding of '/' and a lone continuation byte */
	{ "\xc0\xaf-\x80", "\xef\xbf\xbd\xef\xbf\xbd-\xef\xbf\xbd" },
	{ "", "" },
};

START_TEST(test_round_trip)
{
	char	*got = round_trip(cases[_i].in);

	ck_assert_msg(got != NULL, "case %d: document does not parse", _i);
	ck_assert_msg(strcmp(got, cases[_i].want) == 0, "case %d: got \"%s\"",
	    _i, got);
	free(got);
}
END_TEST

START_TEST(test_null_is_json_null)
{
	struct sbuf	b;

	sbuf_init(&b);
	sbuf_json_str(&b, NULL);
	ck_assert_str_eq(b.s, "null");
	sbuf_free(&b);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("sbuf_json");
	TCase	*tc = tcase_create("strings");
	SRunner	*sr;
	int	 nfail;

	tcase_add_loop_test(tc, test_round_trip, 0,
	    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_null_is_json_null);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nfail = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nfail == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
