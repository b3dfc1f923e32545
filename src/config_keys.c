/*
 * config_keys.c -- the top level of hawatch.conf: the log level, whether
 * pools come from CloudStack, and the groups each module owns.  Their
 * order here is the order of config-check --dump and of the checks.
 */
#include <stdarg.h>
#include <stdio.h>

#include "config.h"
#include "config_table.h"
#include "util.h"

static const char *const log_level_names[] = {
	"debug", "info", "warn", "error", NULL,	/* enum log_level order */
};

#define GROUP(n, f, t) { .name = n, .type = CFGT_GROUP, CFG_AT(config, f), \
	.sub = &t, .doc = "the " n " group" }

static const struct cfg_key root_keys[] = {
	{ .name = "log_level", .type = CFGT_ENUM, CFG_AT(config, log_level),
	    .def = LOG_LVL_INFO, .names = log_level_names,
	    .doc = "debug, info, warn or error" },
	{ .name = "use_cloudstack_pools", .type = CFGT_BOOL,
	    CFG_AT(config, use_cloudstack_pools), .min = 0, .max = 1, .def = 1,
	    .doc = "read heartbeats on CloudStack's NFS primary pools" },
	GROUP("database", db, db_config_table),
	GROUP("daemon", daemon, daemon_config_table),
	{ .name = "pools", .type = CFGT_LIST, CFG_AT(config, pools),
	    .max = CFG_MAX_POOLS, .sub = &pool_config_table,
	    .aux_off = offsetof(struct config, npools),
	    .doc = "heartbeat pools added or overridden" },
	GROUP("bmc", bmc, bmc_config_table),
	GROUP("sweep", sweep, sweep_config_table),
	GROUP("reconcile", reconcile, reconcile_config_table),
	GROUP("metrics", metrics, metrics_config_table),
};

const struct cfg_table config_root_table = {
	.name = "", .keys = root_keys, .nkeys = NELEM(root_keys),
	.size = sizeof(struct config),
};

void
cfg_at(char *at, size_t atlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(at, atlen, fmt, ap);
	va_end(ap);
}
