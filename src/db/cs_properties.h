/*
 * cs_properties.h -- CloudStack's own database credentials, read from the
 * management server's db.properties (and its key), so a management node
 * needs no copy of them in hawatch.conf.
 *
 * cs_properties_load() reads db.cloud.host, .port (3306), .username,
 * .password, .name ("cloud"), .encryption.type, .encrypt.secret and
 * .encryptor.version.  ENC(...) values are decrypted (cs_encryptor.h) with
 * the secret db.cloud.encryption.type names: "file" the `key` file beside
 * db.properties (first line), "env" $CLOUD_SECRET_KEY, "none"/absent no
 * encryption; "web" (CloudStack's port-8097 prompt) is refused.
 * db.cloud.uri is refused: hawatch would otherwise connect somewhere else
 * than CloudStack does.
 *
 * Permissions: db.properties and key must be regular files owned by root,
 * mode at most 0640, any group (CloudStack installs them root:cloud 0640);
 * anything more open is refused and the error names the file.
 *
 * Errors name the file (and line) and the property, never a value.
 * Returns: 0, or -1 with err filled.
 */
#ifndef HAWATCH_CS_PROPERTIES_H
#define HAWATCH_CS_PROPERTIES_H

#include <stddef.h>
#include <sys/types.h>

#include "cs_encryptor.h"

#define CS_PROPERTIES_DEFAULT_PATH "/etc/cloudstack/management/db.properties"
#define CS_ENV_KEY	"CLOUD_SECRET_KEY"
#define CS_STR		256

struct db_config;

struct cs_db_creds {
	char		host[CS_STR];
	unsigned	port;			/* 3306 when absent */
	char		user[CS_STR];
	char		password[CS_STR];	/* decrypted; never logged */
	char		name[CS_STR];		/* "cloud" when absent */
	int		encrypted;		/* encryption.type file|env */
	char		db_secret[CS_STR];	/* db.cloud.encrypt.secret,
						   decrypted; "" if none */
	enum cs_enc_version db_version;		/* db.cloud.encryptor.version */
	char		source[2 * CS_STR + 32];	/* "db.properties <path>" and
						   where the key came from */
};

int	cs_properties_load(const char *path, struct cs_db_creds *out,
	    char *err, size_t errlen);
/* The same, with the owner the files must have (tests run unprivileged). */
int	cs_properties_load_owned(const char *path, uid_t owner,
	    struct cs_db_creds *out, char *err, size_t errlen);

/*
 * Decrypt an oobm.password column value (stored without ENC()) with
 * db.cloud.encrypt.secret, as CloudStack's DBEncryptionUtil does: as is
 * when encryption is off, else with db.cloud.encryptor.version (V2 then
 * V1 when unset).
 */
int	cs_oobm_password_decrypt(const struct cs_db_creds *, const char *stored,
	    char *out, size_t outlen, char *err, size_t errlen);

/*
 * Copy host, port, user, password and name into a database config
 * (clearing its socket, which would win over host).  The caller decides
 * when: the `database` group set no user and no password.
 */
void	cs_db_creds_apply(const struct cs_db_creds *, struct db_config *);

/*
 * cs_properties_load() + cs_db_creds_apply() for the config loader: the
 * database group set no user and no password, so take CloudStack's.
 * source (may be NULL) receives where they came from, never a value, for
 * `hawatch doctor` and config-check.
 */
int	cs_db_config_from_properties(struct db_config *, const char *path,
	    char *source, size_t srclen, char *err, size_t errlen);

/* Wipe the secrets held in c. */
void	cs_db_creds_clear(struct cs_db_creds *);

#endif
