/*
 * haworker -- a stand-in for the VM-HA machinery of CloudStack's Java
 * management server (MS), for hawatch's simulated cluster, demo, chaos
 * tests and benchmarks.  CloudStack cannot run here; this program writes
 * CloudStack's tables the way the documented code does.  One process is
 * one management server (--msid).  Section numbers refer to
 * /work/shared/reference/cloudstack.md.
 *
 * Emulated, in the documented order:
 *   MS liveness (6)   mshost row upserted at start (state Up, new runid),
 *                     heartbeat every cluster.heartbeat.interval:
 *                     last_update=UTC now WHERE msid AND runid.  SIGTERM
 *                     marks it Down; SIGKILL leaves it stale (a dead MS).
 *                     A heartbeat matching no row (runid replaced) stops
 *                     the process with exit 1.
 *   configure() (3.3) releaseWorkItems(own msid).      --release-own-claims
 *   start() (3.3)     markPendingWorksAsInvestigating (PR #10167): every
 *                     takeable row gets step Investigating.
 *                                                      --mark-investigating
 *   stop() (3.3)      markServerPendingWorksAsInvestigating(own msid), then
 *                     releaseWorkItems(own msid) as the brief asks (the
 *                     source I read marks but does not release on stop;
 *                     the next configure() would), mshost state Down.
 *   workers (3.3)     ha.workers threads: wait time.to.sleep first, then
 *                     take() (SELECT .. LIMIT 1 FOR UPDATE on unclaimed,
 *                     due, not Done/Cancelled rows; set mgmt_server_id and
 *                     taken; commit), sleep time.to.sleep when idle,
 *                     processWork: zone vm.ha.enabled false -> reschedule;
 *                     HA rows -> restart(); null -> Done (over Cancelled);
 *                     else rescheduleWork (time_to_try, tried+1, claim
 *                     cleared); an error -> reschedule +restart.retry with
 *                     state/updated re-captured; finally "Giving up" -> Done
 *                     once tried >= vm.ha.migration.max.retries.
 *   restart() (3.4)   every exit, in order: newer HA row -> Done; another
 *                     taken open HA row -> reschedule; VM gone -> Done; VM
 *                     in Error -> Done; checkAndCancelWorkIfNeeded (step
 *                     Investigating, reason HostMaintenance/HostDown/
 *                     HostDegraded, investigate(host) Up) -> Done; state or
 *                     update_count changed -> Done; host changed -> Done;
 *                     host row gone -> Done; Investigating: isVmAlive ->
 *                     alive & host Up -> Done, alive & not Up -> reschedule
 *                     +investigate.retry, unknown -> KVMFencer, fence failed
 *                     -> reschedule +restart.retry, dead/fenced ->
 *                     advanceStop(force) then step Scheduled; !ha_enabled &
 *                     !force.ha -> Done; local-storage VM on a dead host ->
 *                     Done; start (no-op if Running) -> Running: Done, else
 *                     reschedule +restart.retry.
 *   investigators (3.4)  --investigator hostha: KVMInvestigator of a Host-HA
 *                     eligible host (ha_config enabled, state not Disabled/
 *                     Ineligible): isVmAlive false only when Fenced;
 *                     isAgentAlive Fenced->Down, Degraded/Recovering/Fencing
 *                     ->Disconnected, Available/Suspect/Checking/Recovered
 *                     ->Up.  Not eligible: the db answers.  --investigator
 *                     db: a host is alive iff status Up and, with
 *                     --live-hosts-file, listed there; isVmAlive true on an
 *                     alive host, else unknown (UnknownVM) -> KVMFencer,
 *                     which succeeds iff the host is not alive and another
 *                     live host of its cluster exists (a neighbour sees the
 *                     stale NFS heartbeat, 3.4).
 *   VM writes (2.1)   VMInstanceDaoImpl.updateState: UPDATE .. WHERE id AND
 *                     state AND host_id AND update_count, update_count+1;
 *                     0 rows but already in the target state = success.
 *                     advanceStop: Running -StopRequested-> Stopping
 *                     -OperationSucceeded-> Stopped (host NULL, last_host =
 *                     old host).  start: Stopped -StartRequested->
 *                     Starting -OperationRetry-> Starting on the chosen
 *                     host, --start-hook, -OperationSucceeded-> Running
 *                     (last_host = host, power_state PowerOn, power_host);
 *                     failure -OperationFailed-> Stopped.
 *   agent monitor (3.2, 2.5)  --agent-monitor: AgentManagerImpl for every
 *                     Up Routing host: an agent is "pinging" while its host
 *                     is in --live-hosts-file; after ping.interval x
 *                     ping.timeout without pings, investigate: Down -> host
 *                     Down (optimistic on status/update_count/last_ping,
 *                     mgmt_server_id NULL) and scheduleRestartForVmsOnHost
 *                     (system VMs first, skip VMs with open HA work for the
 *                     host or in Error, tried inherited, rows Investigating
 *                     /HostDown, state = VM state, updated = update_count,
 *                     time_to_try now>>10); Disconnected -> Alert; Up or
 *                     no answer -> nothing (no HA work).  With hostha and
 *                     ha_state Available a powered-off host stays Up: the
 *                     first half of #12922 (3.5 step 1).  A listed host
 *                     whose status is Down/Alert/Disconnected reconnects:
 *                     Connecting then Up.
 *   time_to_try (1.2, 3.4)  ms>>10 ticks; retries add the interval in
 *                     seconds to the tick count as CloudStack does.  A
 *                     scaled interval under 1 s rounds up to one tick.
 *
 * Not emulated: capacity, planners, host tags, affinity (a live host of the
 * work host's cluster with the fewest Running/Starting VMs is chosen); the
 * agent's own answers (CheckVirtualMachineCommand, CheckHealthCommand,
 * StopCommand: a dead host's agent is simply unavailable); Host HA itself
 * (ha_config is read, never written: the simulation or the test sets it);
 * Migration/Stop/CheckStop/ForceStop/Destroy work (rescheduled as errors);
 * the HA cleanup task; alerts; power-state sync reports; zone/cluster
 * resourceHAEnabled details; the 4.22.1 fix (PR #13088).  Alert hosts are
 * not re-investigated.  Pings are kept in memory (host.last_ping is not
 * written).  Run --agent-monitor in one haworker only: it plays every MS's
 * AgentManager.
 *
 * Ours, not CloudStack's: --live-hosts-file (which hosts are powered on),
 * --start-hook (the simulated cluster creates the domain), --work-delay-ms
 * (hold a taken row: a slow or dying MS with a claim), --workers 0.
 *
 * Logs: one key=value line per decision on stderr (event=ha.done exit=..).
 * Files (tests/itest/haworker/, built into build/itest/haworker):
 *   haworker.h  options, rows and the functions the files share
 *   model.c     names, process state and waits, SQL helpers, the
 *               live-hosts file, host/VM rows and VM state transitions
 *   investigate.c  investigators and KVMFencer (3.4)
 *   vm_start_stop.c  advanceStop, host choice, --start-hook, start (2.1)
 *   restart.c   restart(work) and its exits (3.4)
 *   worker.c    take(), processWork and the worker threads (3.3)
 *   monitor.c   AgentManagerImpl: ping timeouts, host Down, scheduling (3.2)
 *   ms.c        mshost heartbeat (6) and configure()/start()/stop() (3.3)
 *   cli.c       command line
 *   main.c      threads and signals
 * Exit: 0 after SIGTERM/SIGINT, 1 on a fatal error, 2 on usage errors.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "sbuf.h"
#include "util.h"
#include "haworker.h"

/* --- main --------------------------------------------------------------- */

/* signals go to sigwait() in main; hooks get an empty mask */
static void
main_signals(sigset_t *set)
{
	pthread_condattr_t	ca;

	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&cv, &ca);
	pthread_condattr_destroy(&ca);
}

/* heartbeat, monitor and workers; a missing one stops the process */
static unsigned
main_start_threads(pthread_t *th)
{
	unsigned	i, nth = 0;

	if (pthread_create(&th[nth], NULL, heartbeat_main, NULL) == 0)
		nth++;
	if (opt.agent_monitor &&
	    pthread_create(&th[nth], NULL, monitor_main, NULL) == 0)
		nth++;
	for (i = 0; i < opt.workers; i++)
		if (pthread_create(&th[nth], NULL, worker_main,
		    (void *)(uintptr_t)i) == 0)
			nth++;
	if (nth < 1 + (unsigned)opt.agent_monitor + opt.workers) {
		log_err("haworker.fatal", "error=\"could not start threads\"");
		atomic_store(&fatal, 1);
		kill(getpid(), SIGTERM);
	}
	return nth;
}

/* stop(): on the main connection, reconnected if it idled out; 0 or 1 */
static int
main_stop(struct db *db)
{
	char	err[ERR_LEN];
	int	rc = 0;

	if (atomic_load(&fatal))
		return 1;
	if (!db_alive(db)) {
		db_close(db);
		rc = haw_connect(db, err) == -1;
	}
	if (rc == 0 && lifecycle_stop(db, err) == -1)
		rc = 1;
	if (rc != 0)
		log_err("haworker.stop_failed", "error=\"%s\"", err);
	return rc;
}

int
main(int argc, char **argv)
{
	pthread_t	 th[MAX_WORKERS + 2];
	sigset_t	 set;
	struct db	 db;
	char		 err[ERR_LEN];
	unsigned	 i, nth;
	int		 sig, rc;

	if (parse_args(argc, argv) == -1)
		return 2;
	log_config();
	main_signals(&set);
	if (mysql_library_init(0, NULL, NULL) != 0) {
		log_err("haworker.fatal", "error=\"mysql_library_init\"");
		return 1;
	}
	if (haw_connect(&db, err) == -1 || lifecycle_start(&db, err) == -1) {
		log_err("haworker.fatal", "error=\"%s\"", err);
		if (db.m != NULL)
			db_close(&db);
		mysql_library_end();
		return 1;
	}
	nth = main_start_threads(th);

	sigwait(&set, &sig);
	log_info("haworker.stopping", "signal=%s fatal=%d",
	    sig == SIGINT ? "INT" : "TERM", atomic_load(&fatal));
	pthread_mutex_lock(&mu);
	atomic_store(&stopping, 1);
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (i = 0; i < nth; i++)
		pthread_join(th[i], NULL);

	rc = main_stop(&db);
	if (db.m != NULL)
		db_close(&db);
	pthread_cond_destroy(&cv);
	explicit_bzero(opt.db.password, sizeof(opt.db.password));
	mysql_library_end();
	log_info("haworker.exit", "msid=%llu rc=%d",
	    (unsigned long long)opt.msid, rc);
	return rc;
}
