/*
 * bmc_keys.c -- the `bmc` group of hawatch.conf and its per-host
 * overrides: keys, defaults, ranges, and the rules run() would otherwise
 * find only when it first talks to a BMC (names, lengths, cipher suites),
 * so config-check refuses what a BMC session would.
 */
#include <stdio.h>
#include <string.h>

#include <freeipmi/freeipmi.h>

#include "config.h"
#include "config_table.h"
#include "cs_properties.h"
#include "defaults.h"
#include "ipmi.h"
#include "sol_conf.h"
#include "util.h"

static int
bmc_privilege_ok(const char *v, char *err)
{
	int	pr;

	return ipmi_privilege_parse(v, &pr, err);
}

static int
bmc_workarounds_ok(const char *v, char *err)
{
	unsigned	wa;

	return ipmi_workarounds_parse(v, &wa, err);
}

static int
bmc_address_ok(const char *v, char *err)
{
	struct ipmi_target	t;
	char			hp[IPMI_ADDR_LEN + 8];

	if (*v == '\0')
		return 0;		/* from oobm */
	snprintf(hp, sizeof(hp), strchr(v, ':') ? "[%s]" : "%s", v);
	return ipmi_target_set_addr(&t, hp, err);
}

/* the limits ipmi_target_check() applies to every session */
static int
bmc_session_ok(const char *user, const char *password, int cipher,
    char *err)
{
	if (strlen(user) > IPMI_MAX_USER_NAME_LENGTH) {
		set_err(err, "user is longer than %d bytes (IPMI limit)",
		    IPMI_MAX_USER_NAME_LENGTH);
		return -1;
	}
	if (strlen(password) > IPMI_2_0_MAX_PASSWORD_LENGTH) {
		set_err(err, "password is longer than %d bytes (IPMI 2.0 limit)",
		    IPMI_2_0_MAX_PASSWORD_LENGTH);
		return -1;
	}
	if (cipher >= 0 && !IPMI_CIPHER_SUITE_ID_SUPPORTED(cipher)) {
		set_err(err, "cipher_suite %d is not supported (0-3, 6-8, "
		    "11-12, 15-17)", cipher);
		return -1;
	}
	return 0;
}

#define HSTR(n, f, ok, dc) { .name = n, .type = CFGT_STRING, \
	CFG_AT(bmc_host_config, f), .sdef = "", .value_ok = ok, \
	.flags = CFG_F_INHERIT, .doc = dc }

static const struct cfg_key bmc_host_keys[] = {
	{ .name = "host_id", .type = CFGT_ID, CFG_AT(bmc_host_config, host_id),
	    .doc = "CloudStack host id" },
	HSTR("address", address, bmc_address_ok, "BMC address (empty: oobm)"),
	{ .name = "port", .type = CFGT_UINT, CFG_AT(bmc_host_config, port),
	    .min = 1, .max = 65535, .def = 0, .flags = CFG_F_INHERIT,
	    .doc = "BMC port" },
	HSTR("user", user, NULL, "BMC user"),
	{ .name = "password", .type = CFGT_SECRET,
	    CFG_AT(bmc_host_config, password),
	    .aux_off = offsetof(struct bmc_host_config, has_password),
	    .flags = CFG_F_INHERIT, .doc = "password or password_file" },
	{ .name = "cipher_suite", .type = CFGT_INT,
	    CFG_AT(bmc_host_config, cipher_suite), .min = 0, .max = 17,
	    .def = -1, .flags = CFG_F_INHERIT, .doc = "IPMI cipher suite id" },
	HSTR("privilege", privilege, NULL, "operator or admin"),
	HSTR("workarounds", workarounds, NULL, "FreeIPMI workaround names"),
	{ .name = "console_capture", .type = CFGT_ENUM,
	    CFG_AT(bmc_host_config, sol.capture), .def = -1,
	    .names = sol_capture_names, .flags = CFG_F_INHERIT,
	    .doc = "off, on or auto" },
	HSTR("sol_workarounds", sol.workarounds, sol_workarounds_ok,
	    "libipmiconsole workaround names"),
	{ .name = "sol_steal", .type = CFGT_BOOL,
	    CFG_AT(bmc_host_config, sol.steal), .def = -1,
	    .flags = CFG_F_INHERIT, .doc = "take over a held SOL session" },
};

static int
bmc_host_ok(void *elems, size_t i, char *err)
{
	struct bmc_host_config	*hosts = elems, *h = &hosts[i];
	char			 e[ERR_LEN];
	unsigned		 wa;
	size_t			 k;
	int			 pr;

	if (h->host_id == 0) {
		set_err(err, "bmc.hosts[%zu] needs host_id", i);
		return -1;
	}
	for (k = 0; k < i; k++)
		if (hosts[k].host_id == h->host_id) {
			set_err(err, "bmc.hosts: host_id %llu listed twice",
			    (unsigned long long)h->host_id);
			return -1;
		}
	if (h->privilege[0] != '\0' &&
	    ipmi_privilege_parse(h->privilege, &pr, e) == -1) {
		set_err(err, "bmc.hosts[%zu] (host %llu) privilege: %s", i,
		    (unsigned long long)h->host_id, e);
		return -1;
	}
	h->has_workarounds = h->workarounds[0] != '\0';
	if (h->has_workarounds &&
	    ipmi_workarounds_parse(h->workarounds, &wa, e) == -1) {
		set_err(err, "bmc.hosts[%zu] (host %llu) workarounds: %s", i,
		    (unsigned long long)h->host_id, e);
		return -1;
	}
	if (bmc_session_ok(h->user, h->password, h->cipher_suite, e) == -1) {
		set_err(err, "bmc.hosts[%zu] (host %llu): %s", i,
		    (unsigned long long)h->host_id, e);
		return -1;
	}
	return 0;
}

static const struct cfg_table bmc_host_table = {
	.name = "hosts", .keys = bmc_host_keys, .nkeys = NELEM(bmc_host_keys),
	.size = sizeof(struct bmc_host_config), .elem_ok = bmc_host_ok,
};

#define DUR(n, f, lo, hi, d, dc) { .name = n, .type = CFGT_DURATION, \
	CFG_AT(bmc_config, f), .min = lo, .max = hi, .def = d, .doc = dc }

static const struct cfg_key bmc_keys[] = {
	{ .name = "user", .type = CFGT_STRING, CFG_AT(bmc_config, user),
	    .sdef = "admin", .doc = "BMC user" },
	{ .name = "password", .type = CFGT_SECRET, CFG_AT(bmc_config, password),
	    .aux_off = offsetof(struct bmc_config, has_password),
	    .doc = "password or password_file (one line, mode 600)" },
	{ .name = "port", .type = CFGT_UINT, CFG_AT(bmc_config, port),
	    .min = 1, .max = 65535, .def = IPMI_PORT_DEFAULT,
	    .doc = "RMCP port" },
	{ .name = "cipher_suite", .type = CFGT_INT,
	    CFG_AT(bmc_config, cipher_suite), .min = 0, .max = 17,
	    .def = IPMI_CIPHER_DEFAULT, .doc = "IPMI cipher suite id" },
	{ .name = "privilege", .type = CFGT_STRING,
	    CFG_AT(bmc_config, privilege), .sdef = "operator",
	    .value_ok = bmc_privilege_ok, .doc = "operator or admin" },
	{ .name = "workarounds", .type = CFGT_STRING,
	    CFG_AT(bmc_config, workarounds), .sdef = "",
	    .value_ok = bmc_workarounds_ok,
	    .doc = "comma-separated FreeIPMI workaround names" },
	DUR("session_timeout", session_timeout_ms, 100, 60000,
	    BMC_SESSION_TIMEOUT_MS_DEFAULT, "one IPMI session's timeout"),
	DUR("retransmission_timeout", retrans_timeout_ms, 50, 60000,
	    BMC_RETRANS_TIMEOUT_MS_DEFAULT, "first retransmit after this"),
	{ .name = "use_oobm", .type = CFGT_BOOL, CFG_AT(bmc_config, use_oobm),
	    .min = 0, .max = 1, .def = 1,
	    .doc = "address and port from CloudStack's oobm rows" },
	{ .name = "workers", .type = CFGT_UINT, CFG_AT(bmc_config, workers),
	    .min = 1, .max = BMC_WORKERS_MAX, .def = BMC_WORKERS_DEFAULT,
	    .doc = "concurrent BMC sessions" },
	/* console capture over SOL (fence/sol_conf.h, issue 16) */
	{ .name = "console_capture", .type = CFGT_ENUM,
	    CFG_AT(bmc_config, sol.capture), .def = SOL_CAPTURE_AUTO,
	    .names = sol_capture_names,
	    .doc = "off, on, or auto (on until a BMC's SOL refuses)" },
	{ .name = "console_bytes", .type = CFGT_UINT,
	    CFG_AT(bmc_config, sol.console_bytes),
	    .min = SOL_CONSOLE_BYTES_MIN, .max = SOL_CONSOLE_BYTES_MAX,
	    .def = SOL_CONSOLE_BYTES_DEFAULT,
	    .doc = "newest console bytes kept per capture" },
	{ .name = "sol_workarounds", .type = CFGT_STRING,
	    CFG_AT(bmc_config, sol.workarounds), .sdef = "",
	    .value_ok = sol_workarounds_ok,
	    .doc = "libipmiconsole workaround names" },
	{ .name = "sol_steal", .type = CFGT_BOOL,
	    CFG_AT(bmc_config, sol.steal), .min = 0, .max = 1, .def = 0,
	    .doc = "take over a SOL session another client holds" },
	{ .name = "hosts", .type = CFGT_LIST, CFG_AT(bmc_config, hosts),
	    .max = CFG_MAX_BMC_HOSTS, .sub = &bmc_host_table,
	    .aux_off = offsetof(struct bmc_config, nhosts),
	    .flags = CFG_F_ALLOC, .doc = "per-host overrides" },
};

static int
bmc_check(const struct config *c, char *at, size_t atlen, char *err)
{
	char	e[ERR_LEN];

	cfg_at(at, atlen, "bmc");
	if (c->bmc.retrans_timeout_ms >= c->bmc.session_timeout_ms) {
		set_err(err, "bmc.retransmission_timeout must be below "
		    "bmc.session_timeout");
		return -1;
	}
	if (bmc_session_ok(c->bmc.user, c->bmc.password, c->bmc.cipher_suite,
	    e) == -1) {
		set_err(err, "bmc: %s", e);
		return -1;
	}
	return 0;
}

const struct cfg_table bmc_config_table = {
	.name = "bmc", .keys = bmc_keys, .nkeys = NELEM(bmc_keys),
	.size = sizeof(struct bmc_config), .check = bmc_check,
};

void
bmc_oobm_resolve(struct config *c)
{
	struct cs_db_creds	cs;
	char			e[ERR_LEN];

	c->bmc.oobm_secret[0] = '\0';
	c->bmc.oobm_secret_err[0] = '\0';
	if (!c->bmc.use_oobm)
		return;
	if (cs_properties_load(c->db.cloudstack_properties, &cs, e,
	    sizeof(e)) == -1) {
		snprintf(c->bmc.oobm_secret_err, sizeof(c->bmc.oobm_secret_err),
		    "%.200s", e);
		return;
	}
	c->bmc.oobm_encrypted = cs.encrypted;
	c->bmc.oobm_version = (int)cs.db_version;
	snprintf(c->bmc.oobm_secret, sizeof(c->bmc.oobm_secret), "%s",
	    cs.db_secret);
	cs_db_creds_clear(&cs);
}
