/*
 * hw_schema.c -- create and migrate hawatch's schema; build audit inserts.
 *
 * Migrations are an append-only list: level N's statements run once, in
 * order, then schema_version moves to N.  A named lock (GET_LOCK) keeps two
 * instances starting together from migrating at the same time; every
 * statement is also idempotent (IF NOT EXISTS) so a crash mid-migration is
 * repaired by the next start.
 */
#include <stdio.h>
#include <string.h>

#include "hw_schema.h"
#include "util.h"

/* Level 1: the first schema.  Never edit a released level; add level 2. */
static const char *const level1[] = {
	"CREATE TABLE IF NOT EXISTS %s.`audit` ("
	" `id` bigint unsigned NOT NULL AUTO_INCREMENT,"
	" `at` datetime(3) NOT NULL COMMENT 'UTC',"
	" `actor` varchar(255) NOT NULL COMMENT 'instance or operator',"
	" `command` varchar(32) NOT NULL COMMENT 'run, reconcile, sweep, ...',"
	" `action` varchar(64) NOT NULL,"
	" `host_id` bigint unsigned DEFAULT NULL,"
	" `vm_id` bigint unsigned DEFAULT NULL,"
	" `ha_work_id` bigint unsigned DEFAULT NULL,"
	" `reason` varchar(128) NOT NULL,"
	" `before_state` varchar(64) DEFAULT NULL,"
	" `after_state` varchar(64) DEFAULT NULL,"
	" `evidence` text NOT NULL COMMENT 'JSON',"
	" PRIMARY KEY (`id`),"
	" KEY `i_audit__host_id` (`host_id`),"
	" KEY `i_audit__vm_id` (`vm_id`),"
	" KEY `i_audit__at` (`at`)"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	"CREATE TABLE IF NOT EXISTS %s.`fenced_host` ("
	" `host_id` bigint unsigned NOT NULL,"
	" `source` varchar(16) NOT NULL COMMENT 'bmc, self-fence, operator',"
	" `confirmed_at` datetime(3) NOT NULL,"
	" `actor` varchar(255) NOT NULL,"
	" `host_status` varchar(32) DEFAULT NULL COMMENT 'host.status then',"
	" `host_update_count` bigint unsigned DEFAULT NULL,"
	" `evidence` text NOT NULL,"
	" `cleared_at` datetime(3) DEFAULT NULL,"
	" `cleared_reason` varchar(128) DEFAULT NULL,"
	" PRIMARY KEY (`host_id`)"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	"CREATE TABLE IF NOT EXISTS %s.`host_exclusion` ("
	" `host_id` bigint unsigned NOT NULL,"
	" `excluded_at` datetime(3) NOT NULL,"
	" `actor` varchar(255) NOT NULL,"
	" `reason` varchar(255) NOT NULL,"
	" PRIMARY KEY (`host_id`)"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	"CREATE TABLE IF NOT EXISTS %s.`leader` ("
	" `id` tinyint unsigned NOT NULL,"
	" `instance` varchar(255) NOT NULL,"
	" `connection_id` bigint unsigned NOT NULL,"
	" `since` datetime(3) NOT NULL,"
	" `renewed` datetime(3) NOT NULL,"
	" PRIMARY KEY (`id`)"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
};

/*
 * Level 2: restart assurance (reconcile/restart_assurance.c).  One row per
 * VM hawatch stopped and re-queued: the HA row it owns now, the fenced
 * host and the update_count it wrote, how often it re-queued, and how the
 * watch ended.  (Another branch may take level 2 first: renumber then.)
 */
static const char *const level2[] = {
	"CREATE TABLE IF NOT EXISTS %s.`ha_requeue` ("
	" `vm_id` bigint unsigned NOT NULL,"
	" `ha_work_id` bigint unsigned NOT NULL COMMENT 'hawatch''s newest "
	"op_ha_work row for the VM',"
	" `host_id` bigint unsigned NOT NULL COMMENT 'the fenced host',"
	" `update_count` bigint unsigned NOT NULL COMMENT 'vm_instance."
	"update_count hawatch wrote',"
	" `requeues` int unsigned NOT NULL DEFAULT 0,"
	" `heals` int unsigned NOT NULL DEFAULT 0,"
	" `first_queued_at` datetime(3) NOT NULL COMMENT 'UTC',"
	" `last_queued_at` datetime(3) NOT NULL COMMENT 'UTC, newest row',"
	" `status` varchar(16) NOT NULL DEFAULT 'watching' COMMENT "
	"'watching, given_up, running, removed, changed, not_ha',"
	" `given_up` tinyint(1) NOT NULL DEFAULT 0,"
	" `verdict` varchar(16) DEFAULT NULL COMMENT 'last decision',"
	" `reason` varchar(255) DEFAULT NULL,"
	" `ended_at` datetime(3) DEFAULT NULL,"
	" PRIMARY KEY (`vm_id`),"
	" KEY `i_ha_requeue__status` (`status`)"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
};

/* Level 3: alerts that outlive the daemon and are cleared by an operator
 * (src/db/alerts.c; issue 11: bmc_contradiction, bmc_identity_mismatch). */
static const char *const level3[] = {
	"CREATE TABLE IF NOT EXISTS %s.`alerts` ("
	" `id` bigint unsigned NOT NULL AUTO_INCREMENT,"
	" `host_id` bigint unsigned NOT NULL,"
	" `kind` varchar(64) NOT NULL COMMENT 'bmc_contradiction, ...',"
	" `raised_at` datetime(3) NOT NULL COMMENT 'UTC',"
	" `raised_by` varchar(255) NOT NULL COMMENT 'instance',"
	" `detail` varchar(512) NOT NULL DEFAULT '',"
	" `cleared_at` datetime(3) DEFAULT NULL COMMENT 'UTC',"
	" `cleared_by` varchar(255) DEFAULT NULL,"
	" `reason` varchar(255) DEFAULT NULL,"
	" PRIMARY KEY (`id`),"
	" KEY `i_alerts__host_kind` (`host_id`, `kind`, `cleared_at`)"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
};

/*
 * Level 4: console captures taken at fence time (issue 16).  Additive: one
 * new table.  data holds at most bmc.console_bytes (<= 4 MiB, so a
 * MEDIUMBLOB); console_log.c keeps the newest CONSOLE_LOG_KEEP per host.
 */
static const char *const level4[] = {
	"CREATE TABLE IF NOT EXISTS %s.`console_log` ("
	" `id` bigint unsigned NOT NULL AUTO_INCREMENT,"
	" `host_id` bigint unsigned NOT NULL,"
	" `fence_audit_id` bigint unsigned DEFAULT NULL"
	"  COMMENT 'audit.id of the host.fence_requested row',"
	" `captured_at` datetime(3) NOT NULL COMMENT 'UTC',"
	" `actor` varchar(255) NOT NULL,"
	" `source` varchar(16) NOT NULL COMMENT 'history, live, history+live,"
	" none',"
	" `bytes` int unsigned NOT NULL,"
	" `complete` tinyint(1) NOT NULL,"
	" `reason` varchar(255) NOT NULL DEFAULT ''"
	"  COMMENT 'why SOL failed or was cut short',"
	" `elapsed_ms` int unsigned NOT NULL,"
	" `data` mediumblob NOT NULL COMMENT 'console bytes as captured,"
	" NULs stripped',"
	" PRIMARY KEY (`id`),"
	" KEY `i_console_log__host_id` (`host_id`, `id`),"
	" KEY `i_console_log__fence_audit_id` (`fence_audit_id`)"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
};

/*
 * Level 5 (issue 11): the fence attempt budget per host, written with the
 * host.fence_requested audit row, so a new leader continues the count.
 */
static const char *const level5[] = {
	"CREATE TABLE IF NOT EXISTS %s.`fence_attempt` ("
	" `host_id` bigint unsigned NOT NULL,"
	" `attempts` int unsigned NOT NULL COMMENT 'of this episode',"
	" `updated_at` datetime(3) NOT NULL COMMENT 'UTC',"
	" `actor` varchar(255) NOT NULL,"
	" PRIMARY KEY (`host_id`)"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
};

/*
 * Level 6: the leader's fencing token (S4).  Each new leader increments
 * `generation` in the transaction that records it; every write
 * transaction reads the row under a shared lock and commits only while
 * the generation is still the one its writer leads under.
 */
static const char *const level6[] = {
	"ALTER TABLE %s.`leader` ADD COLUMN IF NOT EXISTS `generation`"
	" bigint unsigned NOT NULL DEFAULT 0"
	" COMMENT 'fencing token: +1 per new leader'",
};

struct level {
	const char *const	*stmts;
	size_t			 n;
};

static const struct level levels[] = {
	{ level1, NELEM(level1) },
	{ level2, NELEM(level2) },
	{ level3, NELEM(level3) },
	{ level4, NELEM(level4) },
	{ level5, NELEM(level5) },
	{ level6, NELEM(level6) },
};

const char *
cs_table(struct db *db, const char *table, char *buf, size_t len)
{
	snprintf(buf, len, "`%.64s`.`%.64s`", db->cfg.name, table);
	return buf;
}

const char *
hw_table(struct db *db, const char *table, char *buf, size_t len)
{
	snprintf(buf, len, "`%.64s`.`%.64s`", db->cfg.hawatch_name, table);
	return buf;
}

static int
current_level(struct db *db, uint64_t *level, char *err)
{
	char	sql[256], t[160];
	int	r;

	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM "
	    "information_schema.tables WHERE table_schema = '%.64s' AND "
	    "table_name = 'schema_version'", db->cfg.hawatch_name);
	if ((r = db_query_u64(db, "schema lookup", sql, level, err)) == -1)
		return -1;
	if (*level == 0)
		return 0;
	snprintf(sql, sizeof(sql), "SELECT version FROM %s WHERE id = 1",
	    hw_table(db, "schema_version", t, sizeof(t)));
	if ((r = db_query_u64(db, "schema version", sql, level, err)) == -1)
		return -1;
	if (r == 1)
		*level = 0;
	return 0;
}

int
hw_schema_check(struct db *db, char *err)
{
	uint64_t	level;

	if (current_level(db, &level, err) == -1)
		return -1;
	if (level < HW_SCHEMA_VERSION) {
		set_err(err, "hawatch schema `%s` is at level %llu, needs %d: "
		    "run a command that writes (reconcile, run) once to migrate",
		    db->cfg.hawatch_name, (unsigned long long)level,
		    HW_SCHEMA_VERSION);
		return -1;
	}
	return 0;
}

int
hw_schema_present(struct db *db, char *err)
{
	uint64_t	level;

	if (db->hw_ready == 2)
		return 1;
	if (db->hw_ready == 0 || db->hw_ready == 1) {
		if (current_level(db, &level, err) == -1)
			return -1;
		db->hw_ready = level >= HW_SCHEMA_VERSION ? 2 : 1;
	}
	return db->hw_ready == 2;
}

int
hw_schema_ensure(struct db *db, char *err)
{
	char		 sql[2048], q[160], t[160];
	uint64_t	 level, got;
	size_t		 l, i;
	int		 rc = -1;

	/* the common case: already current, no DDL, no lock */
	if ((rc = hw_schema_present(db, err)) != 0)
		return rc == 1 ? 0 : -1;
	rc = -1;
	snprintf(sql, sizeof(sql), "SELECT GET_LOCK('%.64s.schema', %u)",
	    db->cfg.hawatch_name, db->cfg.lock_wait_timeout_s);
	if (db_query_u64(db, "schema lock", sql, &got, err) != 0)
		return -1;
	if (got != 1) {
		set_err(err, "database schema lock: another hawatch is "
		    "migrating `%.64s`; try again", db->cfg.hawatch_name);
		return -1;
	}
	snprintf(q, sizeof(q), "`%.64s`", db->cfg.hawatch_name);
	snprintf(sql, sizeof(sql), "CREATE DATABASE IF NOT EXISTS %s "
	    "CHARACTER SET utf8mb4", q);
	if (db_exec(db, "create hawatch schema", sql, NULL, err) == -1)
		goto out;
	snprintf(sql, sizeof(sql), "CREATE TABLE IF NOT EXISTS %s ("
	    " `id` tinyint unsigned NOT NULL, `version` int unsigned NOT NULL,"
	    " `updated` datetime NOT NULL, PRIMARY KEY (`id`))"
	    " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	    hw_table(db, "schema_version", t, sizeof(t)));
	if (db_exec(db, "create schema_version", sql, NULL, err) == -1)
		goto out;
	if (current_level(db, &level, err) == -1)
		goto out;
	for (l = level; l < NELEM(levels); l++) {
		for (i = 0; i < levels[l].n; i++) {
			snprintf(sql, sizeof(sql), levels[l].stmts[i], q);
			if (db_exec(db, "migrate hawatch schema", sql, NULL,
			    err) == -1)
				goto out;
		}
		snprintf(sql, sizeof(sql), "REPLACE INTO %s (id, version, "
		    "updated) VALUES (1, %zu, UTC_TIMESTAMP())",
		    hw_table(db, "schema_version", t, sizeof(t)), l + 1);
		if (db_exec(db, "record schema version", sql, NULL, err) == -1)
			goto out;
	}
	rc = 0;
	db->hw_ready = 2;
out:
	snprintf(sql, sizeof(sql), "DO RELEASE_LOCK('%.64s.schema')",
	    db->cfg.hawatch_name);
	(void)db_exec(db, "schema unlock", sql, NULL, NULL);
	return rc;
}

void
audit_insert_begin(struct db *db, struct sbuf *sb)
{
	char	t[160];

	sbuf_reset(sb);
	sbuf_add(sb, "INSERT INTO %s (at, actor, command, action, host_id, "
	    "vm_id, ha_work_id, reason, before_state, after_state, evidence) "
	    "VALUES ", hw_table(db, "audit", t, sizeof(t)));
}

static void
add_id_or_null(struct sbuf *sb, uint64_t v)
{
	if (v == 0)
		sbuf_add(sb, ", NULL");
	else
		sbuf_add(sb, ", %llu", (unsigned long long)v);
}

static void
add_str_or_null(struct db *db, struct sbuf *sb, const char *s)
{
	sbuf_add(sb, ", ");
	if (s == NULL)
		sbuf_add(sb, "NULL");
	else
		db_quote(db, sb, s);
}

void
audit_insert_row(struct db *db, struct sbuf *sb, int first, const char *actor,
    const char *command, const struct audit_row *r)
{
	sbuf_add(sb, "%s(UTC_TIMESTAMP(3), ", first ? "" : ", ");
	db_quote(db, sb, actor);
	sbuf_add(sb, ", ");
	db_quote(db, sb, command);
	sbuf_add(sb, ", ");
	db_quote(db, sb, r->action);
	add_id_or_null(sb, r->host_id);
	add_id_or_null(sb, r->vm_id);
	add_id_or_null(sb, r->ha_work_id);
	add_str_or_null(db, sb, r->reason);
	add_str_or_null(db, sb, r->before);
	add_str_or_null(db, sb, r->after);
	add_str_or_null(db, sb, r->evidence ? r->evidence : "{}");
	sbuf_add(sb, ")");
}
