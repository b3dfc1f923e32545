/*
 * bmc_target.h -- the IPMI target of one host, from the config and
 * CloudStack's oobm row: a per-host override in bmc.hosts wins, then the
 * oobm address and port (bmc.use_oobm), then the global bmc defaults.
 * Used by the daemon and by `hawatch doctor`, so both talk to the same BMC
 * (and read the same console capture settings, bmc_sol_settings()).
 */
#ifndef HAWATCH_BMC_TARGET_H
#define HAWATCH_BMC_TARGET_H

#include "config.h"
#include "inventory.h"
#include "ipmi.h"

/* 1 target filled, 0 the host has no BMC, -1 bad configuration (err) */
/*
 * Where host h's BMC user and password come from, for `doctor` (never a
 * value): "bmc.hosts", "oobm row" or "bmc group", user/password apart.
 */
void	bmc_target_cred_source(const struct config *, const struct inv_host *,
	    char *out, size_t len);
int	bmc_target_from_config(const struct config *, const struct inv_host *,
	    struct ipmi_target *, char *err);

/* The host's console capture settings (bmc + its bmc.hosts entry): 0, or
 * -1 with err (bad sol_workarounds). */
int	bmc_sol_settings(const struct config *, uint64_t host_id,
	    struct sol_settings *, char *err);

#endif
