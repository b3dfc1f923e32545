/*
 * cmd_doctor.c -- `hawatch doctor`: check what hawatch depends on, once,
 * each check bounded by its adapter's deadline.
 *
 *   hawatch doctor
 *
 * One line per finding:  ok|warn|FAIL  check  detail  (fix: ...)
 *   config           the file loads (else exit 1 with the error)
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

static const char usage[] =
"usage: hawatch doctor\n"
"\n"
"Checks the configuration, the database grants, NFS backup repository\n"
"mount options, every heartbeat pool, every BMC, and libvirt on every Up\n"
"host.  Prints ok|warn|FAIL per check with a fix.  Exit: 0 no FAIL, 1 a\n"
"FAIL (or the config does not load), 2 usage.\n";

struct doctor {
	unsigned	nfail, nwarn;
};

enum dr_level {
	DR_OK,
	DR_WARN,
	DR_FAIL,
};

static const char *
dr_level_name(enum dr_level l)
{
	switch (l) {
	case DR_OK:	return "ok";
	case DR_WARN:	return "warn";
	case DR_FAIL:	return "FAIL";
	}
	/* NOTREACHED */
	return "invalid";
}

static void
dr(struct doctor *d, enum dr_level l, const char *check, const char *fix,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
dr(struct doctor *d, enum dr_level l, const char *check, const char *fix,
    const char *fmt, ...)
{
	va_list	ap;

	if (l == DR_FAIL)
		d->nfail++;
	else if (l == DR_WARN)
		d->nwarn++;
	printf("%-4s  %-13s  ", dr_level_name(l), check);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (fix != NULL)
		printf("  (fix: %s)", fix);
	printf("\n");
	fflush(stdout);
}

/* --- database grants ---------------------------------------------------- */

struct grant {
	char	level;		/* g global, s schema, t table */
	char	schema[130];
	char	table[130];
	char	priv[32];
};

/* SQL LIKE with % _ and backslash escapes: a schema grant's pattern. */
static int
like(const char *p, const char *s)
{
	for (; *p != '\0'; p++, s++) {
		if (*p == '%') {
			for (;; s++) {
				if (like(p + 1, s))
					return 1;
				if (*s == '\0')
					return 0;
			}
		}
		if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '_') {
			if (*s == '\0')
				return 0;
			continue;
		}
		if (*s != *p)
			return 0;
	}
	return *s == '\0';
}

static int
has_priv(const struct grant *g, size_t n, const char *schema,
    const char *table, const char *priv)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcasecmp(g[i].priv, priv) != 0)
			continue;
		if (g[i].level == 'g')
			return 1;
		if (g[i].level == 's' && like(g[i].schema, schema))
			return 1;
		if (g[i].level == 't' && table != NULL &&
		    strcmp(g[i].schema, schema) == 0 &&
		    strcmp(g[i].table, table) == 0)
			return 1;
	}
	return 0;
}

#define GRANTEES \
	"GRANTEE IN (CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), " \
	"'''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), ''''), " \
	"CONCAT('''', IFNULL(CURRENT_ROLE(), ''), ''''))"

static struct grant *
grants_read(struct db *db, size_t *n, char *user, size_t ulen, char *err)
{
	static const char sql[] =
	    "SELECT 'g', '', '', PRIVILEGE_TYPE FROM "
	    "information_schema.USER_PRIVILEGES WHERE " GRANTEES
	    " UNION ALL SELECT 's', TABLE_SCHEMA, '', PRIVILEGE_TYPE FROM "
	    "information_schema.SCHEMA_PRIVILEGES WHERE " GRANTEES
	    " UNION ALL SELECT 't', TABLE_SCHEMA, TABLE_NAME, PRIVILEGE_TYPE "
	    "FROM information_schema.TABLE_PRIVILEGES WHERE " GRANTEES;
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	struct grant	*g;
	size_t		 cap;

	if ((res = db_query(db, "current user", "SELECT CURRENT_USER()",
	    err)) == NULL)
		return NULL;
	if ((row = mysql_fetch_row(res)) != NULL)
		snprintf(user, ulen, "%s", row_str(row, 0, "?"));
	mysql_free_result(res);
	if ((res = db_query(db, "read grants", sql, err)) == NULL)
		return NULL;
	cap = (size_t)mysql_num_rows(res);
	g = xcalloc(cap + 1, sizeof(*g));
	*n = 0;
	while ((row = mysql_fetch_row(res)) != NULL) {
		g[*n].level = row_str(row, 0, "g")[0];
		snprintf(g[*n].schema, sizeof(g[*n].schema), "%s",
		    row_str(row, 1, ""));
		snprintf(g[*n].table, sizeof(g[*n].table), "%s",
		    row_str(row, 2, ""));
		snprintf(g[*n].priv, sizeof(g[*n].priv), "%s",
		    row_str(row, 3, ""));
		(*n)++;
	}
	mysql_free_result(res);
	return g;
}

/* user@host as a GRANT target: 'user'@'host' */
static void
grant_target(const char *user, char *buf, size_t len)
{
	const char	*at = strrchr(user, '@');

	if (at == NULL)
		snprintf(buf, len, "'%s'", user);
	else
		snprintf(buf, len, "'%.*s'@'%s'", (int)(at - user), user,
		    at + 1);
}

static void
check_privileges(struct doctor *d, struct db *db, const struct config *cfg)
{
	static const struct {
		const char	*table;		/* NULL: hawatch's schema */
		const char	*privs;
	} needs[] = {
		{ "vm_instance", "SELECT UPDATE" },
		{ "op_ha_work", "SELECT INSERT UPDATE" },
		{ "host", "SELECT" },
		{ "ha_config", "SELECT" },
		{ "oobm", "SELECT" },
		{ "storage_pool", "SELECT" },
		{ "mshost", "SELECT" },
		{ "backups", "SELECT" },
		{ "backup_repository", "SELECT" },
		{ "vm_snapshots", "SELECT" },
		{ NULL, "SELECT INSERT UPDATE DELETE CREATE" },
	};
	struct grant	*g;
	char		 user[256], target[300], err[ERR_LEN], privs[96];
	char		 missing[128], fix[1024], what[300], *p, *save;
	const char	*schema;
	size_t		 ng = 0, i;
	int		 bad = 0;

	if ((g = grants_read(db, &ng, user, sizeof(user), err)) == NULL) {
		dr(d, DR_FAIL, "db.privileges", "let the user read "
		    "information_schema (any MariaDB user can)",
		    "cannot read the grants: %s", err);
		return;
	}
	grant_target(user, target, sizeof(target));
	for (i = 0; i < NELEM(needs); i++) {
		snprintf(privs, sizeof(privs), "%s%s", needs[i].privs,
		    needs[i].table != NULL && cfg->sweep.reap_stale_backups &&
		    strcmp(needs[i].table, "backups") == 0 ? " UPDATE" : "");
		schema = needs[i].table != NULL ? cfg->db.name :
		    cfg->db.hawatch_name;
		missing[0] = '\0';
		for (p = strtok_r(privs, " ", &save); p != NULL;
		    p = strtok_r(NULL, " ", &save))
			if (!has_priv(g, ng, schema, needs[i].table, p))
				snprintf(missing + strlen(missing),
				    sizeof(missing) - strlen(missing), "%s%s",
				    missing[0] ? ", " : "", p);
		if (missing[0] == '\0')
			continue;
		bad = 1;
		if (needs[i].table != NULL)
			snprintf(what, sizeof(what), "`%s`.`%s`", schema,
			    needs[i].table);
		else
			snprintf(what, sizeof(what), "`%s`.*", schema);
		snprintf(fix, sizeof(fix), "GRANT %s ON %s TO %s", missing,
		    what, target);
		dr(d, DR_FAIL, "db.privileges", fix, "%s lacks %s on %s", user,
		    missing, what);
	}
	if (!bad)
		dr(d, DR_OK, "db.privileges", NULL, "%s has every grant hawatch "
		    "needs on `%s` and `%s`", user, cfg->db.name,
		    cfg->db.hawatch_name);
	free(g);
}

/* --- backup repositories ------------------------------------------------ */

static void
check_backup_repos(struct doctor *d, struct db *db)
{
	MYSQL_RES	*res;
	MYSQL_ROW	 row;
	char		 sql[512], t[160], err[ERR_LEN], opts[1100], fix[1300];
	char		*p, *save;
	int		 soft, hard, timeo, n = 0;

	snprintf(sql, sizeof(sql), "SELECT id, name, address, mount_opts FROM "
	    "%s WHERE LOWER(type) = 'nfs' AND removed IS NULL ORDER BY id",
	    cs_table(db, "backup_repository", t, sizeof(t)));
	if ((res = db_query(db, "read backup repositories", sql, err)) == NULL) {
		dr(d, DR_FAIL, "backup.mount", "grant SELECT on "
		    "backup_repository", "%s", err);
		return;
	}
	while ((row = mysql_fetch_row(res)) != NULL) {
		n++;
		snprintf(opts, sizeof(opts), "%s", row_str(row, 3, ""));
		soft = hard = timeo = 0;
		for (p = strtok_r(opts, ",", &save); p != NULL;
		    p = strtok_r(NULL, ",", &save)) {
			while (*p == ' ')
				p++;
			if (strcmp(p, "soft") == 0 || strcmp(p, "softerr") == 0)
				soft = 1;
			else if (strcmp(p, "hard") == 0)
				hard = 1;
			else if (strncmp(p, "timeo=", 6) == 0 && p[6] >= '1' &&
			    p[6] <= '9')
				timeo = 1;
		}
		if (soft && !hard && timeo) {
			dr(d, DR_OK, "backup.mount", NULL, "repository %s (%s, "
			    "%s): mount_opts '%s' are soft with a timeo= bound",
			    row_str(row, 0, "?"), row_str(row, 1, ""),
			    row_str(row, 2, ""), row_str(row, 3, ""));
			continue;
		}
		snprintf(fix, sizeof(fix), "set the repository's mount options "
		    "to '%s%ssoft,timeo=150,retrans=3'%s", row_str(row, 3, ""),
		    row_str(row, 3, "")[0] ? "," : "",
		    hard ? " and drop 'hard'" : "");
		dr(d, DR_FAIL, "backup.mount", fix, "repository %s (%s, %s): "
		    "mount_opts '%s' lack %s: an NFS server that stops "
		    "answering hangs the agent's backup script, and the VM it "
		    "paused, forever (seed 001)", row_str(row, 0, "?"),
		    row_str(row, 1, ""), row_str(row, 2, ""),
		    row_str(row, 3, ""), !soft || hard ? (timeo ? "soft" :
		    "soft and a timeo= bound") : "a timeo= bound");
	}
	mysql_free_result(res);
	if (n == 0)
		dr(d, DR_OK, "backup.mount", NULL, "no NFS backup repository");
}

/* --- hosts: one IP each, a heartbeat pool each ---------------------------- */

/*
 * Two hosts with one private IP share one heartbeat file: hawatch holds
 * both (never judges either by it).  A host attached to no pool has no
 * heartbeat at all.
 */
static void
check_hosts(struct doctor *d, const struct inventory *inv)
{
	const struct inv_host	*h, *o;
	char			 others[128];
	size_t			 i, j, n, ndup = 0;

	for (i = 0; i < inv->nhosts; i++) {
		h = &inv->hosts[i];
		if (h->npools == 0 && h->ignore == IGN_NONE)
			dr(d, DR_WARN, "host.pools", "attach the host to its NFS "
			    "primary storage in CloudStack, or add a pool in "
			    "hawatch.conf", "host %llu (%s): no heartbeat pool "
			    "(storage_pool_host_ref): hawatch cannot judge it",
			    (unsigned long long)h->id, h->name);
		if (!h->dup_ip)
			continue;
		ndup++;
		for (j = 0, n = 0, others[0] = '\0'; j < inv->nhosts; j++) {
			o = &inv->hosts[j];
			if (j != i && strcmp(o->ip, h->ip) == 0 &&
			    n < sizeof(others))
				n += (size_t)snprintf(others + n,
				    sizeof(others) - n, "%s%llu", n ? ", " : "",
				    (unsigned long long)o->id);
		}
		dr(d, DR_FAIL, "host.ip", "give each host its own "
		    "private_ip_address, or remove the stale host record",
		    "host %llu (%s): private IP %s is also host %s's: they "
		    "share one heartbeat file, so hawatch holds them and "
		    "fences neither", (unsigned long long)h->id, h->name, h->ip,
		    others);
	}
	if (ndup == 0)
		dr(d, DR_OK, "host.ip", NULL, "%zu hosts, each with its own "
		    "private IP", inv->nhosts);
}

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

/* --- BMCs ------------------------------------------------------------------ */

struct bmc_job {
	struct ipmi_target	t;
	int			has;	/* 1 target, 0 none, -1 bad config */
	enum bmc_status		st;
	int			rc;
	uint64_t		elapsed_ms;
	char			err[ERR_LEN];
	pthread_t		th;
	int			started;
};

static void *
bmc_main(void *arg)
{
	struct bmc_job	*j = arg;
	uint64_t	 t0 = clock_mono_ms();

	j->rc = ipmi_power_status(&j->t, &j->st, j->err);
	j->elapsed_ms = clock_mono_ms() - t0;
	return NULL;
}

static const char *
bmc_fix(enum bmc_status s)
{
	switch (s) {
	case BMC_AUTH_PASSWORD:
		return "set bmc.password_file (or bmc.hosts[].password) to "
		    "the BMC account's password";
	case BMC_AUTH_USER:
		return "set bmc.user (or bmc.hosts[].user) to an account the "
		    "BMC knows";
	case BMC_PRIVILEGE:
		return "give the account operator privilege, or set "
		    "bmc.privilege / bmc.workarounds (ipmi_sim: opensesspriv)";
	case BMC_TIMEOUT:
		return "check the address/port (oobm row or bmc.hosts), the "
		    "network path to the BMC and that IPMI over LAN is on";
	default:
		return "check the BMC address and IPMI settings";
	}
}

static void
check_bmcs(struct doctor *d, const struct config *cfg,
    const struct inventory *inv, const uint64_t *newest)
{
	struct bmc_job	*j = xcalloc(inv->nhosts + 1, sizeof(*j));
	const struct inv_host *h;
	char		 addr[IPMI_ADDR_LEN], err[ERR_LEN], fix[300];
	size_t		 i, b, w = cfg->bmc.workers ? cfg->bmc.workers : 1;
	uint64_t	 now = clock_wall_ms(), age;
	int		 any = 0;

	if (ipmi_global_init(err) == -1) {
		dr(d, DR_FAIL, "bmc", NULL, "%s", err);
		free(j);
		return;
	}
	for (i = 0; i < inv->nhosts; i++)
		j[i].has = bmc_target_from_config(cfg, &inv->hosts[i], &j[i].t, j[i].err);
	/* bmc.workers sessions at a time, like the daemon's pool */
	for (b = 0; b < inv->nhosts; b += w) {
		for (i = b; i < inv->nhosts && i < b + w; i++)
			if (j[i].has == 1)
				j[i].started = pthread_create(&j[i].th, NULL,
				    bmc_main, &j[i]) == 0;
		for (i = b; i < inv->nhosts && i < b + w; i++) {
			if (j[i].has != 1)
				continue;
			if (j[i].started)
				pthread_join(j[i].th, NULL);
			else
				bmc_main(&j[i]);
		}
	}
	for (i = 0; i < inv->nhosts; i++) {
		h = &inv->hosts[i];
		if (j[i].has == 0) {
			if (h->ignore == IGN_NONE)
				dr(d, DR_WARN, "bmc", "enable out-of-band "
				    "management for the host or add it to "
				    "bmc.hosts", "host %llu (%s): no BMC: it "
				    "can never be fenced", (unsigned long long)
				    h->id, h->name);
			continue;
		}
		any = 1;
		if (j[i].has == -1) {
			dr(d, DR_FAIL, "bmc", "fix bmc / bmc.hosts in hawatch."
			    "conf", "host %llu (%s): bad BMC settings: %s",
			    (unsigned long long)h->id, h->name, j[i].err);
			continue;
		}
		ipmi_target_addr(&j[i].t, addr, sizeof(addr));
		if (j[i].rc == -1) {
			snprintf(fix, sizeof(fix), "%s", bmc_fix(j[i].st));
			dr(d, DR_FAIL, "bmc", fix, "host %llu (%s) BMC %s: %s%s "
			    "after %llums: %s", (unsigned long long)h->id,
			    h->name, addr, j[i].st == BMC_AUTH_PASSWORD ?
			    "password invalid: " : "", bmc_status_message(j[i].st),
			    (unsigned long long)j[i].elapsed_ms, j[i].err);
			continue;
		}
		age = newest[i] != 0 && now > newest[i] ? now - newest[i] : 0;
		if (j[i].st == BMC_OFF && newest[i] != 0 &&
		    age < cfg->daemon.dead_after_ms) {
			snprintf(fix, sizeof(fix), "check that the oobm row / "
			    "bmc.hosts entry of host %llu names this host's own "
			    "BMC", (unsigned long long)h->id);
			dr(d, DR_FAIL, "bmc.mapping", fix, "host %llu (%s): BMC "
			    "%s reads OFF but the host's heartbeat is %llus old "
			    "(fresh): BMC mapped to the wrong host? Fencing it "
			    "would power off another machine and trust a "
			    "reading that proves nothing (S2)",
			    (unsigned long long)h->id, h->name, addr,
			    (unsigned long long)(age / 1000));
			continue;
		}
		dr(d, DR_OK, "bmc", NULL, "host %llu (%s) BMC %s: power %s "
		    "(%llums)", (unsigned long long)h->id, h->name, addr,
		    bmc_status_name(j[i].st), (unsigned long long)j[i].elapsed_ms);
	}
	if (!any)
		dr(d, DR_WARN, "bmc", "configure oobm rows or bmc.hosts",
		    "no host has a BMC: hawatch can fence nobody");
	for (i = 0; i < inv->nhosts; i++)
		ipmi_target_clear(&j[i].t);
	free(j);
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
