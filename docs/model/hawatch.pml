/*
 * hawatch.pml -- a Promela model of hawatch's fence -> reconcile -> restart
 * protocol, checked with spin (see README.md beside this file).
 *
 * One VM, first running on host 1, restarted by CloudStack on host 2.
 * Processes:
 *   env        host 1 (up / hung / off / back), the BMC's late power-off,
 *              the database connection loss that drops the leader lock,
 *              and CloudStack's power-state sync from the host agents;
 *   hawatch(i) two instances: leadership (GET_LOCK + generation token),
 *              S1 verdict, BMC readings with corroboration (S2), fence,
 *              reconcile with update_count (S5/S6), restart assurance (S10);
 *   ms(m)      two CloudStack management servers: the HA worker
 *              (take, restart(), Done, reschedule) and
 *              markPendingWorksAsInvestigating() at each server start.
 *
 * hawatch_bad.pml includes this file with BAD_NO_CORROBORATION defined:
 * two BMC off readings then confirm death with no check against a fresh
 * heartbeat or a libvirt answer.  Nothing else differs.
 */

/* ---- bounds (keep the state space small; each is a fault budget) ---- */
#ifndef REQUEUE_MAX
#define REQUEUE_MAX	1	/* reconcile.requeue_max (default 3) */
#endif
#define NROWS		(REQUEUE_MAX + 1)	/* hawatch's row + its re-queues */
#ifndef HA_MAX_TRIES
#define HA_MAX_TRIES	2	/* vm.ha.migration.max.retries (default 5) */
#endif
#ifndef HOST_EVENTS_MAX
#define HOST_EVENTS_MAX	2	/* host 1 changes: up->hung->up, up->off->up */
#endif
#ifndef CONN_LOSS_MAX
#define CONN_LOSS_MAX	1	/* leader connection losses */
#endif
#ifndef MS_RESTART_MAX
#define MS_RESTART_MAX	2	/* management server starts */
#endif
#ifndef START_FAIL_MAX
#define START_FAIL_MAX	1	/* CloudStack start attempts that fail */
#endif
#ifndef FENCE_MAX
#define FENCE_MAX	1	/* daemon.fence_max_attempts per instance */
#endif
#ifndef BMC_TIMEOUT_MAX
#define BMC_TIMEOUT_MAX	1	/* BMC readings that time out (all instances) */
#endif
#ifndef NMS
#define NMS		2	/* management servers */
#endif
#define NONE		255
#if REQUEUE_MAX < 1 || REQUEUE_MAX > 2
#error "TAKEABLE/ANY_TAKEABLE below are written for two or three rows"
#endif

/* ---- the physical world ---- */
#define UP	0
#define HUNG	1	/* kernel hung: no heartbeat, no libvirt, VM frozen */
#define OFF	2
byte host = UP;		/* host 1; host 2 never fails */
bool phys1 = 1;		/* the VM's process exists on host 1 */
bool phys2 = 0;		/* ... on host 2 */
bool mismapped;		/* host 1's BMC address points at another machine */
bool late_off;		/* a power-off the BMC accepted but has not applied */
byte host_events;
bool upmark[2];		/* host 1 was up since instance i's first off reading:
			 * a live host writes its heartbeat (or answers
			 * libvirt) within the corroboration window */

/* ---- the database: vm_instance ---- */
#define V_RUNNING	0
#define V_STARTING	1
#define V_STOPPED	2
byte vm_state = V_RUNNING;
byte vm_host = 1;	/* 0 = NULL */
byte vm_uc;		/* update_count, the optimistic lock */

/* ---- the database: op_ha_work (only hawatch inserts rows here) ---- */
#define S_SCHED	1
#define S_INV	2
#define S_DONE	3
byte row_step[NROWS];
byte row_claim[NROWS];	/* mgmt_server_id/taken: 0 = unclaimed */
byte row_updated[NROWS];	/* the VM's update_count the row expects */
byte row_tried[NROWS];
byte nrows;

/* ---- the database: leader lock (GET_LOCK) and hawatch's schema ---- */
byte lock_owner;	/* 0 = free, else instance + 1 */
byte lock_gen;		/* generation in hawatch's leader table (token) */
bool bmc_distrust;	/* alert bmc_contradiction, until an operator clears */
bool hw_tracking;	/* restart assurance: watching the VM */
byte hw_row;		/* hawatch's newest HA row */
byte hw_uc;		/* the VM's update_count after hawatch's write */
byte hw_requeues;
bool hw_gave_up;	/* given up or reported, with an alert */

/* ---- ghosts, for the properties ---- */
bool hw_stopped;	/* hawatch's reconcile stopped the HA-enabled VM */
bool off_seen;		/* a leader has confirmed host 1 off */
bool leader[2];		/* instance i believes it leads */
bool lost[2];		/* instance i's connection dropped the lock */
byte my_gen[2];
byte conn_losses, ms_restarts, start_fails, bmc_timeouts;

#define TAKEABLE(k)	((k) < nrows && row_claim[k] == 0 && \
			 (row_step[k] == S_SCHED || row_step[k] == S_INV))
#define ANY_TAKEABLE	(TAKEABLE(0) || TAKEABLE(1) || TAKEABLE(2))
#define REC_ON_H1	(vm_state == V_RUNNING && vm_host == 1)
#define VM_RUNS		(vm_state == V_RUNNING && (phys1 || phys2))

/* Every hawatch write transaction re-checks the token inside itself.
 * The property checked is that no write lands while the lock is held by
 * the other instance (S4). */
#ifdef BAD_NO_TOKEN
#define TOKEN_OK(i)	1	/* vacuity check only: make model-bad */
#else
#define TOKEN_OK(i)	(lock_gen == my_gen[i])
#endif
#define WRITE_CHECK(i)	assert(lock_owner == 0 || lock_owner == (i) + 1)

/* host views, per hawatch instance */
#define H_ALIVE		0
#define H_DEAD		1	/* S1 holds: waiting to fence */
#define H_FENCING	2
#define H_FENCED	3	/* confirmed off */
#define H_HELD		4	/* contradiction: BMC not trusted */

proctype hawatch(byte i)
{
	byte view = H_ALIVE;
	byte offrun;		/* consecutive off readings */
	byte fences;		/* attempts spent */
	byte snap = NONE;	/* update_count read by reconcile */
	bool r;

end_tick:
	do
	:: /* phase 1: leadership, observations, host FSM, fence */
	   atomic {
		if
		:: lost[i] -> lost[i] = 0; leader[i] = 0
		:: else
		fi;
		if
		:: !leader[i] && lock_owner == 0 ->
			lock_owner = i + 1; lock_gen++; my_gen[i] = lock_gen;
			leader[i] = 1;
			if	/* a new leader reconciles its fenced hosts */
			:: view == H_FENCED -> off_seen = 1
			:: else
			fi
		:: else
		fi;
		/* S1 (heartbeat stale on readable pools, peers advancing) is
		 * taken as sound: it holds only for a host that is not up. */
		if
		:: view == H_ALIVE && host != UP -> view = H_DEAD
		:: view == H_DEAD && host == UP -> view = H_ALIVE
		:: view == H_FENCED && host == UP -> view = H_ALIVE
			/* returned: its heartbeat changes after the fence */
		:: else
		fi;
		/* one BMC reading: a timeout leaves the off run as it is */
		if
		:: bmc_timeouts < BMC_TIMEOUT_MAX -> bmc_timeouts++
		:: true ->
			if
			:: !bmc_distrust && view != H_FENCED && view != H_HELD &&
			   (mismapped || host == OFF) ->
				if
				:: offrun == 0 -> offrun = 1; upmark[i] = (host == UP)
				:: else ->
					offrun = 0;
#ifdef BAD_NO_CORROBORATION
					r = 1;
#else
					/* no heartbeat change / libvirt answer since
					 * the first off reading */
					r = !upmark[i] && host != UP;
#endif
					if
					:: r -> view = H_FENCED;
						if
						:: leader[i] -> off_seen = 1
						:: else
						fi
					:: else -> view = H_HELD; bmc_distrust = 1
					fi;
					r = 0
				fi
			:: else ->	/* reads on, or a BMC no longer trusted */
				offrun = 0;
				if
				:: view == H_FENCING -> view = H_DEAD
				:: else
				fi
			fi
		fi;
		/* fence: audit row first (token-checked), then IPMI off */
		if
		:: view == H_DEAD && leader[i] && fences < FENCE_MAX &&
		   !bmc_distrust && TOKEN_OK(i) ->
			WRITE_CHECK(i);
			fences++; view = H_FENCING;
			if
			:: mismapped -> skip	/* powers off another machine */
			:: !mismapped -> host = OFF; phys1 = 0
			:: !mismapped -> late_off = 1
			:: skip			/* timeout: nothing applied */
			fi
		:: else
		fi;
		/* reconcile reads the VM (S6: while fenced) */
		if
		:: leader[i] && view == H_FENCED && REC_ON_H1 -> snap = vm_uc
		:: else -> snap = NONE
		fi
	   };
	   /* phase 2: reconcile writes, WHERE update_count = snap (S5); then
	    * restart assurance (S10): two token-checked transactions */
	   atomic {
		if
		:: snap != NONE && TOKEN_OK(i) && REC_ON_H1 && vm_uc == snap &&
		   nrows < NROWS ->
			WRITE_CHECK(i);
			vm_state = V_STOPPED; vm_host = 0; vm_uc++;
			row_step[nrows] = S_SCHED; row_claim[nrows] = 0;
			row_updated[nrows] = vm_uc; row_tried[nrows] = 0;
			hw_row = nrows; nrows++;
			hw_uc = vm_uc; hw_requeues = 0; hw_tracking = 1;
			hw_stopped = 1
		:: else		/* lost the race or the token: re-read */
#ifndef BAD_NO_CORROBORATION
			assert(!(snap != NONE && TOKEN_OK(i) && REC_ON_H1 &&
			    vm_uc == snap));	/* never a second reconcile */
#endif
		fi;
		snap = NONE;
		if
		:: leader[i] && TOKEN_OK(i) && hw_tracking && !hw_gave_up ->
			if
			:: vm_state == V_RUNNING -> WRITE_CHECK(i);
				hw_tracking = 0		/* restarted */
			:: row_step[hw_row] == S_INV && row_claim[hw_row] == 0 &&
			   vm_state == V_STOPPED && vm_host == 0 &&
			   vm_uc == hw_uc -> WRITE_CHECK(i);
				row_step[hw_row] = S_SCHED	/* heal */
			:: row_step[hw_row] == S_DONE && vm_state == V_STOPPED &&
			   vm_uc == hw_uc && hw_requeues < REQUEUE_MAX ->
				WRITE_CHECK(i);			/* re-queue */
				hw_requeues++;
				row_step[nrows] = S_SCHED; row_claim[nrows] = 0;
				row_updated[nrows] = vm_uc;
				row_tried[nrows] = hw_requeues;
				hw_row = nrows; nrows++
			:: row_step[hw_row] == S_DONE && vm_state == V_STOPPED &&
			   (vm_uc != hw_uc || hw_requeues == REQUEUE_MAX) ->
				WRITE_CHECK(i);
				hw_gave_up = 1	/* given up / reported: alert */
			:: else
			fi
		:: else
		fi
	   }
	od
}

/* CloudStack management server m (1 or 2): the HA worker */
proctype ms(byte m)
{
	byte cur = NONE;	/* the row this server has taken */
	bool starting;
	byte k;

end_idle:
	do
	:: atomic {	/* take(): unclaimed, not Done, oldest first */
		cur == NONE && ANY_TAKEABLE ->
		if
		:: TAKEABLE(0) -> cur = 0
		:: !TAKEABLE(0) && TAKEABLE(1) -> cur = 1
		:: !TAKEABLE(0) && !TAKEABLE(1) -> cur = 2
		fi;
		row_claim[cur] = m
	   }
	:: atomic {	/* restart(work): every exit our rows can take */
		cur != NONE && !starting ->
		if
		:: cur + 1 < nrows ->		/* newer HA row for the VM */
			row_step[cur] = S_DONE; cur = NONE
		:: cur + 1 == nrows &&
		   (vm_state != V_STOPPED || vm_uc != row_updated[cur]) ->
			row_step[cur] = S_DONE; cur = NONE	/* changed */
		:: cur + 1 == nrows && vm_state == V_STOPPED &&
		   vm_uc == row_updated[cur] && row_step[cur] == S_INV ->
			row_step[cur] = S_DONE; cur = NONE	/* host_id NULL */
		:: cur + 1 == nrows && vm_state == V_STOPPED &&
		   vm_uc == row_updated[cur] && row_step[cur] == S_SCHED ->
			vm_state = V_STARTING; vm_host = 2; vm_uc++;
			starting = 1
		fi
	   }
	:: atomic {	/* the start on host 2 ends */
		starting ->
		if
		:: vm_state == V_STARTING ->
			assert(!phys1);		/* never on two hosts */
			phys2 = 1; vm_state = V_RUNNING; vm_uc++;
			row_step[cur] = S_DONE
		:: vm_state == V_STARTING && start_fails < START_FAIL_MAX ->
			start_fails++;
			/* the start did not reach Running */
			vm_state = V_STOPPED; vm_host = 0; vm_uc++;
			/* reschedule: re-capture updated, tried+1, unclaim */
			row_updated[cur] = vm_uc; row_tried[cur]++;
			row_claim[cur] = 0;
			if
			:: row_tried[cur] >= HA_MAX_TRIES -> row_step[cur] = S_DONE
			:: else
			fi
		:: else -> assert(0)	/* nothing else writes a Starting VM */
		fi;
		starting = 0; cur = NONE
	   }
	:: atomic {	/* this server (re)starts, not in the middle of a start:
			 * configure() releases its own claims, start() marks
			 * every unclaimed, not-Done row Investigating */
		ms_restarts < MS_RESTART_MAX && !starting ->
		ms_restarts++; cur = NONE;
		for (k : 0 .. NROWS - 1) {
			if
			:: k < nrows && row_claim[k] == m &&
			   row_step[k] != S_DONE -> row_claim[k] = 0
			:: else
			fi;
			if
			:: k < nrows && row_claim[k] == 0 &&
			   row_step[k] != S_DONE -> row_step[k] = S_INV
			:: else
			fi
		};
		k = 0
	   }
	od
}

/* The environment: host 1, the BMC's late power-off, the leader's
 * connection, CloudStack's power-state sync from the host agents. */
proctype env()
{
end_env:
	do
	:: atomic { host_events < HOST_EVENTS_MAX && !mismapped && host == UP ->
		host_events++; host = HUNG }
	:: atomic { host_events < HOST_EVENTS_MAX && !mismapped && host == UP ->
		host_events++; host = OFF; phys1 = 0 }
	:: atomic { host_events < HOST_EVENTS_MAX && host != UP ->
		host_events++; host = UP; upmark[0] = 1; upmark[1] = 1 }
		/* back from a hang the VM runs on; after off it is gone */
	:: atomic { late_off -> late_off = 0; host = OFF; phys1 = 0 }
	:: atomic { conn_losses < CONN_LOSS_MAX && lock_owner != 0 ->
		conn_losses++; lost[lock_owner - 1] = 1; lock_owner = 0 }
	:: atomic {	/* FollowAgentPowerOnReport from host 1's agent */
		host == UP && phys1 && vm_state == V_STOPPED ->
		vm_state = V_RUNNING; vm_host = 1; vm_uc++ }
	:: atomic {	/* FollowAgentPowerOffReport from host 1's agent */
		host == UP && !phys1 && REC_ON_H1 ->
		vm_state = V_STOPPED; vm_host = 0; vm_uc++ }
	od
}

init {
	atomic {
		if
		:: mismapped = 0
		:: mismapped = 1
		fi;
		run env();
		run hawatch(0);
		run hawatch(1);
		run ms(1)
#if NMS > 1
		; run ms(2)
#endif
	}
}

/* ---- properties ----
 * Safety (asserts above): the VM never runs on two hosts at once (S1/S2);
 * no hawatch write lands while the other instance holds the lock (S4).
 * Liveness, under weak fairness: */

/* S6: once a leader has seen host 1 off, its VM is not left recorded
 * Running there, unless hawatch has raised bmc_contradiction (a human
 * must decide; see README.md, "Findings"). */
ltl off_reconciled {
	[] ((off_seen && REC_ON_H1) -> <> (!REC_ON_H1 || bmc_distrust)) }

/* S10: every HA-enabled VM hawatch stopped runs again, or hawatch gives
 * up (bounded re-queues) with an alert. */
ltl restarted_or_told { [] (hw_stopped -> <> (VM_RUNS || hw_gave_up)) }
