/*
 * bmc_target.c -- one host's IPMI target from config + oobm (bmc_target.h).
 */
#include <stdio.h>
#include <string.h>

#include "bmc_target.h"

static const struct bmc_host_config *
bmc_override(const struct config *c, uint64_t id)
{
	size_t	i;

	for (i = 0; i < c->bmc.nhosts; i++)
		if (c->bmc.hosts[i].host_id == id)
			return &c->bmc.hosts[i];
	return NULL;
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
	    o != NULL && o->user[0] ? o->user : c->bmc.user);
	snprintf(t->password, sizeof(t->password), "%.63s",
	    o != NULL && o->has_password ? o->password : c->bmc.password);
	t->cipher_suite = o != NULL && o->cipher_suite >= 0 ? o->cipher_suite :
	    c->bmc.cipher_suite;
	t->session_timeout_ms = c->bmc.session_timeout_ms;
	t->retrans_timeout_ms = c->bmc.retrans_timeout_ms;
	return 1;
}


int
bmc_sol_settings(const struct config *c, uint64_t id, struct sol_settings *s,
    char *err)
{
	const struct sol_host_conf	*hc = NULL;
	size_t				 i;

	for (i = 0; i < c->bmc.nhosts; i++)
		if (c->bmc.hosts[i].host_id == id)
			hc = &c->bmc.hosts[i].sol;
	return sol_conf_resolve(&c->bmc.sol, hc, s, err);
}
