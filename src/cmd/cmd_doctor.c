/*
 * cmd_doctor.c -- `hawatch doctor`: check what hawatch depends on, once,
 * each check bounded by its adapter's deadline.
 *
 *   hawatch doctor
 *
 * One line per finding:  ok|warn|FAIL  check  detail  (fix: ...)
 *   config           the file loads (else exit 1 with the error)
 *   db.credentials   where the database user and password came from
 *                    (hawatch.conf, or CloudStack's db.properties), never
 *                    their values
 *   db.connect       the database answers
 *   db.privileges    the grants hawatch needs, from information_schema
 *                    (the user's and its current role's rows)
 *   db.schema        hawatch's own schema present (warn: created later)
 *   backup.mount     every NFS backup_repository mounts soft with a timeo=
 *                    bound (seed 001: a hard mount hangs the backup forever)
 *   pool             every heartbeat pool answers one bounded read round
 *   bmc              every host's BMC answers a power reading (concurrent,
 *                    bmc.workers at a time, each about two session timeouts)
 *   bmc.mapping      a BMC reading off while its host's heartbeat is fresh:
 *                    the BMC is mapped to the wrong host (S2 hazard)
 *   libvirt          each Up host's libvirt answers (warn only)
 * Exit: 0 when nothing FAILed, 1 otherwise (also: config does not load).
 *
 * Heartbeat freshness here is one look at wall-clock age (the file's epoch
 * or mtime within daemon.dead_after), a diagnostic, not the daemon's
 * liveness rule.  BMC targets come from bmc_target_from_config(), as in the daemon.
 * Does not: write anything, fence, or resume.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "clock.h"
#include "heartbeat.h"
#include "hw_schema.h"
#include "inventory.h"
#include "bmc_target.h"
#include "ipmi.h"
#include "log.h"
#include "sbuf.h"
#include "util.h"
#include "virt.h"
#include "doctor.h"

static const char usage[] =
"usage: hawatch doctor\n"
"\n"
"Checks the configuration, the database grants, NFS backup repository\n"
"mount options, every heartbeat pool, every BMC, and libvirt on every Up\n"
"host.  Prints ok|warn|FAIL per check with a fix.  Exit: 0 no FAIL, 1 a\n"
"FAIL (or the config does not load), 2 usage.\n";

/* --- heartbeat pools ------------------------------------------------------ */

/* Newest heartbeat evidence of host i, in wall ms (0: none). */
static uint64_t
hb_newest(const struct hb_result *res, size_t np, size_t nh, size_t i)
{
	uint64_t	best = 0, v;
	size_t		p;

	for (p = 0; p < np; p++) {
		const struct hb_result	*r = &res[p * nh + i];

		if (r->status != HB_OK)
			continue;
		v = r->value * 1000;
		if (r->mtime_ms > 0 && (uint64_t)r->mtime_ms > v)
			v = (uint64_t)r->mtime_ms;
		if (v > best)
			best = v;
	}
	return best;
}

/* Reads every pool once; fills newest[] (per inventory host). */
static void
check_pools(struct doctor *d, const struct config *cfg,
    const struct inventory *inv, uint64_t *newest)
{
	struct hb_pool		**pools = xcalloc(inv->npools + 1, sizeof(*pools));
	struct hb_pool_status	 *pst = xcalloc(inv->npools + 1, sizeof(*pst));
	const char		**ips = xcalloc(inv->nhosts + 1, sizeof(*ips));
	struct hb_result	 *res;
	struct hb_opts		  o;
	const struct inv_pool	 *ip;
	char			  err[ERR_LEN];
	size_t			  i, k = 0, nips = inv->nhosts;
	size_t			 *pidx = xcalloc(inv->npools + 1, sizeof(*pidx));

	hb_opts_default(&o);
	o.rpc_timeout_ms = (uint32_t)cfg->daemon.hb_read_deadline_ms;
	o.mount_timeout_ms = (uint32_t)cfg->daemon.hb_read_deadline_ms;
	for (i = 0; i < inv->nhosts; i++)
		ips[i] = inv->hosts[i].ip;
	if (nips == 0)
		ips[nips++] = "0.0.0.0";	/* reach the pool all the same */
	for (i = 0; i < inv->npools; i++) {
		ip = &inv->pools[i];
		if ((pools[k] = hb_pool_open(ip->spec, &o, err)) == NULL) {
			dr(d, DR_FAIL, "pool", "fix the pool's url/path in "
			    "hawatch.conf pools", "pool %llu (%s): %s",
			    (unsigned long long)ip->id, ip->spec, err);
			continue;
		}
		pidx[k++] = i;
	}
	res = xcalloc(k * nips + 1, sizeof(*res));
	if (k > 0)
		(void)hb_read_all(pools, k, ips, nips,
		    cfg->daemon.hb_read_deadline_ms, res, pst);
	for (i = 0; i < k; i++) {
		ip = &inv->pools[pidx[i]];
		if (pst[i].readable)
			dr(d, DR_OK, "pool", NULL, "pool %llu (%s): readable in "
			    "%llums, heartbeats ok=%u missing=%u garbage=%u",
			    (unsigned long long)ip->id, ip->spec,
			    (unsigned long long)pst[i].elapsed_ms, pst[i].n_ok,
			    pst[i].n_missing, pst[i].n_garbage);
		else
			dr(d, DR_FAIL, "pool", "check that the NFS server "
			    "answers and exports the path to this node, or "
			    "override the pool in hawatch.conf", "pool %llu "
			    "(%s): unreadable within %llums: %s",
			    (unsigned long long)ip->id, ip->spec,
			    (unsigned long long)cfg->daemon.hb_read_deadline_ms,
			    pst[i].err[0] ? pst[i].err : "no answer");
	}
	if (inv->npools == 0)
		dr(d, DR_WARN, "pool", "add NFS primary storage, or pools in "
		    "hawatch.conf", "no heartbeat pool: hawatch cannot see "
		    "any host's heartbeat");
	for (i = 0; i < inv->nhosts && k > 0; i++)
		newest[i] = hb_newest(res, k, nips, i);
	for (i = 0; i < k; i++)
		hb_pool_close(pools[i]);
	free(pools);
	free(pst);
	free(ips);
	free(res);
	free(pidx);
}

/* --- libvirt ------------------------------------------------------------ */

static void
check_libvirt(struct doctor *d, const struct config *cfg,
    const struct inventory *inv)
{
	struct virt_conn	**vc = xcalloc(inv->nhosts + 1, sizeof(*vc));
	struct virt_host_obs	 *obs = xcalloc(inv->nhosts + 1, sizeof(*obs));
	const struct inv_host	**hs = xcalloc(inv->nhosts + 1, sizeof(*hs));
	char			  uri[VIRT_URI_LEN], err[ERR_LEN];
	size_t			  i, n = 0;

	if (virt_init(err) == -1) {
		dr(d, DR_WARN, "libvirt", NULL, "%s", err);
		goto out;
	}
	for (i = 0; i < inv->nhosts; i++) {
		const struct inv_host	*h = &inv->hosts[i];

		if (strcmp(h->status, "Up") != 0 || h->ignore != IGN_NONE)
			continue;
		if (virt_uri_expand(cfg->sweep.uri_template, h->ip, uri,
		    sizeof(uri), err) == -1) {
			dr(d, DR_WARN, "libvirt", "fix sweep.uri_template",
			    "host %llu: %s", (unsigned long long)h->id, err);
			continue;
		}
		hs[n] = h;
		vc[n++] = virt_conn_new((uint32_t)h->id, uri);
	}
	if (n > 0)
		virt_observe_hosts(vc, n, cfg->sweep.open_timeout_ms +
		    cfg->sweep.call_timeout_ms, obs);
	for (i = 0; i < n; i++) {
		if (obs[i].rc == VIRT_OK)
			dr(d, DR_OK, "libvirt", NULL, "host %llu (%s): %s "
			    "answers: %u running, %zu paused",
			    (unsigned long long)hs[i]->id, hs[i]->name,
			    virt_conn_uri(vc[i]), obs[i].nrunning,
			    obs[i].npaused);
		else
			dr(d, DR_WARN, "libvirt", "check sweep.uri_template, "
			    "TLS certificates and libvirtd on the host",
			    "host %llu (%s): %s: %s; the sweeper cannot resume "
			    "paused domains there", (unsigned long long)
			    hs[i]->id, hs[i]->name, virt_rc_name(obs[i].rc),
			    obs[i].err);
		virt_host_obs_clear(&obs[i]);
		virt_conn_free(vc[i]);
	}
	virt_shutdown();
out:
	free(vc);
	free(obs);
	free(hs);
}

int
cmd_doctor(struct cli *c, int argc, char **argv)
{
	struct doctor		 d;
	struct inventory	 inv;
	struct db		 db;
	uint64_t		*newest;
	char			 err[ERR_LEN];
	int			 r;

	if ((r = cli_opts("doctor", usage, NULL, 0, argc, argv, 1,
	    NULL)) != CLI_GO_ON)
		return r;
	if (cli_load_config(c) == -1)
		return EXIT_ERROR;
	memset(&d, 0, sizeof(d));
	dr(&d, DR_OK, "config", NULL, "%s loads", c->config_path);
	dr(&d, DR_OK, "db.credentials", NULL, "user and password from %s",
	    c->cfg.db.cred_source);
	if (db_connect(&db, &c->cfg.db, err) == -1) {
		dr(&d, DR_FAIL, "db.connect", "check database.host/port/socket, "
		    "user and password_file", "%s", err);
		dr(&d, DR_WARN, "doctor", NULL, "database checks, pools and "
		    "BMCs skipped: they need the inventory");
		goto done;
	}
	dr(&d, DR_OK, "db.connect", NULL, "%s as %s, schema `%s`",
	    c->cfg.db.socket[0] ? c->cfg.db.socket : c->cfg.db.host,
	    c->cfg.db.user, c->cfg.db.name);
	check_privileges(&d, &db, &c->cfg);
	if ((r = hw_schema_present(&db, err)) == 1)
		dr(&d, DR_OK, "db.schema", NULL, "hawatch schema `%s` is "
		    "current", c->cfg.db.hawatch_name);
	else if (r == 0)
		dr(&d, DR_WARN, "db.schema", "none needed: the first writing "
		    "command creates it", "hawatch schema `%s` not created yet",
		    c->cfg.db.hawatch_name);
	else
		dr(&d, DR_FAIL, "db.schema", NULL, "%s", err);
	check_backup_repos(&d, &db);
	if (inventory_load(&db, &c->cfg, &inv, err) == -1) {
		dr(&d, DR_FAIL, "inventory", "grant SELECT on the tables "
		    "db.privileges names", "%s", err);
		db_close(&db);
		goto done;
	}
	db_close(&db);
	check_hosts(&d, &inv);
	newest = xcalloc(inv.nhosts + 1, sizeof(*newest));
	check_pools(&d, &c->cfg, &inv, newest);
	check_bmcs(&d, &c->cfg, &inv, newest);
	check_libvirt(&d, &c->cfg, &inv);
	free(newest);
	inventory_free(&inv);
done:
	printf("\n%u FAIL, %u warn\n", d.nfail, d.nwarn);
	return d.nfail > 0 ? EXIT_ERROR : EXIT_OK;
}
