/*
 * vm_start_stop.c -- the HA-worker fixture's advanceStop and start (2.1):
 * VM transitions through VirtualMachineManagerImpl's state machine, the
 * choice of a live host and the bounded --start-hook with which the
 * simulated cluster creates the domain.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "sbuf.h"
#include "util.h"
#include "haworker.h"

/* advanceStop(vm, force): 0 Stopped, 1 conflict/unsupported, -1 DB */
int
advance_stop(struct db *db, struct vm *v, char *err)
{
	int	r;

	if (strcmp(v->state, "Stopped") == 0)
		return 0;
	if (strcmp(v->state, "Running") == 0 &&
	    (r = vm_transit(db, v, "Stopping", v->host_id, LH_KEEP, 0,
	    err)) != 0)
		return r;
	if (strcmp(v->state, "Stopping") != 0) {
		set_err(err, "advanceStop of VM %llu in state %s is not "
		    "emulated", (unsigned long long)v->id, v->state);
		return 1;
	}
	/* StopCommand: the agent is unavailable, tolerated when forced */
	return vm_transit(db, v, "Stopped", 0, LH_OLD_HOST, 0, err);
}

/* least-loaded live host of the cluster, not `avoid`; 0 if none */
static int
pick_host(struct db *db, uint64_t cluster_id, uint64_t avoid, uint64_t *out,
    char *err)
{
	struct idset	live;
	struct sbuf	sb;
	char		cid[24];
	int		r;

	idset_load(&live);
	sbuf_init(&sb);
	sbuf_add(&sb, "SELECT h.id FROM host h LEFT JOIN vm_instance v ON "
	    "v.host_id = h.id AND v.removed IS NULL AND v.state IN "
	    "('Running', 'Starting') WHERE h.status = 'Up' AND "
	    "h.resource_state = 'Enabled' AND h.removed IS NULL AND "
	    "h.type = 'Routing' AND h.id <> %llu AND h.cluster_id <=> %s",
	    (unsigned long long)avoid, id_sql(cid, sizeof(cid), cluster_id));
	idset_sql(&live, "h.id", &sb);
	sbuf_add(&sb, " GROUP BY h.id ORDER BY COUNT(v.id), h.id LIMIT 1");
	*out = 0;
	r = db_query_u64(db, "pick a host", sb.s, out, err);
	sbuf_free(&sb);
	free(live.v);
	return r == -1 ? -1 : 0;
}

/* --start-hook CMD vm_instance_name host_id, bounded; 0 if it exited 0 */
static int
run_hook(const char *instance, uint64_t host_id, char *err)
{
	sigset_t	 none;
	char		 hid[24], *cmd;
	uint64_t	 deadline;
	pid_t		 pid, w;
	int		 st;

	if (opt.start_hook == NULL)
		return 0;
	snprintf(hid, sizeof(hid), "%llu", (unsigned long long)host_id);
	if (asprintf(&cmd, "%s \"$@\"", opt.start_hook) < 0)
		abort();
	sigemptyset(&none);
	if ((pid = fork()) == -1) {
		set_err(err, "start hook: fork: %s", strerror(errno));
		free(cmd);
		return -1;
	}
	if (pid == 0) {
		/* own group: a timeout kills the hook's whole tree */
		setpgid(0, 0);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execl("/bin/sh", "sh", "-c", cmd, "sh", instance, hid,
		    (char *)NULL);
		_exit(127);
	}
	free(cmd);
	setpgid(pid, pid);
	deadline = clock_mono_ms() + opt.hook_timeout_ms;
	while ((w = waitpid(pid, &st, WNOHANG)) == 0) {
		if (clock_mono_ms() >= deadline || atomic_load(&stopping)) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
				;
			set_err(err, "start hook for %s on host %s %s",
			    instance, hid, atomic_load(&stopping) ?
			    "aborted: stopping" : "timed out");
			return -1;
		}
		clock_sleep_ms(HOOK_POLL_MS);
	}
	if (w == -1) {
		set_err(err, "start hook: waitpid: %s", strerror(errno));
		return -1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		set_err(err, "start hook for %s on host %s failed (%s %d)",
		    instance, hid, WIFEXITED(st) ? "exit" : "signal",
		    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		return -1;
	}
	return 0;
}

/*
 * startVm through VirtualMachineManagerImpl's state machine.  0 the start
 * ran (v tells whether it is Running), 1 conflict, -1 DB error.
 */
int
start_vm(struct db *db, struct vm *v, const struct host *from, char *err)
{
	uint64_t	dest;
	int		r;

	if (strcmp(v->state, "Running") == 0)
		return 0;		/* "VM is already started": no-op */
	if (strcmp(v->state, "Stopped") != 0) {
		log_info("ha.start_failed", "vm=%llu reason=\"state %s\"",
		    (unsigned long long)v->id, v->state);
		return 0;
	}
	if ((r = vm_transit(db, v, "Starting", 0, LH_KEEP, 0, err)) != 0)
		return r;
	if (pick_host(db, from->cluster_id, from->id, &dest, err) == -1)
		return -1;
	if (dest == 0) {
		log_info("ha.start_failed", "vm=%llu reason=\"insufficient "
		    "capacity: no live host\"", (unsigned long long)v->id);
		return vm_transit(db, v, "Stopped", 0, LH_KEEP, 0, err);
	}
	if ((r = vm_transit(db, v, "Starting", dest, LH_KEEP, 0, err)) != 0)
		return r;
	if (run_hook(v->instance_name, dest, err) == -1) {
		log_info("ha.start_failed", "vm=%llu host=%llu reason=\"%s\"",
		    (unsigned long long)v->id, (unsigned long long)dest, err);
		return vm_transit(db, v, "Stopped", 0, LH_KEEP, 0, err);
	}
	if ((r = vm_transit(db, v, "Running", dest, LH_NEW_HOST, 1,
	    err)) != 0)
		return r;
	if (cs_start_side_effects(db, v->id, err) == -1)
		return -1;
	log_info("ha.started", "vm=%llu host=%llu instance=%s",
	    (unsigned long long)v->id, (unsigned long long)dest,
	    v->instance_name);
	return 0;
}
