/*
 * inventory.c -- read hosts, pools and VM counts for one tick (see
 * inventory.h).  A constant number of queries whatever the cluster size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw_schema.h"
#include "inventory.h"
#include "log.h"
#include "util.h"
#include "vm_reconcile.h"

void
inventory_free(struct inventory *inv)
{
	free(inv->hosts);
	free(inv->pools);
	memset(inv, 0, sizeof(*inv));
}

const struct inv_host *
inventory_host(const struct inventory *inv, uint64_t id)
{
	size_t	lo = 0, hi = inv->nhosts, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (inv->hosts[mid].id == id)
			return &inv->hosts[mid];
		if (inv->hosts[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static struct inv_host *
host_mut(struct inventory *inv, uint64_t id)
{
	return (struct inv_host *)(uintptr_t)inventory_host(inv, id);
}

static void
cpy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src != NULL ? src : "");
}

static int
load_hosts(struct db *db, struct inventory *inv, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct inv_host	*h;
	char		 sql[1024], t1[160], t2[160];
	size_t		 n;
	const char	*rs;

	/* KVM routing hosts that CloudStack has not removed */
	snprintf(sql, sizeof(sql), "SELECT h.id, IFNULL(h.cluster_id, 0), "
	    "h.data_center_id, h.name, h.private_ip_address, h.status, "
	    "h.resource_state, IFNULL(hc.ha_state, '') FROM %s h LEFT JOIN %s "
	    "hc ON hc.resource_id = h.id AND hc.resource_type = 'Host' WHERE "
	    "h.removed IS NULL AND h.type = 'Routing' AND h.hypervisor_type = "
	    "'KVM' ORDER BY h.id", cs_table(db, "host", t1, sizeof(t1)),
	    cs_table(db, "ha_config", t2, sizeof(t2)));
	if ((res = db_query(db, "read hosts", sql, err)) == NULL)
		return -1;
	n = (size_t)mysql_num_rows(res);
	inv->hosts = xcalloc(n, sizeof(*inv->hosts));
	while ((row = mysql_fetch_row(res)) != NULL) {
		h = &inv->hosts[inv->nhosts++];
		h->id = row_u64(row, 0, 0);
		h->cluster_id = row_u64(row, 1, 0);
		h->zone_id = row_u64(row, 2, 0);
		cpy(h->name, sizeof(h->name), row[3]);
		cpy(h->ip, sizeof(h->ip), row[4]);
		cpy(h->status, sizeof(h->status), row[5]);
		cpy(h->resource_state, sizeof(h->resource_state), row[6]);
		rs = h->resource_state;
		/*
		 * CloudStack's Host HA puts a host it fenced into Maintenance
		 * (InternalEnterMaintenance): that host is exactly the one
		 * whose VMs may be stuck Running, so it stays watched.
		 */
		if (strcmp(row_str(row, 7, ""), "Fenced") == 0)
			h->ignore = IGN_NONE;
		else if (strcmp(rs, "Maintenance") == 0 ||
		    strcmp(rs, "PrepareForMaintenance") == 0 ||
		    strcmp(rs, "ErrorInPrepareForMaintenance") == 0 ||
		    strcmp(rs, "ErrorInMaintenance") == 0)
			h->ignore = IGN_MAINTENANCE;
		else if (strcmp(rs, "Disabled") == 0)
			h->ignore = IGN_DISABLED;
	}
	mysql_free_result(res);
	return 0;
}

static int
load_vm_counts(struct db *db, struct inventory *inv, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct inv_host	*h;
	char		 sql[512], t[160];

	snprintf(sql, sizeof(sql), "SELECT host_id, COUNT(*) FROM %s WHERE "
	    "removed IS NULL AND host_id IS NOT NULL AND state IN ('Running', "
	    "'Starting', 'Stopping') GROUP BY host_id",
	    cs_table(db, "vm_instance", t, sizeof(t)));
	if ((res = db_query(db, "count VMs", sql, err)) == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL)
		if ((h = host_mut(inv, row_u64(row, 0, 0))) != NULL)
			h->vms_active = (uint32_t)row_u64(row, 1, 0);
	mysql_free_result(res);
	return 0;
}

static int
load_oobm(struct db *db, struct inventory *inv, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct inv_host	*h;
	char		 sql[512], t[160];
	uint64_t	 port;

	snprintf(sql, sizeof(sql), "SELECT host_id, address, port, username, "
	    "password FROM %s "
	    "WHERE enabled = 1 AND host_id IS NOT NULL AND address IS NOT NULL",
	    cs_table(db, "oobm", t, sizeof(t)));
	if ((res = db_query(db, "read oobm", sql, err)) == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL) {
		if ((h = host_mut(inv, row_u64(row, 0, 0))) == NULL)
			continue;
		cpy(h->bmc_addr, sizeof(h->bmc_addr), row[1]);
		/* oobm.port became VARCHAR in 4.11; ignore what is no port */
		if (row[2] != NULL && parse_u64(row[2], &port) == 0 &&
		    port > 0 && port < 65536)
			h->bmc_port = (unsigned)port;
		cpy(h->bmc_user, sizeof(h->bmc_user), row[3]);
		cpy(h->bmc_password_stored, sizeof(h->bmc_password_stored),
		    row[4]);
	}
	mysql_free_result(res);
	return 0;
}

static int
pool_cmp(const void *a, const void *b)
{
	const struct inv_pool	*x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

static int
load_pools(struct db *db, const struct config *cfg, struct inventory *inv,
    char *err)
{
	MYSQL_RES	*res = NULL;
	MYSQL_ROW	 row;
	struct inv_pool	*p;
	char		 sql[768], t[160];
	size_t		 n = 0, i, j;

	if (cfg->use_cloudstack_pools) {
		snprintf(sql, sizeof(sql), "SELECT id, name, host_address, "
		    "path, IFNULL(cluster_id, 0), data_center_id, scope FROM %s "
		    "WHERE removed IS NULL AND pool_type = 'NetworkFilesystem' "
		    "AND (status IS NULL OR status NOT IN ('Maintenance', "
		    "'Removed', 'Disabled')) ORDER BY id",
		    cs_table(db, "storage_pool", t, sizeof(t)));
		if ((res = db_query(db, "read pools", sql, err)) == NULL)
			return -1;
		n = (size_t)mysql_num_rows(res);
	}
	inv->pools = xcalloc(n + cfg->npools, sizeof(*inv->pools));
	while (res != NULL && (row = mysql_fetch_row(res)) != NULL) {
		p = &inv->pools[inv->npools++];
		p->id = row_u64(row, 0, 0);
		p->from_cs = 1;
		cpy(p->name, sizeof(p->name), row[1]);
		snprintf(p->spec, sizeof(p->spec), "nfs://%.100s%s%.120s",
		    row_str(row, 2, ""), row_str(row, 3, "/")[0] == '/' ? "" : "/",
		    row_str(row, 3, ""));
		if (strcmp(row_str(row, 6, "CLUSTER"), "ZONE") == 0)
			p->zone_id = row_u64(row, 5, 0);
		else
			p->cluster_id = row_u64(row, 4, 0);
	}
	if (res != NULL)
		mysql_free_result(res);
	/* config pools override a storage_pool row by id, or add one */
	for (i = 0; i < cfg->npools; i++) {
		for (j = 0; j < n; j++)
			if (inv->pools[j].id == cfg->pools[i].id)
				break;
		if (j == n) {
			p = &inv->pools[inv->npools++];
			p->id = cfg->pools[i].id;
			p->cluster_id = cfg->pools[i].cluster_id;
			snprintf(p->name, sizeof(p->name), "config pool %llu",
			    (unsigned long long)p->id);
		} else
			p = &inv->pools[j];
		cpy(p->spec, sizeof(p->spec), cfg->pools[i].spec);
	}
	qsort(inv->pools, inv->npools, sizeof(*inv->pools), pool_cmp);
	return 0;
}

static size_t
pool_index(const struct inventory *inv, uint64_t id)
{
	size_t	lo = 0, hi = inv->npools, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (inv->pools[mid].id == id)
			return mid;
		if (inv->pools[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (size_t)-1;
}

/* 0 added (or already there), -1 the host has INV_MAX_POOLS_PER_HOST */
static int
host_add_pool(struct inv_host *h, const struct inventory *inv, size_t j)
{
	size_t	k;

	for (k = 0; k < h->npools; k++)
		if (h->pools[k] == j)
			return 0;
	if (h->npools == INV_MAX_POOLS_PER_HOST) {
		log_warn("inventory.too_many_pools", "host=%llu max=%d pool=%llu",
		    (unsigned long long)h->id, INV_MAX_POOLS_PER_HOST,
		    (unsigned long long)inv->pools[j].id);
		return -1;
	}
	h->pools[h->npools++] = j;
	return 0;
}

/* storage_pool rows: the hosts storage_pool_host_ref attaches */
static int
load_pool_refs(struct db *db, struct inventory *inv, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct inv_host	*h;
	char		 sql[512], t[160];
	size_t		 j;

	if (inv->npools == 0)
		return 0;
	snprintf(sql, sizeof(sql), "SELECT pool_id, host_id FROM %s ORDER BY "
	    "pool_id, host_id", cs_table(db, "storage_pool_host_ref", t,
	    sizeof(t)));
	if ((res = db_query(db, "read pool attachments", sql, err)) == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL) {
		j = pool_index(inv, row_u64(row, 0, 0));
		h = host_mut(inv, row_u64(row, 1, 0));
		if (j != (size_t)-1 && h != NULL && inv->pools[j].from_cs)
			(void)host_add_pool(h, inv, j);
	}
	mysql_free_result(res);
	return 0;
}

/* pools only the config defines: by their cluster (0: every host) */
static void
map_config_pools(struct inventory *inv)
{
	struct inv_host	*h;
	struct inv_pool	*p;
	size_t		 i, j;

	for (i = 0; i < inv->nhosts; i++) {
		h = &inv->hosts[i];
		for (j = 0; j < inv->npools; j++) {
			p = &inv->pools[j];
			if (p->from_cs)
				continue;
			if (p->cluster_id != 0 && p->cluster_id != h->cluster_id)
				continue;
			if (host_add_pool(h, inv, j) == -1)
				break;
		}
	}
}

static int
ip_cmp(const void *a, const void *b)
{
	const struct inv_host	*x = *(const struct inv_host *const *)a;
	const struct inv_host	*y = *(const struct inv_host *const *)b;

	return strcmp(x->ip, y->ip);
}

/* hosts sharing a private IP (and so a heartbeat file): dup_ip */
static void
mark_duplicate_ips(struct inventory *inv)
{
	struct inv_host	**by_ip;
	size_t		  i, j;

	if (inv->nhosts < 2)
		return;
	by_ip = xcalloc(inv->nhosts, sizeof(*by_ip));
	for (i = 0; i < inv->nhosts; i++)
		by_ip[i] = &inv->hosts[i];
	qsort(by_ip, inv->nhosts, sizeof(*by_ip), ip_cmp);
	for (i = 0; i < inv->nhosts; i = j) {
		for (j = i + 1; j < inv->nhosts &&
		    strcmp(by_ip[i]->ip, by_ip[j]->ip) == 0; j++)
			;
		if (j - i < 2 || by_ip[i]->ip[0] == '\0')
			continue;
		for (; i < j; i++)
			by_ip[i]->dup_ip = 1;
	}
	free(by_ip);
}

static int
load_hawatch_state(struct db *db, struct inventory *inv, char *err)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct inv_host	*h;
	char		 sql[512], t[160];
	int		 r;

	if ((r = hw_schema_present(db, err)) == -1)
		return -1;
	inv->hw_schema = r;
	if (r == 0)
		return 0;
	snprintf(sql, sizeof(sql), "SELECT host_id FROM %s",
	    hw_table(db, "host_exclusion", t, sizeof(t)));
	if ((res = db_query(db, "read exclusions", sql, err)) == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL)
		if ((h = host_mut(inv, row_u64(row, 0, 0))) != NULL)
			h->ignore = IGN_OPERATOR;
	mysql_free_result(res);
	snprintf(sql, sizeof(sql), "SELECT host_id, source FROM %s WHERE "
	    "cleared_at IS NULL", hw_table(db, "fenced_host", t, sizeof(t)));
	if ((res = db_query(db, "read fence records", sql, err)) == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL)
		if ((h = host_mut(inv, row_u64(row, 0, 0))) != NULL) {
			h->fence_record = 1;
			if (fence_source_parse(row_str(row, 1, ""),
			    &h->fence_source) == -1)
				h->fence_source = FS_NONE;
		}
	mysql_free_result(res);
	snprintf(sql, sizeof(sql), "SELECT host_id, attempts FROM %s",
	    hw_table(db, "fence_attempt", t, sizeof(t)));
	if ((res = db_query(db, "read fence attempts", sql, err)) == NULL)
		return -1;
	while ((row = mysql_fetch_row(res)) != NULL)
		if ((h = host_mut(inv, row_u64(row, 0, 0))) != NULL)
			h->fence_attempts_recorded = (uint32_t)row_u64(row, 1,
			    0);
	mysql_free_result(res);
	return 0;
}

int
inventory_load(struct db *db, const struct config *cfg, struct inventory *inv,
    char *err)
{
	memset(inv, 0, sizeof(*inv));
	if (load_hosts(db, inv, err) == -1 ||
	    load_vm_counts(db, inv, err) == -1 ||
	    load_oobm(db, inv, err) == -1 ||
	    load_pools(db, cfg, inv, err) == -1 ||
	    load_pool_refs(db, inv, err) == -1 ||
	    load_hawatch_state(db, inv, err) == -1) {
		inventory_free(inv);
		return -1;
	}
	map_config_pools(inv);
	mark_duplicate_ips(inv);
	return 0;
}
