/*
 * cli.c -- the HA-worker fixture's command line: options, their checks
 * (a usage error names the option and exits 2), CloudStack's timings
 * divided by --scale, and the haworker.config line that shows the result.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "sbuf.h"
#include "util.h"
#include "haworker.h"

/* --- command line ------------------------------------------------------ */

#define DAY_MS		86400000	/* the longest interval an option takes */
#define NOT_MINE	2		/* cli_*_opt: the option is another's */

static void
usage(void)
{
	fprintf(stderr,
"usage: haworker --msid N --db-password-file F [--db-host H] [--db-port P]\n"
"         [--db-socket S] [--db-user U] [--db-name N] [options]\n"
"  --workers N               ha.workers (5; 0: agent monitor only)\n"
"  --time-to-sleep-ms MS     time.to.sleep (60000)\n"
"  --investigate-retry-ms MS investigate.retry.interval (60000)\n"
"  --restart-retry-ms MS     restart.retry.interval (600000)\n"
"  --time-between-failures-ms MS  time.between.failures (3600000)\n"
"  --max-retries N           vm.ha.migration.max.retries (5)\n"
"  --ms-heartbeat-ms MS      cluster.heartbeat.interval (1500)\n"
"  --ping-interval-ms MS     ping.interval (60000)\n"
"  --ping-timeout X          ping.timeout multiplier (2.5)\n"
"  --scale F                 divide every CloudStack timing by F (1)\n"
"  --force-ha on|off         force.ha (off)\n"
"  --release-own-claims on|off  releaseWorkItems(own) at start/stop (on)\n"
"  --mark-investigating on|off  PR #10167 start()/stop() marking (on)\n"
"  --investigator hostha|db  investigator answers (hostha)\n"
"  --live-hosts-file FILE    host ids that are powered on, one a line\n"
"  --start-hook CMD          run CMD vm_instance_name host_id on start\n"
"  --start-hook-timeout-ms MS  (60000)\n"
"  --work-delay-ms MS        hold each taken row MS before processing (0)\n"
"  --agent-monitor           emulate AgentManagerImpl (needs the file)\n"
"  --log-level debug|info|warn|error\n");
}

static int
arg_u64(const char *name, const char *s, uint64_t min, uint64_t max,
    uint64_t *out)
{
	if (parse_u64(s, out) == -1 || *out < min || *out > max) {
		fprintf(stderr, "haworker: %s: expected an integer in "
		    "[%llu, %llu], got \"%s\"\n", name,
		    (unsigned long long)min, (unsigned long long)max, s);
		return -1;
	}
	return 0;
}

static int
arg_double(const char *name, const char *s, double min, double *out)
{
	char	*end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(*out) ||
	    *out < min) {
		fprintf(stderr, "haworker: %s: expected a number >= %g, got "
		    "\"%s\"\n", name, min, s);
		return -1;
	}
	return 0;
}

static int
arg_onoff(const char *name, const char *s, int *out)
{
	if (strcmp(s, "on") == 0 || strcmp(s, "off") == 0) {
		*out = strcmp(s, "on") == 0;
		return 0;
	}
	fprintf(stderr, "haworker: %s: expected on or off, got \"%s\"\n",
	    name, s);
	return -1;
}

static int
arg_str(const char *name, const char *s, char *dst, size_t len)
{
	if (s[0] == '\0' || strlen(s) >= len) {
		fprintf(stderr, "haworker: %s: empty or longer than %zu "
		    "bytes\n", name, len - 1);
		return -1;
	}
	cpy(dst, len, s);
	return 0;
}

/* CloudStack timing / scale, with a floor */
static uint64_t
scaled(uint64_t ms, uint64_t floor_ms)
{
	double	v = (double)ms / opt.scale;

	return v < (double)floor_ms ? floor_ms : (uint64_t)llround(v);
}

static const struct option cli_options[] = {
	{ "db-host", required_argument, NULL, 'H' },
	{ "db-port", required_argument, NULL, 'P' },
	{ "db-socket", required_argument, NULL, 'S' },
	{ "db-user", required_argument, NULL, 'U' },
	{ "db-name", required_argument, NULL, 'N' },
	{ "db-password-file", required_argument, NULL, 'p' },
	{ "msid", required_argument, NULL, 'm' },
	{ "workers", required_argument, NULL, 'w' },
	{ "time-to-sleep-ms", required_argument, NULL, 's' },
	{ "investigate-retry-ms", required_argument, NULL, 'i' },
	{ "restart-retry-ms", required_argument, NULL, 'r' },
	{ "time-between-failures-ms", required_argument, NULL, 'f' },
	{ "max-retries", required_argument, NULL, 'x' },
	{ "ms-heartbeat-ms", required_argument, NULL, 'b' },
	{ "ping-interval-ms", required_argument, NULL, 'I' },
	{ "ping-timeout", required_argument, NULL, 'T' },
	{ "scale", required_argument, NULL, 'F' },
	{ "force-ha", required_argument, NULL, 'h' },
	{ "release-own-claims", required_argument, NULL, 'R' },
	{ "mark-investigating", required_argument, NULL, 'M' },
	{ "investigator", required_argument, NULL, 'v' },
	{ "live-hosts-file", required_argument, NULL, 'l' },
	{ "start-hook", required_argument, NULL, 'k' },
	{ "start-hook-timeout-ms", required_argument, NULL, 'K' },
	{ "work-delay-ms", required_argument, NULL, 'd' },
	{ "agent-monitor", no_argument, NULL, 'a' },
	{ "log-level", required_argument, NULL, 'L' },
	{ "help", no_argument, NULL, 'Z' },
	{ NULL, 0, NULL, 0 },
};

/* CloudStack's defaults, hawatch's for the database */
static void
cli_defaults(void)
{
	struct config	defaults;

	config_defaults(&defaults);
	opt.db = defaults.db;
	config_free(&defaults);
	/* hawatch's own default user is resolved at load (db.properties);
	   the fixture connects as CloudStack's management server does */
	snprintf(opt.db.user, sizeof(opt.db.user), "cloud");
	opt.workers = HA_WORKERS;
	opt.scale = 1;
	opt.time_to_sleep_ms = TIME_TO_SLEEP_MS;
	opt.investigate_retry_ms = INVESTIGATE_RETRY_MS;
	opt.restart_retry_ms = RESTART_RETRY_MS;
	opt.time_between_failures_ms = TIME_BETWEEN_FAILURES_MS;
	opt.heartbeat_ms = MS_HEARTBEAT_MS;
	opt.ping_interval_ms = PING_INTERVAL_MS;
	opt.ping_timeout = PING_TIMEOUT;
	opt.max_retries = MAX_RETRIES;
	opt.release_own = opt.mark_investigating = 1;
	opt.hook_timeout_ms = HOOK_TIMEOUT_MS;
	opt.investigator = INV_HOSTHA;
}

/* the database options; 0 taken, 1 bad, NOT_MINE */
static int
cli_db_opt(int c, const char **pwfile)
{
	uint64_t	v;
	int		bad = 0;

	switch (c) {
	case 'H':
		return arg_str("--db-host", optarg, opt.db.host,
		    sizeof(opt.db.host));
	case 'P':
		if (!(bad = arg_u64("--db-port", optarg, 1, 65535, &v)))
			opt.db.port = (unsigned)v;
		return bad;
	case 'S':
		return arg_str("--db-socket", optarg, opt.db.socket,
		    sizeof(opt.db.socket));
	case 'U':
		return arg_str("--db-user", optarg, opt.db.user,
		    sizeof(opt.db.user));
	case 'N':
		if ((bad = arg_str("--db-name", optarg, opt.db.name, 65)))
			return bad;
		if (strspn(optarg, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
		    strlen(optarg)) {
			fprintf(stderr, "haworker: --db-name: letters, "
			    "digits and _ only\n");
			return 1;
		}
		return 0;
	case 'p':
		*pwfile = optarg;
		return 0;
	}
	return NOT_MINE;
}

/* the CloudStack settings: counts and timings; 0, 1 bad, NOT_MINE */
static int
cli_setting_opt(int c)
{
	uint64_t	v;
	int		bad = 0;

	switch (c) {
	case 'm':
		return arg_u64("--msid", optarg, 1, INT64_MAX, &opt.msid);
	case 'w':
		if (!(bad = arg_u64("--workers", optarg, 0, MAX_WORKERS, &v)))
			opt.workers = (unsigned)v;
		return bad;
	case 's':
		return arg_u64("--time-to-sleep-ms", optarg, 1, DAY_MS,
		    &opt.time_to_sleep_ms);
	case 'i':
		return arg_u64("--investigate-retry-ms", optarg, 1, DAY_MS,
		    &opt.investigate_retry_ms);
	case 'r':
		return arg_u64("--restart-retry-ms", optarg, 1, DAY_MS,
		    &opt.restart_retry_ms);
	case 'f':
		return arg_u64("--time-between-failures-ms", optarg, 1,
		    100 * (uint64_t)DAY_MS, &opt.time_between_failures_ms);
	case 'x':
		if (!(bad = arg_u64("--max-retries", optarg, 1, 1000, &v)))
			opt.max_retries = (unsigned)v;
		return bad;
	case 'b':
		return arg_u64("--ms-heartbeat-ms", optarg, 1, DAY_MS,
		    &opt.heartbeat_ms);
	case 'I':
		return arg_u64("--ping-interval-ms", optarg, 1, DAY_MS,
		    &opt.ping_interval_ms);
	case 'T':
		return arg_double("--ping-timeout", optarg, 1,
		    &opt.ping_timeout);
	case 'F':
		if ((bad = arg_double("--scale", optarg, 1e-3, &opt.scale)))
			return bad;
		if (opt.scale > 1e6) {
			fprintf(stderr, "haworker: --scale: at most 1000000\n");
			return 1;
		}
		return 0;
	case 'h':
		return arg_onoff("--force-ha", optarg, &opt.force_ha);
	}
	return NOT_MINE;
}

/* what this process emulates and the simulation's knobs; 0, 1, NOT_MINE */
static int
cli_mode_opt(int c)
{
	enum log_level	lvl;

	switch (c) {
	case 'R':
		return arg_onoff("--release-own-claims", optarg,
		    &opt.release_own);
	case 'M':
		return arg_onoff("--mark-investigating", optarg,
		    &opt.mark_investigating);
	case 'v':
		if (strcmp(optarg, "hostha") == 0)
			opt.investigator = INV_HOSTHA;
		else if (strcmp(optarg, "db") == 0)
			opt.investigator = INV_DB;
		else {
			fprintf(stderr, "haworker: --investigator: "
			    "hostha or db, got \"%s\"\n", optarg);
			return 1;
		}
		return 0;
	case 'l':
		opt.live_hosts_file = optarg;
		return 0;
	case 'k':
		opt.start_hook = optarg;
		return 0;
	case 'K':
		return arg_u64("--start-hook-timeout-ms", optarg, 1, DAY_MS,
		    &opt.hook_timeout_ms);
	case 'd':
		return arg_u64("--work-delay-ms", optarg, 0, DAY_MS,
		    &opt.work_delay_ms);
	case 'a':
		opt.agent_monitor = 1;
		return 0;
	case 'L':
		if (log_level_parse(optarg, &lvl) == -1) {
			fprintf(stderr, "haworker: --log-level: debug, "
			    "info, warn or error\n");
			return 1;
		}
		log_set_level(lvl);
		return 0;
	}
	return NOT_MINE;
}

/* the checks across options, then the password; 0 or 1 (bad) */
static int
cli_check(int argc, char **argv, const char *pwfile)
{
	char	err[ERR_LEN];

	if (optind < argc) {
		fprintf(stderr, "haworker: unexpected argument %s\n",
		    argv[optind]);
		return 1;
	}
	if (opt.msid == 0) {
		fprintf(stderr, "haworker: --msid is required\n");
		return 1;
	}
	if (pwfile == NULL) {
		fprintf(stderr, "haworker: --db-password-file is required\n");
		return 1;
	}
	if (opt.agent_monitor && opt.live_hosts_file == NULL) {
		fprintf(stderr, "haworker: --agent-monitor needs "
		    "--live-hosts-file (which agents still ping)\n");
		return 1;
	}
	if (opt.workers == 0 && !opt.agent_monitor) {
		fprintf(stderr, "haworker: --workers 0 without --agent-monitor "
		    "does nothing\n");
		return 1;
	}
	if (opt.start_hook != NULL && opt.start_hook[0] == '\0') {
		fprintf(stderr, "haworker: --start-hook: empty command\n");
		return 1;
	}
	if (config_read_secret_file(pwfile, opt.db.password,
	    sizeof(opt.db.password), err) == -1) {
		fprintf(stderr, "haworker: --db-password-file: %s\n", err);
		return 1;
	}
	return 0;
}

/* 0, or -1 after a message and the usage (the caller exits 2) */
int
parse_args(int argc, char **argv)
{
	const char	*pwfile = NULL;
	int		 c, bad = 0;

	cli_defaults();
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", cli_options, NULL)) != -1 &&
	    !bad) {
		if ((bad = cli_db_opt(c, &pwfile)) != NOT_MINE)
			continue;
		if ((bad = cli_setting_opt(c)) != NOT_MINE)
			continue;
		if ((bad = cli_mode_opt(c)) != NOT_MINE)
			continue;
		if (c == 'Z') {
			usage();
			exit(0);
		}
		fprintf(stderr, "haworker: unknown or incomplete "
		    "option %s\n", argv[optind - 1]);
		bad = 1;
	}
	if (bad || cli_check(argc, argv, pwfile)) {
		usage();
		return -1;
	}
	opt.db.has_password = 1;
	if (opt.db.socket[0] != '\0')
		opt.db.host[0] = '\0';
	opt.time_to_sleep_ms = scaled(opt.time_to_sleep_ms, SCALED_MIN_MS);
	opt.investigate_retry_ms = scaled(opt.investigate_retry_ms, 1);
	opt.restart_retry_ms = scaled(opt.restart_retry_ms, 1);
	opt.time_between_failures_ms = scaled(opt.time_between_failures_ms, 1);
	opt.heartbeat_ms = scaled(opt.heartbeat_ms, HEARTBEAT_MIN_MS);
	opt.ping_interval_ms = scaled(opt.ping_interval_ms, SCALED_MIN_MS);
	return 0;
}

/* the effective settings, one event=haworker.config line */
void
log_config(void)
{
	log_info("haworker.config", "msid=%llu workers=%u investigator=%s "
	    "scale=%g time_to_sleep_ms=%llu investigate_retry_ms=%llu "
	    "restart_retry_ms=%llu time_between_failures_ms=%llu "
	    "max_retries=%u ms_heartbeat_ms=%llu agent_monitor=%s "
	    "ping_interval_ms=%llu ping_timeout=%g force_ha=%s "
	    "release_own_claims=%s mark_investigating=%s live_hosts_file=%s "
	    "start_hook=%s work_delay_ms=%llu", (unsigned long long)opt.msid,
	    opt.workers, inv_mode_name(opt.investigator), opt.scale,
	    (unsigned long long)opt.time_to_sleep_ms,
	    (unsigned long long)opt.investigate_retry_ms,
	    (unsigned long long)opt.restart_retry_ms,
	    (unsigned long long)opt.time_between_failures_ms, opt.max_retries,
	    (unsigned long long)opt.heartbeat_ms,
	    opt.agent_monitor ? "on" : "off",
	    (unsigned long long)opt.ping_interval_ms, opt.ping_timeout,
	    opt.force_ha ? "on" : "off", opt.release_own ? "on" : "off",
	    opt.mark_investigating ? "on" : "off",
	    opt.live_hosts_file ? opt.live_hosts_file : "-",
	    opt.start_hook ? "set" : "-",
	    (unsigned long long)opt.work_delay_ms);
}
