/*
 * bmc_target.c -- one host's IPMI target from config + oobm (bmc_target.h).
 */
#include <stdio.h>
#include <string.h>

#include "bmc_target.h"
#include "cs_properties.h"
#include "util.h"

static const struct bmc_host_config *
bmc_override(const struct config *c, uint64_t id)
{
	size_t	i;

	for (i = 0; i < c->bmc.nhosts; i++)
		if (c->bmc.hosts[i].host_id == id)
			return &c->bmc.hosts[i];
	return NULL;
}

/*
 * The password of host h's BMC, by precedence: its bmc.hosts entry, then
 * its oobm row (bmc.use_oobm; decrypted with db.cloud.encrypt.secret as
 * CloudStack's DBEncryptionUtil does), then bmc.password.  -1 with err
 * naming the host and the field, never a value.
 */
static int
bmc_password(const struct config *c, const struct bmc_host_config *o,
    const struct inv_host *h, char *out, size_t len, char *err)
{
	struct cs_db_creds	cs;
	char			e[ERR_LEN];
	int			rc;

	if (o != NULL && o->has_password) {
		snprintf(out, len, "%.*s", (int)len - 1, o->password);
		return 0;
	}
	if (!c->bmc.use_oobm || h->bmc_password_stored[0] == '\0') {
		snprintf(out, len, "%.*s", (int)len - 1, c->bmc.password);
		return 0;
	}
	if (c->bmc.oobm_secret_err[0] != '\0') {
		snprintf(err, ERR_LEN, "host %llu: oobm.password cannot be "
		    "decrypted: CloudStack's key is not available "
		    "(database.cloudstack_properties): %s",
		    (unsigned long long)h->id, c->bmc.oobm_secret_err);
		return -1;
	}
	memset(&cs, 0, sizeof(cs));
	cs.encrypted = c->bmc.oobm_encrypted;
	cs.db_version = (enum cs_enc_version)c->bmc.oobm_version;
	snprintf(cs.db_secret, sizeof(cs.db_secret), "%s", c->bmc.oobm_secret);
	rc = cs_oobm_password_decrypt(&cs, h->bmc_password_stored, out, len,
	    e, sizeof(e));
	cs_db_creds_clear(&cs);
	if (rc == -1)
		snprintf(err, ERR_LEN, "host %llu: %.400s",
		    (unsigned long long)h->id, e);
	return rc;
}

int
bmc_target_from_config(const struct config *c, const struct inv_host *h,
    struct ipmi_target *t, char *err)
{
	const struct bmc_host_config	*o = bmc_override(c, h->id);
	const char			*addr = NULL, *priv, *wa;
	char				 hp[300];
	unsigned			 port = c->bmc.port;

	ipmi_target_init(t);
	if (o != NULL && o->address[0] != '\0')
		addr = o->address;
	else if (c->bmc.use_oobm && h->bmc_addr[0] != '\0') {
		addr = h->bmc_addr;
		if (h->bmc_port != 0)
			port = h->bmc_port;
	}
	if (addr == NULL)
		return 0;
	if (o != NULL && o->port != 0)
		port = o->port;
	snprintf(hp, sizeof(hp), strchr(addr, ':') ? "[%s]:%u" : "%s:%u",
	    addr, port);
	priv = o != NULL && o->privilege[0] ? o->privilege : c->bmc.privilege;
	wa = o != NULL && o->has_workarounds ? o->workarounds :
	    c->bmc.workarounds;
	if (ipmi_target_set_addr(t, hp, err) == -1 ||
	    ipmi_privilege_parse(priv, &t->privilege, err) == -1 ||
	    ipmi_workarounds_parse(wa, &t->workaround_flags, err) == -1)
		return -1;
	snprintf(t->user, sizeof(t->user), "%.63s",
	    o != NULL && o->user[0] ? o->user :
	    c->bmc.use_oobm && h->bmc_user[0] ? h->bmc_user : c->bmc.user);
	if (bmc_password(c, o, h, t->password, sizeof(t->password), err) == -1)
		return -1;
	t->cipher_suite = o != NULL && o->cipher_suite >= 0 ? o->cipher_suite :
	    c->bmc.cipher_suite;
	t->session_timeout_ms = c->bmc.session_timeout_ms;
	t->retrans_timeout_ms = c->bmc.retrans_timeout_ms;
	return 1;
}

void
bmc_target_cred_source(const struct config *c, const struct inv_host *h,
    char *out, size_t len)
{
	const struct bmc_host_config	*o = bmc_override(c, h->id);
	const char			*user, *pass;

	user = o != NULL && o->user[0] ? "bmc.hosts" :
	    c->bmc.use_oobm && h->bmc_user[0] ? "oobm row" : "bmc group";
	pass = o != NULL && o->has_password ? "bmc.hosts" :
	    c->bmc.use_oobm && h->bmc_password_stored[0] ? "oobm row" :
	    "bmc group";
	snprintf(out, len, "user from %s, password from %s", user, pass);
}

int
bmc_sol_settings(const struct config *c, uint64_t id, struct sol_settings *s,
    char *err)
{
	const struct bmc_host_config	*o = bmc_override(c, id);

	return sol_conf_resolve(&c->bmc.sol, o != NULL ? &o->sol : NULL, s,
	    err);
}
