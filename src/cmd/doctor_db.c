/*
 * doctor_db.c -- `hawatch doctor`'s database checks: the grants hawatch
 * needs (information_schema, the user's and its current role's rows) and
 * the mount options of every NFS backup repository (seed 001: a hard mount
 * hangs the backup forever).  Reads only.
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

void
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
		/* restart assurance (reconcile/restart_facts.c) */
		{ "volumes", "SELECT" },
		{ "configuration", "SELECT" },
		{ "data_center_details", "SELECT" },
		{ "vm_work_job", "SELECT" },
		{ "async_job", "SELECT" },
		{ "snapshots", "SELECT" },	/* volume snapshots */
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

void
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
