/*
 * backup_states.c -- what a failed backup leaves behind, beyond paused
 * domains (issue 12): the running domains whose jobs a run read, so that a
 * BackingUp row of a VM that runs again can be judged (and reaped) too.
 *
 * Where it sits: sweeper_run() (sweep.c) moves every observed host's
 * running domains into the run's report right after observing
 * (sweep_running_take); the stale-backup verdict (sweep_backups.c) finds a
 * row's running domain with sweep_running_find() and hands its job to the
 * core's rule (src/core/backup_rules.h: running with no job -> would-reap,
 * with a job -> job-active, neither running nor paused -> no-domain).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sweep.h"
#include "util.h"
#include "virt.h"

/* obs[i] belongs to r->hosts[i]; its running list moves into r. */
void
sweep_running_take(struct sweep_run_report *r, struct virt_host_obs *obs)
{
	size_t	i, j, n = 0;

	for (i = 0; i < r->nhosts; i++)
		n += obs[i].nrun;
	r->running = xcalloc(n + 1, sizeof(*r->running));
	r->running_host = xcalloc(n + 1, sizeof(*r->running_host));
	for (i = 0; i < r->nhosts; i++) {
		for (j = 0; j < obs[i].nrun; j++) {
			r->running[r->nrunning] = obs[i].running[j];
			r->running_host[r->nrunning++] = r->hosts[i].host_id;
		}
		free(obs[i].running);
		obs[i].running = NULL;
		obs[i].nrun = 0;
	}
}

/* The running domain named (name or uuid) on host_id, or NULL. */
const struct dom_obs *
sweep_running_find(const struct sweep_run_report *r, uint64_t host_id,
    const char *name, const char *uuid)
{
	size_t	i;

	for (i = 0; i < r->nrunning; i++)
		if (r->running_host[i] == host_id &&
		    (strcmp(r->running[i].name, name) == 0 ||
		    (uuid[0] != '\0' && strcasecmp(r->running[i].uuid,
		    uuid) == 0)))
			return &r->running[i];
	return NULL;
}
