/*
 * check_cs_credentials.c -- src/db/cs_encryptor.c and cs_properties.c.
 *
 * Known answers come from tests/unit/cs_vectors.h, produced by an
 * independent implementation (tests/lib/gen-cs-vectors.py: python3-
 * cryptography and hashlib).  db.properties and key files are written to
 * a temp dir with CloudStack's modes.  Every failure case also asserts
 * the error text holds no secret and no plaintext.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "cs_encryptor.h"
#include "cs_properties.h"
#include "cs_vectors.h"

static char	err[512];
static char	out[512];
static char	dir[64];

/* the error must name no secret and no plaintext we know of */
static void
assert_clean_err(void)
{
	static const char *const secrets[] = {
		CSV_MGMT_KEY, CSV_DB_SECRET, CSV_WRONG_KEY,
		CSV_DB_PASSWORD_V2_PLAIN, CSV_DB_PASSWORD_V1_PLAIN,
		CSV_OOBM_PW_V2_PLAIN, "Mgmt-Key", "db-Secret",
	};
	size_t i;

	ck_assert_msg(err[0] != '\0', "empty error");
	for (i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		ck_assert_msg(strstr(err, secrets[i]) == NULL,
		    "error shows a secret: %s", err);
}

static int
dec(const char *secret, enum cs_enc_version v, const char *b64)
{
	err[0] = out[0] = '\0';
	return cs_decrypt(secret, v, b64, out, sizeof(out), err, sizeof(err));
}

START_TEST(known_answers)
{
	static const struct { const char *secret, *val, *plain; int v1; } kv[] = {
		{ CSV_MGMT_KEY, CSV_DB_PASSWORD_V2, CSV_DB_PASSWORD_V2_PLAIN, 0 },
		{ CSV_MGMT_KEY, CSV_DB_PASSWORD_V1, CSV_DB_PASSWORD_V1_PLAIN, 1 },
		{ CSV_MGMT_KEY, CSV_DB_SECRET_V2, CSV_DB_SECRET_V2_PLAIN, 0 },
		{ CSV_MGMT_KEY, CSV_DB_SECRET_V1, CSV_DB_SECRET_V1_PLAIN, 1 },
		{ CSV_DB_SECRET, CSV_OOBM_PW_V2, CSV_OOBM_PW_V2_PLAIN, 0 },
		{ CSV_DB_SECRET, CSV_OOBM_PW_V1, CSV_OOBM_PW_V1_PLAIN, 1 },
		{ CSV_MGMT_KEY, CSV_LONG_V2, CSV_LONG_V2_PLAIN, 0 },
		{ CSV_MGMT_KEY, CSV_LONG_V1, CSV_LONG_V1_PLAIN, 1 },
		{ CSV_MGMT_KEY, CSV_UTF8_V2, CSV_UTF8_V2_PLAIN, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(kv) / sizeof(kv[0]); i++) {
		ck_assert_msg(dec(kv[i].secret, CS_ENC_ANY, kv[i].val) == 0,
		    "vector %zu: %s", i, err);
		ck_assert_str_eq(out, kv[i].plain);
		ck_assert_int_eq(dec(kv[i].secret,
		    kv[i].v1 ? CS_ENC_V1 : CS_ENC_V2, kv[i].val), 0);
		ck_assert_str_eq(out, kv[i].plain);
		/* pinned to the other version, it must fail */
		ck_assert_int_eq(dec(kv[i].secret,
		    kv[i].v1 ? CS_ENC_V2 : CS_ENC_V1, kv[i].val), -1);
		assert_clean_err();
	}
}
END_TEST

START_TEST(wrong_key)
{
	ck_assert_int_eq(dec(CSV_WRONG_KEY, CS_ENC_ANY, CSV_DB_PASSWORD_V2), -1);
	ck_assert_ptr_nonnull(strstr(err, "V2: authentication failed"));
	assert_clean_err();
	ck_assert_int_eq(dec(CSV_WRONG_KEY, CS_ENC_ANY, CSV_DB_PASSWORD_V1), -1);
	ck_assert_ptr_nonnull(strstr(err, "V1: "));
	assert_clean_err();
	ck_assert_int_eq(dec(CSV_MGMT_KEY, CS_ENC_ANY, CSV_OOBM_PW_V2), -1);
	assert_clean_err();
	ck_assert_int_eq(dec("", CS_ENC_ANY, CSV_OOBM_PW_V2), -1);
	ck_assert_str_eq(err, "empty secret key");
}
END_TEST

START_TEST(truncated)
{
	char	buf[128];

	/* 16 base64 chars = 12 bytes: not even an IV and a tag */
	snprintf(buf, sizeof(buf), "%.16s", CSV_DB_PASSWORD_V2);
	ck_assert_int_eq(dec(CSV_MGMT_KEY, CS_ENC_V2, buf), -1);
	ck_assert_ptr_nonnull(strstr(err, "too short"));
	assert_clean_err();
	/* long enough for V2 but the tag is gone */
	snprintf(buf, sizeof(buf), "%.40s", CSV_DB_PASSWORD_V2);
	ck_assert_int_eq(dec(CSV_MGMT_KEY, CS_ENC_ANY, buf), -1);
	ck_assert_ptr_nonnull(strstr(err, "authentication failed"));
	assert_clean_err();
	/* V1: salt and half a block */
	snprintf(buf, sizeof(buf), "%.20s", CSV_DB_PASSWORD_V1);
	ck_assert_int_eq(dec(CSV_MGMT_KEY, CS_ENC_V1, buf), -1);
	ck_assert_ptr_nonnull(strstr(err, "wrong length"));
	assert_clean_err();
	ck_assert_int_eq(dec(CSV_MGMT_KEY, CS_ENC_ANY, ""), -1);
	assert_clean_err();
}
END_TEST

START_TEST(bad_base64)
{
	static const char *const bad[] = {
		"!!!!AAAA", "AQID BAUG", "AQIDB", "QUJD=QUJD", "QUJDRA===",
		"AQIDBAUGBwgJCgsMOgcK8tqY0sJ0ypYiRqmitko38uhgIKy9HTR7+/J\n",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(dec(CSV_MGMT_KEY, CS_ENC_ANY, bad[i]) == -1,
		    "accepted %s", bad[i]);
		ck_assert_msg(strstr(err, "base64") != NULL, "%s", err);
		assert_clean_err();
	}
	/* unpadded base64 is fine (Java's decoder accepts it) */
	ck_assert_int_eq(dec(CSV_MGMT_KEY, CS_ENC_ANY,
	    "QEFCQ0RFRkdISUpLDNTFj5XHfpZAOvBN2lAEgJJZWQEQrnLlvLVlwrR21TEdig"), 0);
	ck_assert_str_eq(out, CSV_DB_SECRET);
}
END_TEST

START_TEST(damaged)
{
	char	buf[128];

	snprintf(buf, sizeof(buf), "%s", CSV_DB_PASSWORD_V2);
	buf[20] = buf[20] == 'A' ? 'B' : 'A';
	ck_assert_int_eq(dec(CSV_MGMT_KEY, CS_ENC_V2, buf), -1);
	ck_assert_ptr_nonnull(strstr(err, "authentication failed"));
	assert_clean_err();
}
END_TEST

START_TEST(property_wrapper)
{
	ck_assert_int_eq(cs_decrypt_property(CSV_MGMT_KEY,
	    "ENC(" CSV_DB_PASSWORD_V1 ")", out, sizeof(out), err,
	    sizeof(err)), 0);
	ck_assert_str_eq(out, CSV_DB_PASSWORD_V1_PLAIN);
	ck_assert_int_eq(cs_decrypt_property(CSV_MGMT_KEY, "plain-value", out,
	    sizeof(out), err, sizeof(err)), 0);
	ck_assert_str_eq(out, "plain-value");
	/* ENC() is an empty value, as in CloudStack (empty is not decrypted) */
	ck_assert_int_eq(cs_is_enc("ENC()"), 1);
	ck_assert_int_eq(cs_decrypt_property(CSV_MGMT_KEY, "ENC()", out,
	    sizeof(out), err, sizeof(err)), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(cs_is_enc("ENC(x"), 0);
}
END_TEST

START_TEST(version_parse)
{
	enum cs_enc_version v;

	ck_assert_int_eq(cs_enc_version_parse("", &v, err, sizeof(err)), 0);
	ck_assert_int_eq(v, CS_ENC_ANY);
	ck_assert_int_eq(cs_enc_version_parse("V1", &v, err, sizeof(err)), 0);
	ck_assert_int_eq(v, CS_ENC_V1);
	ck_assert_int_eq(cs_enc_version_parse("v2", &v, err, sizeof(err)), 0);
	ck_assert_int_eq(v, CS_ENC_V2);
	ck_assert_int_eq(cs_enc_version_parse("v3", &v, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "v3"));
}
END_TEST

/* ---- db.properties ---- */

static char	props[128], keyf[128];

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE	*f;

	unlink(path);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static void
setup_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/hawatch-cs-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(props, sizeof(props), "%s/db.properties", dir);
	snprintf(keyf, sizeof(keyf), "%s/key", dir);
	unsetenv(CS_ENV_KEY);
}

static void
teardown_dir(void)
{
	unlink(props);
	unlink(keyf);
	rmdir(dir);
}

#define PROPS_FILE_V2 \
	"# CloudStack db.properties\n" \
	"cluster.node.IP=10.0.0.5\n" \
	"db.cloud.username=cloud\n" \
	"db.cloud.password=ENC(" CSV_DB_PASSWORD_V2 ")\n" \
	"db.cloud.host = 10.0.0.9\n" \
	"db.cloud.port: 3307\n" \
	"db.cloud.name=cloud\n" \
	"db.cloud.encryption.type=file\n" \
	"db.cloud.encrypt.secret=ENC(" CSV_DB_SECRET_V1 ")\n" \
	"db.cloud.encryptor.version=\n"

static int
load(void)
{
	static struct cs_db_creds c;

	err[0] = '\0';
	return cs_properties_load_owned(props, geteuid(), &c, err,
	    sizeof(err));
}

static int
load_into(struct cs_db_creds *c)
{
	err[0] = '\0';
	return cs_properties_load_owned(props, geteuid(), c, err, sizeof(err));
}

START_TEST(props_file_key)
{
	struct cs_db_creds	c;
	struct db_config	db;

	write_file(props, PROPS_FILE_V2, 0640);
	write_file(keyf, CSV_MGMT_KEY, 0640);
	ck_assert_msg(load_into(&c) == 0, "%s", err);
	ck_assert_str_eq(c.host, "10.0.0.9");
	ck_assert_uint_eq(c.port, 3307);
	ck_assert_str_eq(c.user, "cloud");
	ck_assert_str_eq(c.password, CSV_DB_PASSWORD_V2_PLAIN);
	ck_assert_str_eq(c.name, "cloud");
	ck_assert_str_eq(c.db_secret, CSV_DB_SECRET);
	ck_assert_int_eq(c.encrypted, 1);
	ck_assert_ptr_nonnull(strstr(c.source, keyf));
	ck_assert_ptr_null(strstr(c.source, CSV_MGMT_KEY));

	/* the oobm column, V2 and V1, with the db secret */
	ck_assert_int_eq(cs_oobm_password_decrypt(&c, CSV_OOBM_PW_V2, out,
	    sizeof(out), err, sizeof(err)), 0);
	ck_assert_str_eq(out, CSV_OOBM_PW_V2_PLAIN);
	ck_assert_int_eq(cs_oobm_password_decrypt(&c, CSV_OOBM_PW_V1, out,
	    sizeof(out), err, sizeof(err)), 0);
	ck_assert_str_eq(out, CSV_OOBM_PW_V1_PLAIN);
	/* encrypted with the management key instead: refused */
	ck_assert_int_eq(cs_oobm_password_decrypt(&c, CSV_DB_PASSWORD_V2, out,
	    sizeof(out), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "oobm.password"));
	assert_clean_err();
	/* pinned to V2, a V1 column fails */
	c.db_version = CS_ENC_V2;
	ck_assert_int_eq(cs_oobm_password_decrypt(&c, CSV_OOBM_PW_V1, out,
	    sizeof(out), err, sizeof(err)), -1);
	assert_clean_err();

	memset(&db, 0, sizeof(db));
	strcpy(db.socket, "/run/mysqld/mysqld.sock");
	cs_db_creds_apply(&c, &db);
	ck_assert_str_eq(db.host, "10.0.0.9");
	ck_assert_str_eq(db.socket, "");
	ck_assert_uint_eq(db.port, 3307);
	ck_assert_str_eq(db.password, CSV_DB_PASSWORD_V2_PLAIN);
	ck_assert_int_eq(db.has_password, 1);
	cs_db_creds_clear(&c);
	ck_assert_str_eq(c.password, "");

	/* the config loader's one call */
	{
		char	src[600];

		memset(&db, 0, sizeof(db));
		ck_assert_int_eq(cs_db_config_from_properties(&db, props, src,
		    sizeof(src), err, sizeof(err)), geteuid() == 0 ? 0 : -1);
		if (geteuid() == 0) {
			ck_assert_str_eq(db.user, "cloud");
			ck_assert_str_eq(db.password, CSV_DB_PASSWORD_V2_PLAIN);
			ck_assert_ptr_nonnull(strstr(src, props));
			ck_assert_ptr_null(strstr(src, CSV_DB_PASSWORD_V2_PLAIN));
		}
	}
}
END_TEST

START_TEST(props_env_key_v1_and_syntax)
{
	struct cs_db_creds c;

	write_file(props,
	    "! comment\n"
	    "  db.cloud.username : cl\\\n"
	    "      oud\n"
	    "db.cloud.password ENC(" CSV_DB_PASSWORD_V1 ")\r\n"
	    "db.cloud.host=db\\u002dhost\n"
	    "db.cloud.host=db.example\\:1\n"
	    "db.cloud.encryption.type=env\n", 0600);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, CS_ENV_KEY));
	setenv(CS_ENV_KEY, CSV_MGMT_KEY, 1);
	ck_assert_msg(load_into(&c) == 0, "%s", err);
	ck_assert_str_eq(c.user, "cloud");
	ck_assert_str_eq(c.password, CSV_DB_PASSWORD_V1_PLAIN);
	ck_assert_str_eq(c.host, "db.example:1");
	ck_assert_uint_eq(c.port, 3306);
	ck_assert_str_eq(c.name, "cloud");
	ck_assert_str_eq(c.db_secret, "");
	/* no db secret: the oobm column cannot be decrypted */
	ck_assert_int_eq(cs_oobm_password_decrypt(&c, CSV_OOBM_PW_V2, out,
	    sizeof(out), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "db.cloud.encrypt.secret"));
	setenv(CS_ENV_KEY, CSV_WRONG_KEY, 1);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, ":4: db.cloud.password:"));
	assert_clean_err();
	cs_db_creds_clear(&c);
}
END_TEST

START_TEST(props_plain)
{
	struct cs_db_creds c;

	write_file(props, "db.cloud.username=u\ndb.cloud.password=plainpw\n"
	    "db.cloud.host=h\ndb.cloud.encryption.type=none\n", 0640);
	ck_assert_msg(load_into(&c) == 0, "%s", err);
	ck_assert_str_eq(c.password, "plainpw");
	ck_assert_int_eq(c.encrypted, 0);
	/* encryption off: the oobm column is stored in clear */
	ck_assert_int_eq(cs_oobm_password_decrypt(&c, "clearpw", out,
	    sizeof(out), err, sizeof(err)), 0);
	ck_assert_str_eq(out, "clearpw");
	/* an ENC() value with encryption off is an error, not a password */
	write_file(props, "db.cloud.username=u\ndb.cloud.host=h\n"
	    "db.cloud.password=ENC(" CSV_DB_PASSWORD_V2 ")\n", 0640);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, ":3: db.cloud.password is ENC"));
}
END_TEST

START_TEST(props_refusals)
{
	write_file(keyf, CSV_MGMT_KEY "\n", 0640);
	write_file(props, PROPS_FILE_V2, 0644);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, props));
	ck_assert_ptr_nonnull(strstr(err, "0644"));

	write_file(props, PROPS_FILE_V2, 0640);
	ck_assert_msg(load() == 0, "%s", err);	/* trailing newline in key */
	ck_assert_int_eq(chmod(keyf, 0660), 0);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, keyf));
	ck_assert_ptr_nonnull(strstr(err, "0660"));
	assert_clean_err();

	ck_assert_int_eq(chmod(keyf, 0400), 0);
	ck_assert_int_eq(cs_properties_load_owned(props, geteuid() + 1,
	    &(struct cs_db_creds){0}, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "owned by uid"));
	ck_assert_ptr_nonnull(strstr(err, props));

	write_file(keyf, CSV_WRONG_KEY, 0640);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, ":4: db.cloud.password:"));
	assert_clean_err();
	write_file(keyf, "\n" CSV_MGMT_KEY, 0640);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "first line is empty"));
	unlink(keyf);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, keyf));
}
END_TEST

START_TEST(props_bad_values)
{
	write_file(props, "db.cloud.username=u\ndb.cloud.host=h\n"
	    "db.cloud.encryption.type=web\n", 0640);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "web is not supported"));
	write_file(props, "db.cloud.username=u\ndb.cloud.host=h\n"
	    "db.cloud.encryption.type=vault\n", 0640);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown value"));
	write_file(props, "db.cloud.username=u\ndb.cloud.host=h\n"
	    "db.cloud.port=33o6\n", 0640);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, ":3: db.cloud.port"));
	write_file(props, "db.cloud.username=u\n", 0640);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "db.cloud.host is missing"));
	write_file(props, "db.cloud.username=u\ndb.cloud.host=h\n"
	    "db.cloud.uri=jdbc:mysql://x/cloud\n", 0640);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "db.cloud.uri"));
	write_file(props, "db.cloud.username=u\ndb.cloud.host=h\n"
	    "db.cloud.encryptor.version=v9\n", 0640);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "encryptor.version"));
	write_file(props, "db.cloud.username=u\ndb.cloud.host=h\n"
	    "db.cloud.password=ENC(%%%%)\ndb.cloud.encryption.type=env\n",
	    0640);
	setenv(CS_ENV_KEY, CSV_MGMT_KEY, 1);
	ck_assert_int_eq(load(), -1);
	ck_assert_ptr_nonnull(strstr(err, "bad base64"));
	assert_clean_err();
	ck_assert_int_eq(cs_properties_load(dir, &(struct cs_db_creds){0},
	    err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, dir));
}
END_TEST

static Suite *
cs_suite(void)
{
	Suite	*s = suite_create("cs_credentials");
	TCase	*t = tcase_create("encryptor");
	TCase	*p = tcase_create("properties");

	tcase_add_test(t, known_answers);
	tcase_add_test(t, wrong_key);
	tcase_add_test(t, truncated);
	tcase_add_test(t, bad_base64);
	tcase_add_test(t, damaged);
	tcase_add_test(t, property_wrapper);
	tcase_add_test(t, version_parse);
	suite_add_tcase(s, t);
	tcase_add_checked_fixture(p, setup_dir, teardown_dir);
	tcase_add_test(p, props_file_key);
	tcase_add_test(p, props_env_key_v1_and_syntax);
	tcase_add_test(p, props_plain);
	tcase_add_test(p, props_refusals);
	tcase_add_test(p, props_bad_values);
	suite_add_tcase(s, p);
	return s;
}

int
main(void)
{
	SRunner	*r = srunner_create(cs_suite());
	int	 failed;

	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
