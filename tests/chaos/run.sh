#!/bin/bash
# run.sh -- hawatch's chaos suite: seeded random faults against a simulated
# cluster, with the invariants checked after every step.
#
#   tests/chaos/run.sh [--steps N] [--seed S] [--hosts N] [--vms N] [--keep]
#                      [--plan]
#   make chaos [STEPS=N] [SEED=S]
#
# --plan prints the fault sequence of the seed without running anything.
# CHAOS_SOL=0 gives the hosts no serial console (default 1 with socat).
# CHAOS_FAULTS="kind ..." draws only those fault kinds (a short run that
# exercises one fault, e.g. CHAOS_FAULTS=backup_throttled).
# CHAOS_SABOTAGE=stop-hawatch|rogue-off|split-brain|unaudited-write|
# frozen-hypervisor breaks
# the cluster on purpose after setup, to show that the checks can fail
# (docs/chaos.md, "Checking the checker").
#
# Builds the simulated cluster (tests/lib/simcluster.sh: MariaDB with
# CloudStack's tables, nfs-ganesha heartbeats, one ipmi_sim BMC per host),
# runs two hawatch instances (a leader and a standby) and one HA worker
# (build/itest/haworker, a CloudStack management server's HA workers),
# then N steps.  Each step runs the heals that are due, injects one fault
# drawn from the seed (faults.sh), observes, and runs every check
# (check.sh, check.awk).  The seed is printed at the start and at the end;
# the same seed and step count replay the same fault sequence.
#
# Closing line: "N passed, M failed", counting checks: one round per step
# plus a final round after a drain, each of P, invariants 1-6, 7 (with real
# QEMU), 8 (with libvirt) and E.  Exit 0 only when
# M is 0; 77 when a needed component is missing; 2 on usage errors.
# docs/chaos.md describes the faults, the invariants and their deadlines.
set -euo pipefail

STEPS=16
SEED=""
PLAN=0
CHAOS_HOSTS=5
CHAOS_VMS=5
while [ $# -gt 0 ]; do
	case $1 in
	--steps) STEPS=${2:?}; shift 2;;
	--seed) SEED=${2:?}; shift 2;;
	--hosts) CHAOS_HOSTS=${2:?}; shift 2;;
	--vms) CHAOS_VMS=${2:?}; shift 2;;
	--keep) export KEEP_T=1; shift;;
	--plan) PLAN=1; shift;;
	-h|--help) sed -n '2,23p' "$0"; exit 0;;
	*) echo "usage: $0 [--steps N] [--seed S] [--hosts N] [--vms N] [--keep] [--plan]" >&2; exit 2;;
	esac
done
[[ $STEPS =~ ^[0-9]+$ ]] && [ "$STEPS" -ge 1 ] || { echo "run.sh: --steps: a positive integer" >&2; exit 2; }
[[ $CHAOS_HOSTS =~ ^[0-9]+$ ]] && [ "$CHAOS_HOSTS" -ge 4 ] && [ "$CHAOS_HOSTS" -le 20 ] \
	|| { echo "run.sh: --hosts: 4 to 20" >&2; exit 2; }
[[ $CHAOS_VMS =~ ^[0-9]+$ ]] && [ "$CHAOS_VMS" -ge 1 ] && [ "$CHAOS_VMS" -le 50 ] \
	|| { echo "run.sh: --vms: 1 to 50" >&2; exit 2; }
if [ -z "$SEED" ]; then
	SEED=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
fi
[[ $SEED =~ ^[0-9]+$ ]] && [ "${#SEED}" -le 12 ] || { echo "run.sh: --seed: a number" >&2; exit 2; }
CHAOS_SEED=$SEED

# --- timings: the simulated cluster's, shortened, and what they promise ---
export SIM_HB_MS=500 SIM_DEAD_AFTER=4s SIM_TICK=250ms SIM_BMC_POLL=500ms SIM_REARM=8s
# every host has a serial console (ipmi_sim SOL, each BMC on its own
# 127.0.0.N:623, tests/lib/simcluster.sh SIM_SOL=all) when socat is here:
# hawatch captures a hung host's console before fencing it (hung_host
# checks the capture)
if [ -z "${CHAOS_SOL:-}" ]; then
	CHAOS_SOL=0
	command -v socat >/dev/null && CHAOS_SOL=1
fi
[ "$CHAOS_SOL" = 1 ] && export SIM_SOL=all
CHAOS_REARM_MS=8000
CHAOS_DEAD_AFTER=4
CHAOS_TICK=0.25
CHAOS_BMC_POLL=0.5
CHAOS_FENCE_TIMEOUT=5		# simcluster.sh's fence_timeout
CHAOS_FENCE_QUIET=2		# and fence_quiet
CHAOS_FENCE_ATTEMPTS=3		# the default fence_max_attempts
CHAOS_SUSPECT=0.75		# 1.5 x the agent interval (policy.c)
CHAOS_LAG=1.25			# a write hawatch cannot have seen yet: tick + read deadline
CHAOS_OBS_SKEW=1.5		# margin between a write and the tick that sees it
				# (hawatch stamps a change after its reads: issue 11)
CHAOS_SLACK=${CHAOS_SLACK:-6}	# scheduling noise on a shared 2-core machine
CHAOS_MAX_DOWN=2		# hosts down at once: never a storm (S3) with 5 hosts
CHAOS_HA_SCALE=500		# CloudStack's HA timings / 500
CHAOS_REQUEUE_AFTER=2		# reconcile.requeue_after (s); requeue_max stays 3
CHAOS_RESTART_DEADLINE=45	# R: a VM hawatch re-queued runs again or is given up
				# within this long of hawatch's last HA row (s):
				# (requeue_max + 1) x requeue_after + HA start + slack,
				# generous for database and leader outages
CHAOS_MS_DEAD_AFTER=3s		# the operator's ms_dead_after
CHAOS_HANG_WAIT=20		# a heal waits this long for hawatch to fence a hung host
CHAOS_SWEEP_INTERVAL=1		# the sweeper's interval and pause_grace (s)
CHAOS_PAUSE_GRACE=3
CHAOS_OPTOUT="i-2-1003-VM i-2-3003-VM"	# opted out in the config: never resumed
CHAOS_OPTOUT_CONF='"i-2-1003-VM", "i-2-3003-VM"'
# paused -> resumed: first seen within an interval, resumed at the first
# sweep after pause_grace, settled within resume_settle (0.3 s)
CHAOS_D_RESUME=$(awk -v i="$CHAOS_SWEEP_INTERVAL" -v g="$CHAOS_PAUSE_GRACE" -v s="$CHAOS_SLACK" \
	'BEGIN { print 2 * i + g + 0.3 + s }')

# a hypervisor per simulated host: libvirtd's test driver, root only
if [ -z "${CHAOS_LIBVIRT:-}" ]; then
	CHAOS_LIBVIRT=0
	command -v libvirtd >/dev/null && command -v virsh >/dev/null && [ "$(id -u)" = 0 ] \
		&& CHAOS_LIBVIRT=1
fi
# a real QEMU session libvirtd on the last host, for backup_throttled (the
# test driver has no block jobs): with libvirt, when tests/lib/qemu-ioerror.sh
# can run here (root, qemu-system-x86_64, libvirt's qemu driver, unshare)
CHAOS_QEMU_HOST=$CHAOS_HOSTS
CHAOS_JOB_STALL=4		# sweep.job_stall_after (s): a moving job must never reach it
if [ -z "${CHAOS_QEMU:-}" ]; then
	CHAOS_QEMU=0
	[ "$CHAOS_LIBVIRT" = 1 ] && command -v python3 >/dev/null &&
		S=/nonexistent bash "$(dirname "$0")/../lib/qemu-ioerror.sh" check >/dev/null 2>&1 &&
		CHAOS_QEMU=1
fi
[ "$CHAOS_LIBVIRT" = 1 ] || CHAOS_QEMU=0

if [ "$PLAN" = 1 ]; then
	TOP=$(cd "$(dirname "$0")/../.." && pwd)
	source "$TOP/tests/chaos/faults.sh"
	model_init
	rng_seed "$CHAOS_SEED"
	echo "chaos plan: seed $CHAOS_SEED, $STEPS steps, $CHAOS_HOSTS hosts, libvirt $CHAOS_LIBVIRT, qemu $CHAOS_QEMU"
	for ((STEP = 1; STEP <= STEPS; STEP++)); do
		run_heals "$STEP"
		pick_fault
		inject
		echo "step $STEP/$STEPS fault=$FAULT $STEP_NOTE${HEALED:+ healed=[$HEALED]}"
	done
	exit 0
fi

export T=${T:-$(mktemp -d /tmp/hawatch-chaos.XXXXXX)}
mkdir -p "$T"
source "$(dirname "$0")/../lib/common.sh"

HW_NAMES=(a b)
declare -A HW_UP

source "$TOP/tests/lib/libvirtd.sh"
source "$TOP/tests/lib/simcluster.sh"
source "$TOP/tests/chaos/lib.sh"
source "$TOP/tests/chaos/faults.sh"
source "$TOP/tests/chaos/check.sh"

# CHAOS_SABOTAGE: break hawatch's promises on purpose (the checks must fail)
sabotage() {
	local h=$CHAOS_HOSTS n
	case ${CHAOS_SABOTAGE:-} in
	"") return 0;;
	stop-hawatch)		# hawatch frozen: nothing is fenced or reconciled
		for n in "${HW_NAMES[@]}"; do kill -STOP "$(hawatch_pid "$n")"; done;;
	rogue-off)		# a power-off nobody accounts for
		bmc_power "$h" off
		HSTATE[$h]=down; HEAL[$h]="2 power_on";;
	split-brain)		# VMs re-queued while their host still runs them
		ipmisim_crash_host "h$h"
		sql "UPDATE vm_instance SET state = 'Stopped', host_id = NULL, last_host_id = $h,
		       update_count = update_count + 1 WHERE host_id = $h AND state = 'Running';
		     INSERT INTO op_ha_work (instance_id, type, vm_type, state, mgmt_server_id, host_id,
		       created, tried, taken, step, time_to_try, updated, reason)
		     SELECT id, 'HA', type, 'Stopped', NULL, $h, UTC_TIMESTAMP(), 0, NULL, 'Scheduled',
		       FLOOR(UNIX_TIMESTAMP(NOW(3)) * 1000) >> 10, update_count, 'HostDown'
		     FROM vm_instance WHERE last_host_id = $h AND host_id IS NULL AND ha_enabled = 1"
		ev "dead host=$h kind=hang"
		HSTATE[$h]=down; HEAL[$h]="2 power_on";;
	frozen-hypervisor)	# a paused domain hawatch cannot reach: left paused
		[ "$CHAOS_LIBVIRT" = 1 ] || { echo "run.sh: frozen-hypervisor needs libvirt" >&2; exit 2; }
		local d
		d=$(lv_host 2 list --name --state-running | grep -E '^i-2-[0-9]+-VM$' | sort | head -1)
		lv_host 2 suspend "$d" >/dev/null
		local vm=${d#i-2-}
		ev "paused host=2 dom=$d vm=${vm%-VM} optout=0"
		kill -STOP "$(cat "$T/lv/h2/libvirtd.pid")";;
	unaudited-write)	# a VM write over hawatch's connection kind, no audit
		mariadb --no-defaults -h 127.0.0.1 -P "$DB_PORT" -ucloud -p"$(cat "$DB_PASS_FILE")" cloud \
			-e "UPDATE vm_instance SET update_count = update_count + 1 WHERE id = 1001";;
	*) echo "run.sh: unknown CHAOS_SABOTAGE=$CHAOS_SABOTAGE" >&2; exit 2;;
	esac
	echo "chaos: SABOTAGE $CHAOS_SABOTAGE (the checks are expected to fail)"
}

stats_line() {	# stats_line NAME LABEL [UNIT]: n, median, max of one statistic
	awk -v n="$1" '$1 == n { print $2 }' "$CH/stats" | sort -g | awk -v l="$2" -v u="${3:-s}" '
		{ v[NR] = $1 }
		END { if (NR) printf "  %-34s n=%d median=%.1f%s max=%.1f%s\n", l, NR, v[int((NR + 1) / 2)], u, v[NR], u }'
}

elapsed() { awk -v a="$CHAOS_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# main: everything after the options, in one function so that bash has
# read all of it before the run starts (a long run survives edits)
main() {
	ipmisim_require
	ganesha_require
	command -v mariadbd >/dev/null || skip "mariadbd not installed"
	[ -x "$HAWATCH" ] || { echo "run.sh: $HAWATCH not built (make)" >&2; exit 1; }
	[ -x "$HAWORKER" ] || { echo "run.sh: $HAWORKER not built (make)" >&2; exit 1; }


	echo "chaos: seed $CHAOS_SEED, $STEPS steps, $CHAOS_HOSTS hosts x $CHAOS_VMS VMs, libvirt $CHAOS_LIBVIRT, qemu $CHAOS_QEMU, sol $CHAOS_SOL, dir $T"
	CHAOS_T0=$EPOCHREALTIME
	chaos_cluster_up
	model_init
	rng_seed "$CHAOS_SEED"
	: >"$CH/reported"
	: >"$CH/notes"
	: >"$CH/failures"
	: >"$CH/stats"
	setup_s=$(awk -v a="$CHAOS_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	echo "chaos: cluster up in ${setup_s}s: hawatch a and b (leader $(chaos_leader)), haworker msid 1111"


	sabotage

	for ((STEP = 1; STEP <= STEPS; STEP++)); do
		STEP_EXPECT=()
		run_heals "$STEP"
		pick_fault
		tstart=$(elapsed)
		inject
		repair_unexpected
		chaos_check "$STEP"
		line="step $STEP/$STEPS t=${tstart}s fault=$FAULT $STEP_NOTE"
		[ -n "$HEALED" ] && line+=" healed=[$HEALED]"
		[ -n "$REPAIRED" ] && line+=" found_off_and_powered_on=[$REPAIRED]"
		for e in "${STEP_EXPECT[@]:-}"; do
			[[ $e == OK* ]] && line+=" (${e#OK })"
		done
		case $ROUND_RESULT in
		*FAIL*) line+=" ... FAIL [$ROUND_RESULT]";;
		*) line+=" ... ok";;
		esac
		echo "$line"
	done

	# drain: no new fault; let every pending deadline pass, then a last round
	STEP_EXPECT=()
	drain=$(awk -v d="$CHAOS_DEAD_AFTER" -v f="$CHAOS_FENCE_TIMEOUT" -v s="$CHAOS_SLACK" 'BEGIN { printf "%d", d + f + s + 3 }')
	echo "drain: ${drain}s without faults, then the final checks"
	sleep "$drain"
	chaos_check final
	pend=""
	for c in "${CHECKS[@]}"; do
		[ -n "${CHECK_PEND[$c]:-}" ] && [ "${CHECK_PEND[$c]}" != 0 ] && pend+=" $c:${CHECK_PEND[$c]}"
	done
	echo "final checks ... $([[ $ROUND_RESULT == *FAIL* ]] && echo "FAIL [$ROUND_RESULT]" || echo ok)${pend:+ (still open, deadline not reached or a BMC still down:$pend)}"

	# --- summary -----------------------------------------------------------
	echo
	echo "=== chaos summary (seed $CHAOS_SEED) ==="
	echo "steps run: $STEPS in $(elapsed)s"
	echo "faults injected:"
	for k in "${FAULT_KINDS[@]}"; do
		printf '  %-20s %d\n' "$k" "${FAULT_COUNT[$k]}"
	done
	for k in "${!NOT_YET_WHY[@]}"; do
		printf '  %-20s not yet (%s)\n' "$k" "${NOT_YET_WHY[$k]}"
	done
	echo "checks per round (items examined in the final round):"
	for c in "${CHECKS[@]}"; do
		printf '  %-2s %-52s %s\n' "$c" "${CHECK_NAME[$c]}" "${CHECK_ITEMS[$c]:--}"
	done
	[ "$CHAOS_QEMU" = 1 ] ||
	echo "  7  no progressing backup aborted                     not exercised (no real QEMU here: see backup_throttled)"
	[ "$CHAOS_LIBVIRT" = 1 ] ||
	echo "  8  no VM left paused past pause_grace                not exercised (no libvirtd per host)"
	starts=$(wc -l <"$CH/starts.log")
	stopped=$(sql "SELECT COUNT(*) FROM vm_instance WHERE ha_enabled = 1 AND state = 'Stopped'" 2>/dev/null || echo "?")
	echo "HA restarts by the haworker: $starts; HA-enabled VMs Stopped at the end: $stopped"
	echo "hawatch's reaction times (from the history):"
	stats_line off_to_reconciled "power-off -> first VM reconciled"
	stats_line hang_to_off "hang -> powered off (fenced)"
	stats_line paused_to_resumed "paused -> resumed (sweeper)"
	stats_line backup_moved_mib "throttled backup moved per window" MiB
	nl=$(awk '$1 == "no_leader_total" { print $2 }' "$CH/stats")
	printf '  %-34s %.1fs\n' "time without any leader" "${nl:-0}"
	if [ -s "$CH/notes" ]; then
		echo "notes:"
		sort -u "$CH/notes" | sed 's/^/  /'
	fi
	if [ -s "$CH/failures" ]; then
		echo "failures (logs kept in $T):"
		sed 's/^/  /' "$CH/failures"
		export KEEP_T=1
	fi
	echo "seed $CHAOS_SEED (replay: tests/chaos/run.sh --seed $CHAOS_SEED --steps $STEPS)"
	echo "$CHECK_PASS passed, $CHECK_FAIL failed"
	[ "$CHECK_FAIL" -eq 0 ] || { _T_FAILED=1; return 1; }	# (reported above)
}

main; exit $?	# one line: bash reads no further while a long run goes on
