/*
 * pool_keys.c -- the `pools` list of hawatch.conf: heartbeat pools added
 * to (or overriding) CloudStack's storage_pool rows.
 */
#include <string.h>

#include "config.h"
#include "config_table.h"
#include "util.h"

static int
pool_url_ok(const char *v, char *err)
{
	if (strncmp(v, "nfs://", 6) != 0) {
		set_err(err, "pools url must start with nfs://");
		return -1;
	}
	return 0;
}

static int
pool_path_ok(const char *v, char *err)
{
	if (v[0] != '/') {
		set_err(err, "pools path must be absolute");
		return -1;
	}
	return 0;
}

/* url and path both land in spec; the dump shows spec */
static const struct cfg_key pool_keys[] = {
	{ .name = "id", .type = CFGT_ID, CFG_AT(pool_config, id),
	    .doc = "storage_pool.id it overrides, or its own" },
	{ .name = "url", .type = CFGT_STRING, CFG_AT(pool_config, spec),
	    .value_ok = pool_url_ok, .flags = CFG_F_NODUMP | CFG_F_ONE_OF,
	    .doc = "nfs://server[:port]/export?version=4 (read with libnfs)" },
	{ .name = "path", .type = CFGT_STRING, CFG_AT(pool_config, spec),
	    .value_ok = pool_path_ok, .flags = CFG_F_NODUMP | CFG_F_ONE_OF,
	    .doc = "a directory this node mounts itself" },
	{ .name = "spec", .type = CFGT_STRING, CFG_AT(pool_config, spec),
	    .flags = CFG_F_DUMPONLY, .doc = "the url or path given" },
	{ .name = "cluster_id", .type = CFGT_ID, CFG_AT(pool_config, cluster_id),
	    .doc = "hosts of this cluster (0: every host)" },
};

static int
pool_ok(void *elems, size_t i, char *err)
{
	struct pool_config	*pools = elems, *pc = &pools[i];
	size_t			 k;

	if (pc->id == 0 || pc->spec[0] == '\0') {
		set_err(err, "pools[%zu] needs id and url or path", i);
		return -1;
	}
	for (k = 0; k < i; k++)
		if (pools[k].id == pc->id) {
			set_err(err, "pools: id %llu listed twice",
			    (unsigned long long)pc->id);
			return -1;
		}
	pc->from_config = 1;
	return 0;
}

const struct cfg_table pool_config_table = {
	.name = "pools", .keys = pool_keys, .nkeys = NELEM(pool_keys),
	.size = sizeof(struct pool_config), .elem_ok = pool_ok,
};
