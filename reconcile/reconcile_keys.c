/*
 * reconcile_keys.c -- the `reconcile` group of hawatch.conf: how the
 * per-host reconcile defers to CloudStack's own work (docs/reconcile.md),
 * and restart assurance's limits (reconcile/restart_assurance.h): keys,
 * defaults, ranges.
 */
#include "config.h"
#include "config_table.h"
#include "defaults.h"
#include "util.h"

static const struct cfg_key reconcile_keys[] = {
	{ .name = "cloudstack_grace", .type = CFGT_DURATION,
	    CFG_AT(reconcile_config, cloudstack_grace_ms), .min = 1000,
	    .max = MS_DAY, .def = RECONCILE_CLOUDSTACK_GRACE_MS_DEFAULT,
	    .doc = "a VM whose own HA row a live management server works is "
	    "left to it this long after the row's creation" },
	{ .name = "requeue_max", .type = CFGT_UINT,
	    CFG_AT(reconcile_config, requeue_max), .min = 0, .max = 100,
	    .def = REQUEUE_MAX_DEFAULT,
	    .doc = "re-queues per dropped HA restart, then give up and alert" },
	{ .name = "requeue_after", .type = CFGT_DURATION,
	    CFG_AT(reconcile_config, requeue_after_ms), .min = 0,
	    .max = MS_DAY, .def = REQUEUE_AFTER_MS_DEFAULT,
	    .doc = "least time between hawatch's last HA row and a re-queue" },
};

const struct cfg_table reconcile_config_table = {
	.name = "reconcile", .keys = reconcile_keys,
	.nkeys = NELEM(reconcile_keys), .size = sizeof(struct reconcile_config),
};
