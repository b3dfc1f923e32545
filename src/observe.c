/*
 * observe.c -- the observing half of the supervisor's round (see
 * observe.h): database session and leadership, the inventory and what
 * hangs off it (heartbeat pool slots, BMC targets), then this round's
 * observations for the core: heartbeat readings per (host, pool), BMC
 * power readings and fence results.
 *
 * Adapters produce the core's vocabulary (core_types.h) directly; the
 * only things added here are "no BMC configured" and "no reading yet".
 * Nothing here decides or writes to the database.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "bmc_target.h"
#include "daemon.h"
#include "ipmi.h"
#include "log.h"
#include "observe.h"
#include "trust.h"
#include "util.h"

/* --- database session and leadership ---------------------------------- */

static void
db_down(struct daemon *d, const char *err)
{
	/* once per outage, and when the database is unreachable at start */
	if (d->db_up || (d->ticks == 0 && strcmp(d->db_err, err) != 0))
		log_err("db.down", "error=\"%s\"", err);
	snprintf(d->db_err, sizeof(d->db_err), "%s", err);
	d->db_up = 0;
	d->is_leader = 0;
	leader_lost(&d->leader, "database unavailable");
	db_close(&d->db);
}

/* cfg: the database config with its host resolved off the tick (1), or
 * 0 pending / -1 failed (err says) */
static int
db_resolved(struct daemon *d, struct db_config *cfg, char *err)
{
	char	addr[INET6_ADDRSTRLEN];
	int	r;

	*cfg = d->cfg.db;
	if (cfg->socket[0] != '\0' || d->resolver == NULL)
		return 1;
	r = resolver_lookup(d->resolver, cfg->host, addr, sizeof(addr), err);
	if (r == 1)
		snprintf(cfg->host, sizeof(cfg->host), "%s", addr);
	else {
		char	e[ERR_LEN];

		snprintf(e, sizeof(e), "%s", err);
		set_err(err, "database.host: %s", e);
	}
	return r;
}

static void
db_ensure(struct daemon *d, uint64_t now)
{
	struct db_config	cfg;
	char			err[ERR_LEN];

	if (d->db_up)
		return;
	if (now < d->db_next_try_ms)
		return;
	d->db_next_try_ms = now + d->cfg.daemon.leader_retry_ms;
	if (db_resolved(d, &cfg, err) != 1) {
		db_down(d, err);	/* "down" this round, never blocking */
		return;
	}
	if (db_connect(&d->db, &cfg, err) == -1) {
		db_down(d, err);
		return;
	}
	db_set_deadline(&d->db, d->db_deadline_ms);
	d->db_up = 1;
	d->db_err[0] = '\0';
	d->main_conn_id = db_connection_id(&d->db);
	log_info("db.up", "instance=%s", d->instance);
}

/* --- inventory, pool slots, BMC targets -------------------------------- */

/* carry per-host memory over to a new inventory (both sorted by id) */
static struct host_extra *
extra_rebuild(struct daemon *d, const struct inventory *inv)
{
	struct host_extra	*x = xcalloc(inv->nhosts, sizeof(*x));
	size_t			 i, j = 0;

	for (i = 0; i < inv->nhosts; i++) {
		while (j < d->inv.nhosts && d->inv.hosts[j].id < inv->hosts[i].id)
			j++;
		if (j < d->inv.nhosts && d->inv.hosts[j].id == inv->hosts[i].id)
			x[i] = d->extra[j];
		x[i].id = inv->hosts[i].id;
	}
	return x;
}

/*
 * the slot's spec with its NFS server's address (the resolver's, never a
 * lookup on the tick) in open_spec: 1; 0 pending, -1 failed (logged when
 * the reason changes)
 */
static int
slot_address(struct daemon *d, struct hb_pool_slot *s)
{
	char	err[ERR_LEN];
	int	r;

	r = resolver_nfs_url(d->resolver, s->spec, s->open_spec,
	    sizeof(s->open_spec), err);
	if (r != 1)
		log_debug("pool.resolve", "pool=%llu spec=%s %s",
		    (unsigned long long)s->pool_id, s->spec, err);
	return r;
}

/* keep one open hb_pool per pool spec and address; open new ones, close
 * dropped ones */
static void
slots_sync(struct daemon *d, const struct inventory *inv)
{
	struct hb_pool_slot	*ns = xcalloc(inv->npools, sizeof(*ns));
	char			 err[ERR_LEN];
	size_t			 i, j;

	for (i = 0; i < inv->npools; i++) {
		ns[i].pool_id = inv->pools[i].id;
		snprintf(ns[i].spec, sizeof(ns[i].spec), "%s",
		    inv->pools[i].spec);
		if (slot_address(d, &ns[i]) != 1)
			continue;	/* hosts UNKNOWN on it this round */
		for (j = 0; j < d->nslots; j++)
			if (d->slots[j].pool != NULL &&
			    d->slots[j].pool_id == ns[i].pool_id &&
			    strcmp(d->slots[j].open_spec, ns[i].open_spec) == 0) {
				ns[i].pool = d->slots[j].pool;
				d->slots[j].pool = NULL;
				break;
			}
		if (ns[i].pool != NULL)
			continue;
		ns[i].pool = hb_pool_open(ns[i].open_spec, &d->hb_opts, err);
		if (ns[i].pool == NULL)
			log_err("pool.bad", "pool=%llu spec=%s error=\"%s\"",
			    (unsigned long long)ns[i].pool_id, ns[i].spec, err);
		else
			log_info("pool.open", "pool=%llu kind=%s spec=%s "
			    "opened=%s", (unsigned long long)ns[i].pool_id,
			    hb_pool_kind(ns[i].pool), ns[i].spec,
			    ns[i].open_spec);
	}
	for (j = 0; j < d->nslots; j++)
		if (d->slots[j].pool != NULL)
			hb_pool_close(d->slots[j].pool);
	free(d->slots);
	d->slots = ns;
	d->nslots = inv->npools;
}

/* 0 and t filled when the host has a usable BMC, -1 (logged) if not */
static int
bmc_target(struct daemon *d, const struct inv_host *h, struct ipmi_target *t)
{
	char	err[ERR_LEN];

	switch (bmc_target_from_config(&d->cfg, h, t, err)) {
	case 1:
		return 0;
	case -1:
		log_err("bmc.config", "host=%llu error=\"%s\"",
		    (unsigned long long)h->id, err);
		break;
	}
	return -1;
}

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char	*c = p;

	while (n-- > 0)
		h = (h ^ *c++) * 1099511628211ull;
	return h;
}

static void
bmc_sync(struct daemon *d)
{
	struct ipmi_target	*t = xcalloc(d->inv.nhosts, sizeof(*t));
	uint32_t		*ids = xcalloc(d->inv.nhosts, sizeof(*ids));
	uint64_t		 hash = 1469598103934665603ull;
	size_t			 i, n = 0;

	for (i = 0; i < d->inv.nhosts; i++) {
		d->extra[i].has_bmc = 0;
		if (bmc_target(d, &d->inv.hosts[i], &t[n]) == -1)
			continue;
		d->extra[i].has_bmc = 1;
		ids[n] = (uint32_t)d->inv.hosts[i].id;
		hash = fnv(hash, &ids[n], sizeof(ids[n]));
		hash = fnv(hash, &t[n], sizeof(t[n]));
		n++;
	}
	if (hash != d->bmc_targets_hash &&
	    bmc_pool_set_targets(d->bmc, ids, t, n) == 0) {
		d->bmc_targets_hash = hash;
		log_info("bmc.targets", "hosts=%zu", n);
	}
	for (i = 0; i < n; i++)
		ipmi_target_clear(&t[i]);
	free(t);
	free(ids);
}

static void
inventory_refresh(struct daemon *d)
{
	struct inventory	 inv;
	struct host_extra	*x;
	char			 err[ERR_LEN];

	if (!d->db_up)
		return;
	if (inventory_load(&d->db, &d->cfg, &inv, err) == -1) {
		db_down(d, err);
		return;
	}
	x = extra_rebuild(d, &inv);
	free(d->extra);
	inventory_free(&d->inv);
	d->inv = inv;
	d->extra = x;
	slots_sync(d, &d->inv);
	bmc_sync(d);
}

void
observe_database(struct daemon *d, uint64_t now)
{
	char	err[ERR_LEN];
	int	r;

	db_ensure(d, now);
	if (d->db_up) {
		r = leader_tick(&d->leader, &d->db, now,
		    d->cfg.daemon.leader_retry_ms, err);
		if (r == -1)
			db_down(d, err);
		d->is_leader = r == 1;
	}
	inventory_refresh(d);
	trust_inventory(d);
}

/* --- heartbeats and BMC views ------------------------------------------ */

/* One round's heartbeat reads: res is np x nh (compacted pool rows). */
struct hb_round {
	struct hb_pool		**pools;	/* open pools, compacted */
	size_t			  npools;
	struct hb_result	 *res;		/* compact, as hb_read_hosts */
	size_t			 *row_of_slot;	/* slot -> row, or (size_t)-1 */
	size_t			 *at;		/* host i's j-th pool: res index
						   at[i * INV_MAX_POOLS_PER_HOST
						   + j], or (size_t)-1 */
	struct hb_pool_hosts	 *sel;		/* per row: attached hosts */
	uint32_t		 *idx;		/* sel[].idx storage */
};

/*
 * Each open pool reads only the hosts mapped to it (attached, by
 * storage_pool_host_ref; a config-only pool by cluster): a host is never
 * judged by a file on a pool it does not write.  Fills r->sel, r->idx,
 * r->at and r->res (sized for the lists).
 */
static void
attach_lists(struct daemon *d, struct hb_round *r)
{
	const struct inv_host	*h;
	size_t			*off, *cnt, i, j, k, s, n = 0, nh = d->inv.nhosts;

	off = xcalloc(r->npools + 1, sizeof(*off));
	cnt = xcalloc(r->npools + 1, sizeof(*cnt));
	r->at = xcalloc(nh * INV_MAX_POOLS_PER_HOST + 1, sizeof(*r->at));
	for (i = 0; i < nh; i++)
		for (j = 0; j < d->inv.hosts[i].npools; j++)
			if ((k = r->row_of_slot[d->inv.hosts[i].pools[j]]) !=
			    (size_t)-1)
				cnt[k]++;
	for (k = 0; k < r->npools; k++) {
		off[k] = n;
		n += cnt[k];
		cnt[k] = 0;
	}
	r->idx = xcalloc(n + 1, sizeof(*r->idx));
	r->res = xcalloc(n + 1, sizeof(*r->res));
	r->sel = xcalloc(r->npools + 1, sizeof(*r->sel));
	for (i = 0; i < nh; i++) {
		h = &d->inv.hosts[i];
		for (j = 0; j < INV_MAX_POOLS_PER_HOST; j++)
			r->at[i * INV_MAX_POOLS_PER_HOST + j] = (size_t)-1;
		for (j = 0; j < h->npools; j++) {
			s = h->pools[j];
			if ((k = r->row_of_slot[s]) == (size_t)-1)
				continue;
			r->at[i * INV_MAX_POOLS_PER_HOST + j] = off[k] + cnt[k];
			r->idx[off[k] + cnt[k]++] = (uint32_t)i;
		}
	}
	for (k = 0; k < r->npools; k++) {
		r->sel[k].idx = r->idx + off[k];
		r->sel[k].n = cnt[k];
	}
	free(off);
	free(cnt);
}

static void
read_heartbeats(struct daemon *d, struct hb_round *r)
{
	struct hb_pool_status	*pst;
	const char		**ips;
	size_t			  i, j, k, np = d->nslots, nh = d->inv.nhosts;

	r->pools = xcalloc(np + 1, sizeof(*r->pools));
	r->row_of_slot = xcalloc(np + 1, sizeof(*r->row_of_slot));
	ips = xcalloc(nh + 1, sizeof(*ips));
	pst = xcalloc(np, sizeof(*pst));
	/* pools that failed to open stay NULL: every read on them is unknown */
	for (j = 0, k = 0; j < np; j++) {
		r->row_of_slot[j] = (size_t)-1;
		if (d->slots[j].pool != NULL) {
			r->row_of_slot[j] = k;
			r->pools[k++] = d->slots[j].pool;
		}
	}
	r->npools = k;
	attach_lists(d, r);
	for (i = 0; i < nh; i++)
		ips[i] = d->inv.hosts[i].ip;
	if (k > 0 && nh > 0 && hb_read_hosts(r->pools, k, ips, nh, r->sel,
	    d->cfg.daemon.hb_read_deadline_ms, r->res, pst) == -1)
		log_err("heartbeat.read", "error=\"bad arguments\"");
	/* map the compacted rows back to slots */
	for (j = 0; j < np; j++) {
		d->obs_pools[j].pool_id = (uint32_t)d->slots[j].pool_id;
		if (d->slots[j].pool == NULL) {
			memset(&d->slots[j].st, 0, sizeof(d->slots[j].st));
			continue;
		}
		k = r->row_of_slot[j];
		d->slots[j].st = pst[k];
		/* a pool no host is attached to reads nothing and judges
		 * nobody: not "unreadable" */
		d->obs_pools[j].readable = pst[k].readable || r->sel[k].n == 0;
		d->slots[j].pool = r->pools[k];
	}
	free(ips);
	free(pst);
}

static void
observe_heartbeats(struct daemon *d, const struct hb_round *r, size_t i,
    struct host_obs *ho)
{
	const struct inv_host	*h = &d->inv.hosts[i];
	size_t			 j, at;

	for (j = 0; j < h->npools && ho->nhb < CORE_MAX_POOLS_PER_HOST; j++) {
		size_t			 s = h->pools[j];
		struct hb_reading	*rd = &ho->hb[ho->nhb++];
		const struct hb_result	*res;

		rd->pool_id = (uint32_t)d->slots[s].pool_id;
		rd->status = HB_UNKNOWN;
		at = r->at[i * INV_MAX_POOLS_PER_HOST + j];
		if (d->slots[s].pool == NULL || at == (size_t)-1)
			continue;
		res = &r->res[at];
		rd->status = res->status;
		rd->value = res->value;
		rd->mtime_ms = res->mtime_ms;
		if (rd->status == HB_GARBAGE)
			log_debug("heartbeat.garbage", "host=%llu pool=%llu "
			    "reason=\"%s\"", (unsigned long long)h->id,
			    (unsigned long long)d->slots[s].pool_id, res->err);
	}
}

static void
observe_bmc(struct daemon *d, size_t i, struct host_obs *ho)
{
	const struct inv_host	*h = &d->inv.hosts[i];
	struct host_extra	*x = &d->extra[i];
	struct bmc_view		 v;

	if (d->bmc == NULL ||
	    bmc_pool_snapshot(d->bmc, (uint32_t)h->id, &v) == -1) {
		memset(&v, 0, sizeof(v));
		v.power = PWR_UNKNOWN;
	}
	if (!x->has_bmc)
		ho->power = PWR_NO_BMC;
	else if (v.power_seq == 0)
		ho->power = PWR_UNKNOWN;
	else
		ho->power = v.power;
	ho->power_seq = v.power_seq;
	if (v.fence_seq != x->fence_seq_seen) {
		x->fence_seq_seen = v.fence_seq;
		act_fence_news(d, h->id, &v);
	}
	/* the BMC pool's results and the executor's own answers (not
	 * started, sent), in the order they happened */
	ho->fence = x->fence_out;
	ho->fence_seq = x->fence_seq_out;
}

void
observe_build(struct daemon *d, struct core_obs *o, uint64_t now)
{
	struct hb_round	 r;
	struct host_obs	*ho;
	size_t		 i, np = d->nslots, nh = d->inv.nhosts;

	if (nh > d->obs_cap) {
		free(d->obs_hosts);
		d->obs_hosts = xcalloc(nh, sizeof(*d->obs_hosts));
		d->obs_cap = nh;
	}
	free(d->obs_pools);
	d->obs_pools = xcalloc(np, sizeof(*d->obs_pools));
	read_heartbeats(d, &r);	/* d->fence_news keeps unrecorded results */
	for (i = 0; i < nh; i++) {
		const struct inv_host	*h = &d->inv.hosts[i];

		ho = &d->obs_hosts[i];
		memset(ho, 0, sizeof(*ho));
		ho->host_id = h->id;
		ho->cluster_id = h->cluster_id;
		ho->ignored = h->ignore;
		ho->vms_active = h->vms_active;
		ho->operator_confirmed_off = h->fence_record &&
		    h->fence_source == FS_OPERATOR;
		ho->dup_ip = h->dup_ip;
		ho->fence_attempts_recorded = h->fence_attempts_recorded;
		observe_heartbeats(d, &r, i, ho);
		observe_bmc(d, i, ho);
		trust_observe(d, i, ho, now);
	}
	o->now_ms = now;
	o->is_leader = d->is_leader;
	o->hosts = d->obs_hosts;
	o->nhosts = nh;
	o->pools = d->obs_pools;
	o->npools = np;
	free(r.pools);
	free(r.row_of_slot);
	free(r.res);
	free(r.at);
	free(r.sel);
	free(r.idx);
}
