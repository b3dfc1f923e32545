/*
 * sweep_keys.c -- the `sweep` group of hawatch.conf (the paused-domain
 * sweeper and its libvirt deadlines): keys, defaults, ranges, rules.
 */
#include <string.h>

#include "config.h"
#include "config_table.h"
#include "defaults.h"
#include "util.h"

#define DUR(n, f, lo, hi, d, dc) { .name = n, .type = CFGT_DURATION, \
	CFG_AT(sweep_config, f), .min = lo, .max = hi, .def = d, .doc = dc }
#define BOOL(n, f, d, dc) { .name = n, .type = CFGT_BOOL, \
	CFG_AT(sweep_config, f), .min = 0, .max = 1, .def = d, .doc = dc }

static const struct cfg_key sweep_keys[] = {
	BOOL("enabled", enabled, 1, "run the sweeper"),
	DUR("interval", interval_ms, 1000, MS_DAY, SWEEP_INTERVAL_MS_DEFAULT,
	    "every live host is swept this often"),
	{ .name = "uri_template", .type = CFGT_STRING,
	    CFG_AT(sweep_config, uri_template),
	    .sdef = VIRT_URI_TEMPLATE_DEFAULT,
	    .doc = "libvirt URI; {ip} is the host's private IP" },
	DUR("open_timeout", open_timeout_ms, 100, 600000,
	    VIRT_OPEN_TIMEOUT_MS_DEFAULT, "bound on each libvirt open"),
	DUR("call_timeout", call_timeout_ms, 100, 600000,
	    VIRT_CALL_TIMEOUT_MS_DEFAULT, "bound on each libvirt call"),
	DUR("pause_grace", pause_grace_ms, 0, MS_DAY, PAUSE_GRACE_MS_DEFAULT,
	    "paused this long before a resume is considered"),
	DUR("job_stall_after", job_stall_after_ms, 1000, MS_DAY,
	    JOB_STALL_AFTER_MS_DEFAULT, "a job not moving this long is "
	    "aborted"),
	{ .name = "max_resume_attempts", .type = CFGT_UINT,
	    CFG_AT(sweep_config, max_resume_attempts), .min = 1, .max = 100,
	    .def = MAX_RESUME_ATTEMPTS_DEFAULT,
	    .doc = "then give up and alert" },
	DUR("resume_backoff", resume_backoff_ms, 0, MS_DAY,
	    RESUME_BACKOFF_MS_DEFAULT, "doubling per failed attempt"),
	DUR("resume_settle", resume_settle_ms, 0, 60000,
	    RESUME_SETTLE_MS_DEFAULT, "re-read the state this long after a "
	    "resume"),
	DUR("backup_timeout", backup_timeout_ms, 60000, 7 * MS_DAY,
	    BACKUP_TIMEOUT_MS_DEFAULT, "a BackingUp row older with no job is "
	    "stale"),
	BOOL("reap_stale_backups", reap_stale_backups, 0,
	    "set stale BackingUp rows to Error"),
	DUR("pull_job_max_age", pull_job_max_age_ms, 0, 7 * MS_DAY, 0,
	    "report a pull-mode backup job open longer (0: never); it is "
	    "never aborted"),
	BOOL("heal_backup_states", heal_backup_states, 0,
	    "opt-in: VMs left in BackupError / BackingUp back to the state "
	    "libvirt shows"),
	{ .name = "optout", .type = CFGT_STRLIST, CFG_AT(sweep_config, optout),
	    .max = CFG_MAX_OPTOUT,
	    .aux_off = offsetof(struct sweep_config, noptout),
	    .doc = "domain names or uuids never resumed" },
};

static int
sweep_check(const struct config *c, char *at, size_t atlen, char *err)
{
	if (strstr(c->sweep.uri_template, "{ip}") == NULL &&
	    strncmp(c->sweep.uri_template, "test:///", 8) != 0) {
		cfg_at(at, atlen, "sweep");
		set_err(err, "sweep.uri_template must contain {ip}");
		return -1;
	}
	return 0;
}

const struct cfg_table sweep_config_table = {
	.name = "sweep", .keys = sweep_keys, .nkeys = NELEM(sweep_keys),
	.size = sizeof(struct sweep_config), .check = sweep_check,
};
