/*
 * db_keys.c -- the `database` group of hawatch.conf: its keys, defaults,
 * ranges and the rules across them (see config_table.h).
 */
#include <string.h>

#include "config.h"
#include "config_table.h"
#include "cs_properties.h"
#include "defaults.h"
#include "util.h"

#define STR(n, f, d, dc) { .name = n, .type = CFGT_STRING, \
	.off = offsetof(struct db_config, f), \
	.size = sizeof(((struct db_config *)0)->f), .sdef = d, .doc = dc }
#define NUM(n, t, f, lo, hi, d, dc) { .name = n, .type = t, \
	.off = offsetof(struct db_config, f), \
	.size = sizeof(((struct db_config *)0)->f), .min = lo, .max = hi, \
	.def = d, .doc = dc }

static const struct cfg_key db_keys[] = {
	STR("host", host, "127.0.0.1", "TCP host; ignored when socket is set"),
	NUM("port", CFGT_UINT, port, 1, 65535, 3306, "TCP port"),
	STR("socket", socket, "", "unix socket path; wins over host"),
	STR("user", user, "", "database user (\"cloud\" when a password is "
	    "set; unset with no password: CloudStack's, from "
	    "cloudstack_properties)"),
	{ .name = "password", .type = CFGT_SECRET, CFG_AT(db_config, password),
	    .aux_off = offsetof(struct db_config, has_password),
	    .doc = "password, or password_file (one line, mode 600)" },
	STR("name", name, "cloud", "CloudStack's schema"),
	STR("cloudstack_properties", cloudstack_properties,
	    CS_PROPERTIES_DEFAULT_PATH, "CloudStack's db.properties (and its "
	    "key beside it): host, port, user, password and name come from it "
	    "when this group sets neither user nor password"),
	STR("hawatch_name", hawatch_name, "hawatch", "hawatch's own schema"),
	NUM("connect_timeout", CFGT_UINT, connect_timeout_s, 1, 300,
	    DB_CONNECT_TIMEOUT_S_DEFAULT, "seconds for one connect"),
	NUM("read_timeout", CFGT_UINT, read_timeout_s, 1, 3600,
	    DB_READ_TIMEOUT_S_DEFAULT, "seconds for one read"),
	NUM("write_timeout", CFGT_UINT, write_timeout_s, 1, 3600,
	    DB_WRITE_TIMEOUT_S_DEFAULT, "seconds for one write"),
	NUM("lock_wait_timeout", CFGT_UINT, lock_wait_timeout_s, 1, 3600,
	    DB_LOCK_WAIT_S_DEFAULT, "seconds to wait for a row or "
	    "metadata lock"),
	NUM("ms_dead_after", CFGT_DURATION, ms_dead_after_ms, 1000, MS_DAY,
	    MS_DEAD_AFTER_MS_DEFAULT, "a management server whose mshost row "
	    "is older is dead"),
};

static int
db_is_identifier(const char *s)
{
	size_t	n = strlen(s), i;

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return 1;
}

static int
db_check(const struct config *c, char *at, size_t atlen, char *err)
{
	cfg_at(at, atlen, "database");
	if (c->db.name[0] == '\0' || c->db.hawatch_name[0] == '\0') {
		set_err(err, "database.name and database.hawatch_name must not "
		    "be empty");
		return -1;
	}
	if (!db_is_identifier(c->db.name) ||
	    !db_is_identifier(c->db.hawatch_name)) {
		set_err(err, "database.name and database.hawatch_name must be "
		    "1..64 letters, digits or underscores");
		return -1;
	}
	if (strcmp(c->db.name, c->db.hawatch_name) == 0) {
		set_err(err, "database.hawatch_name must differ from "
		    "database.name: hawatch never alters CloudStack's schema");
		return -1;
	}
	if (c->db.host[0] == '\0' && c->db.socket[0] == '\0') {
		set_err(err, "database needs host or socket");
		return -1;
	}
	return 0;
}

/*
 * After the file is read: with neither user nor password in the database
 * group, CloudStack's own credentials (db.properties, ENC() values
 * decrypted with the management server's key); with a password but no
 * user, user "cloud".  db->cred_source says which, never a value.
 */
int
db_config_resolve(struct db_config *db, char *err)
{
	char	e[ERR_LEN];

	if (db->user[0] != '\0' || db->has_password) {
		if (db->user[0] == '\0')
			snprintf(db->user, sizeof(db->user), "cloud");
		snprintf(db->cred_source, sizeof(db->cred_source),
		    "hawatch.conf");
		return 0;
	}
	if (cs_db_config_from_properties(db, db->cloudstack_properties,
	    db->cred_source, sizeof(db->cred_source), e, sizeof(e)) == -1) {
		set_err(err, "database: no user or password in hawatch.conf, "
		    "and CloudStack's credentials cannot be read "
		    "(database.cloudstack_properties): %s", e);
		return -1;
	}
	db->has_password = 1;
	return 0;
}

const struct cfg_table db_config_table = {
	.name = "database", .keys = db_keys, .nkeys = NELEM(db_keys),
	.size = sizeof(struct db_config), .check = db_check,
};
