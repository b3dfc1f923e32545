/*
 * config.h -- hawatch's configuration: one libconfig file, validated whole.
 *
 * config_load() reads the file (default /etc/hawatch/hawatch.conf), refuses
 * a file that is not its runner's own, that group/others can read, or that
 * is over CONFIG_MAX_BYTES; refuses unknown keys, wrong types and bad
 * values with "file:line: reason", reads password files (same rules), and
 * fills struct config with every default from timing.h or defaults.h.
 * The keys, defaults and ranges are tables owned by each module
 * (config_table.h); config.c walks the file through them and nothing else
 * in hawatch parses configuration.  config/hawatch.conf lists every key
 * with its default and meaning; `config-check --dump` prints them all.
 *
 * Durations are strings with a unit ("150s", "500ms", "2m", "1h"); the
 * struct holds them in milliseconds.
 */
#ifndef HAWATCH_CONFIG_H
#define HAWATCH_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "log.h"
#include "sol_conf.h"

#define CONFIG_DEFAULT_PATH	"/etc/hawatch/hawatch.conf"
#define CFG_STR		256
#define CFG_SECRET	256
#define CFG_MAX_POOLS	64
#define CFG_MAX_BMC_HOSTS 4096
#define CFG_MAX_OPTOUT	256
/*
 * The whole config file, read before libconfig parses it: a real config is
 * a few KiB, and libconfig's parse time grows faster than linearly.
 */
#define CONFIG_MAX_BYTES (1024 * 1024)

struct db_config {
	char		host[CFG_STR];		/* "127.0.0.1"; empty with socket */
	unsigned	port;			/* 3306 */
	char		socket[CFG_STR];	/* unix socket; wins over host */
	char		user[CFG_STR];		/* "cloud"; "" until resolved */
	char		cloudstack_properties[CFG_STR];	/* db.properties
						   used when neither user nor
						   password is set */
	char		cred_source[2 * CFG_STR];	/* where user/password
						   came from, never a value */
	char		password[CFG_SECRET];	/* never logged */
	int		has_password;
	char		name[CFG_STR];		/* CloudStack schema, "cloud" */
	char		hawatch_name[CFG_STR];	/* hawatch's own schema */
	unsigned	connect_timeout_s;
	unsigned	read_timeout_s;
	unsigned	write_timeout_s;
	unsigned	lock_wait_timeout_s;	/* innodb row + metadata locks */
	uint64_t	ms_dead_after_ms;	/* cluster.heartbeat.threshold */
};

struct pool_config {
	uint64_t	id;		/* storage_pool.id it overrides, or own */
	char		spec[CFG_STR];	/* nfs://... URL or /local/dir */
	uint64_t	cluster_id;	/* own pools: hosts of this cluster;
					   0: every host */
	int		from_config;	/* 1: listed in config */
};

struct bmc_host_config {
	uint64_t	host_id;
	char		address[CFG_STR];	/* empty: from oobm */
	unsigned	port;			/* 0: default */
	char		user[64];
	char		password[CFG_SECRET];
	int		has_password;
	int		cipher_suite;		/* -1: default */
	char		privilege[16];		/* empty: default */
	char		workarounds[CFG_STR];	/* empty: default */
	int		has_workarounds;
	struct sol_host_conf	sol;		/* console capture (sol_conf.c) */
};

struct bmc_config {
	char		user[64];
	char		password[CFG_SECRET];
	int		has_password;
	unsigned	port;			/* 623 */
	int		cipher_suite;		/* 3 */
	char		privilege[16];		/* "operator" | "admin" */
	char		workarounds[CFG_STR];	/* csv of FreeIPMI names */
	unsigned	session_timeout_ms;
	unsigned	retrans_timeout_ms;
	int		use_oobm;		/* address/port, user and
						   password from oobm rows */
	/* oobm.password's key (db.cloud.encrypt.secret from CloudStack's
	   db.properties), resolved at load when use_oobm; never logged */
	char		oobm_secret[CFG_SECRET];
	int		oobm_encrypted;		/* db.cloud.encryption.type set */
	int		oobm_version;		/* enum cs_enc_version */
	char		oobm_secret_err[CFG_STR];	/* why it is missing */
	unsigned	workers;
	struct sol_conf	sol;			/* console capture (sol_conf.c) */
	struct bmc_host_config	*hosts;
	size_t		nhosts;
};

struct daemon_config {
	uint64_t	tick_interval_ms;
	uint64_t	dead_after_ms;
	uint64_t	startup_grace_ms;
	uint64_t	fence_quiet_ms;
	unsigned	fence_max_attempts;
	uint64_t	fence_timeout_ms;
	uint64_t	bmc_poll_interval_ms;
	int		storm_guard;
	unsigned	storm_fraction_permille;
	uint64_t	self_fence_after_ms;	/* 0: off */
	uint64_t	rearm_after_ms;
	unsigned	cluster_fence_max;	/* per rearm_after; 0: off */
	uint64_t	hb_read_deadline_ms;
	uint64_t	db_tick_budget_ms;	/* tick's DB work per round */
	uint64_t	leader_retry_ms;
	uint64_t	corroborate_timeout_ms;	/* libvirt probe bound */
	char		status_file[CFG_STR];
	char		instance_name[CFG_STR];	/* default: hostname */
	/* the CloudStack agent's own heartbeat timings (agent.properties) */
	uint64_t	agent_hb_interval_ms;
	uint64_t	agent_hb_timeout_ms;
	unsigned	agent_hb_max_tries;
	uint64_t	agent_hb_retry_sleep_ms;
};

struct sweep_config {
	int		enabled;
	uint64_t	interval_ms;
	char		uri_template[CFG_STR];
	uint64_t	open_timeout_ms;
	uint64_t	call_timeout_ms;
	uint64_t	pause_grace_ms;
	uint64_t	job_stall_after_ms;
	unsigned	max_resume_attempts;
	uint64_t	resume_backoff_ms;
	uint64_t	resume_settle_ms;
	uint64_t	backup_timeout_ms;
	int		reap_stale_backups;
	uint64_t	pull_job_max_age_ms;	/* 0: never report a pull job */
	int		heal_backup_states;	/* opt-in: BackupError/BackingUp */
	char		*optout[CFG_MAX_OPTOUT];	/* domain names / uuids */
	size_t		noptout;
};

/* reconcile: deferring to CloudStack's own work; restart assurance (S10) */
struct reconcile_config {
	uint64_t	cloudstack_grace_ms;	/* CloudStack's own HA row */
	unsigned	requeue_max;		/* re-queues per dropped restart */
	uint64_t	requeue_after_ms;	/* spacing between them */
};

/* metrics: the Prometheus endpoint (src/metrics_http.c), off by default */
struct metrics_config {
	char		listen[CFG_STR];	/* "127.0.0.1:9631"; "": off */
	unsigned	max_connections;	/* scrapes served at once */
	uint64_t	connection_timeout_ms;	/* idle connection closed */
};

struct config {
	char			 path[CFG_STR];
	enum log_level		 log_level;
	struct db_config	 db;
	struct daemon_config	 daemon;
	int			 use_cloudstack_pools;
	struct pool_config	 pools[CFG_MAX_POOLS];
	size_t			 npools;
	struct bmc_config	 bmc;
	struct sweep_config	 sweep;
	struct reconcile_config	 reconcile;
	struct metrics_config	 metrics;
};

void	config_defaults(struct config *);
int	config_load(struct config *, const char *path, char *err);
void	config_free(struct config *);		/* wipes secrets too */
/*
 * Every key with its effective value, one "path = value;" a line in table
 * order (stable), secrets as <set>/<unset>: `config-check --dump`.
 */
int	config_dump(const struct config *, FILE *);

/* helpers shared with the CLI */
int	config_parse_duration(const char *s, uint64_t *ms, char *err);
/* 1 when s is valid UTF-8 without control characters (C0, DEL, C1) */
int	config_text_ok(const char *s);
int	config_check_secret_file(const char *path, char *err);
int	config_read_secret_file(const char *path, char *out, size_t len,
	    char *err);
/* the whole config file, checked as above; free() it, or NULL with err */
char	*config_read_private(const char *path, char *err);

#endif
