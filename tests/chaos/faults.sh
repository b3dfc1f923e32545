# faults.sh -- the chaos suite's seeded scheduler, faults and heals
# (sourced by tests/chaos/run.sh after lib.sh).
#
# Determinism: every choice (which fault, which host, how long) comes from
# rng(), a 48-bit LCG seeded once from --seed, and depends only on the
# suite's own model of the cluster (which hosts it took down, which BMCs it
# killed, a model clock that adds up the planned waits).  What hawatch does
# in the meantime never feeds back into a choice, so `--seed S --steps N`
# replays the same fault sequence; only timings differ.
#
# Model per host h (1..CHAOS_HOSTS):
#   HSTATE[h]  up | down        down: the suite took the host down and has
#                               not healed it yet (off, hung, total loss)
#   BSTATE[h]  ok | lost        lost: its BMC was killed, not yet restarted
#   HEAL[h]    "STEP ACTION ..." heals due at the start of step STEP
#   UPSINCE[h] model ms when it was last powered on (rearm_after rule)
#
# PLAN=1 (run.sh --plan) runs the same draws and model updates without
# touching anything and without waiting: it prints the fault sequence a
# seed gives, in a second.
#
# A step: due heals run first, then one fault is drawn from a shuffle bag
# of the kinds (each kind once per round, skipping kinds that do not apply
# now), injected, observed and, for transient faults, healed.  Host faults
# never take down a third host at once: with 5 hosts and at most 2 stale,
# the storm guard (S3) can never hold, so every hung host must be fenced.
# S3 counts a host fenced within rearm_after as stale, so a host powered
# on again less than rearm_after (+4 s) ago still counts as down here.

FAULT_KINDS=(power_off hung_host crash_reboot total_loss bmc_hang bmc_loss
	nfs_stall nfs_restart db_restart kill_mid_reconcile leader_failover
	dead_ms_claim bmc_lies dup_ip)
# backup faults need a hypervisor per host (libvirtd, test driver: root);
# a throttled backup that progresses needs block jobs, which the test driver
# lacks: real QEMU on host CHAOS_QEMU_HOST (lib.sh chaos_qemu_up)
declare -A NOT_YET_WHY=()
if [ "${CHAOS_LIBVIRT:-0}" = 1 ]; then
	FAULT_KINDS+=(backup_fills_target)
else
	NOT_YET_WHY[backup_fills_target]="no libvirtd per host here (needs libvirtd, virsh, root)"
fi
if [ "${CHAOS_QEMU:-0}" = 1 ]; then
	FAULT_KINDS+=(backup_throttled)
else
	NOT_YET_WHY[backup_throttled]="no real QEMU here (needs libvirt's qemu driver, qemu-system-x86_64, root; tests/lib/qemu-ioerror.sh check)"
fi
# CHAOS_FAULTS: only these kinds (a short run aimed at one fault)
if [ -n "${CHAOS_FAULTS:-}" ]; then
	_kinds=()
	for _k in "${FAULT_KINDS[@]}"; do
		[[ " $CHAOS_FAULTS " == *" $_k "* ]] && _kinds+=("$_k")
	done
	[ ${#_kinds[@]} -gt 0 ] || { echo "chaos: CHAOS_FAULTS=$CHAOS_FAULTS: none of them can run here (${FAULT_KINDS[*]})" >&2; exit 2; }
	FAULT_KINDS=("${_kinds[@]}")
fi

declare -A HSTATE BSTATE HEAL UPSINCE FAULT_COUNT
MODEL_MS=0
BAG=()
STEP_NOTE=""		# what the step did, for the step line
STEP_EXPECT=()		# "ok|fail text": scenario expectations of this step

# --- PRNG -----------------------------------------------------------------
# drand48's LCG: x = (a x + c) mod 2^48; bash's 64-bit arithmetic wraps,
# and the low 48 bits of a wrapped product are exact.
rng_seed() { RNG_X=$(( ( ($1 << 16) | 0x330E ) & 0xFFFFFFFFFFFF )); }
rng() {		# rng N: R = a number in [0, N)
	RNG_X=$(( (RNG_X * 0x5DEECE66D + 0xB) & 0xFFFFFFFFFFFF ))
	R=$(( (RNG_X >> 17) % $1 ))
}
rng_range() {	# rng_range LO HI: R in [LO, HI]
	rng $(( $2 - $1 + 1 ))
	R=$(( R + $1 ))
}

PLAN=${PLAN:-0}

# nap MS: wait, and advance the model clock by the planned time
nap() {
	MODEL_MS=$(( MODEL_MS + $1 ))
	[ "$PLAN" = 1 ] || sleep "$(printf '%d.%03d' $(( $1 / 1000 )) $(( $1 % 1000 )))"
}
secs() { printf '%d.%d' $(( $1 / 1000 )) $(( $1 % 1000 / 100 )); }

expect() {	# expect OK|FAIL TEXT
	STEP_EXPECT+=("$1 $2")
}

model_init() {
	local h
	for h in $(seq 1 "$CHAOS_HOSTS"); do
		HSTATE[$h]=up
		BSTATE[$h]=ok
		HEAL[$h]=""
		UPSINCE[$h]=-1000000
	done
	for k in "${FAULT_KINDS[@]}"; do FAULT_COUNT[$k]=0; done
}

ndown() {
	local h n=0
	for h in $(seq 1 "$CHAOS_HOSTS"); do
		if [ "${HSTATE[$h]}" != up ] ||
		    [ $(( MODEL_MS - UPSINCE[$h] )) -lt $(( CHAOS_REARM_MS + 4000 )) ]; then
			n=$((n + 1))
		fi
	done
	echo "$n"
}

# hosts a host fault may take down: up, BMC fine, no heal pending, and
# (for faults that rely on the heartbeat) healthy for longer than
# rearm_after since it was powered on, so hawatch has re-armed it
eligible_hosts() {	# eligible_hosts NEED_REARM
	local h out=()
	for h in $(seq 1 "$CHAOS_HOSTS"); do
		[ "${HSTATE[$h]}" = up ] && [ "${BSTATE[$h]}" = ok ] && [ -z "${HEAL[$h]}" ] || continue
		if [ "$1" = 1 ] && [ $(( MODEL_MS - UPSINCE[$h] )) -lt $(( CHAOS_REARM_MS + 4000 )) ]; then
			continue
		fi
		out+=("$h")
	done
	echo "${out[*]}"
}

# applies KIND: 0 if the fault can be injected now; sets CAND (hosts)
applies() {
	CAND=""
	case $1 in
	power_off|kill_mid_reconcile|dead_ms_claim)
		[ "$(ndown)" -lt "$CHAOS_MAX_DOWN" ] || return 1
		CAND=$(eligible_hosts 0);;
	hung_host|crash_reboot|total_loss)
		[ "$(ndown)" -lt "$CHAOS_MAX_DOWN" ] || return 1
		CAND=$(eligible_hosts 1);;
	dup_ip)		# a hung host and a live twin, both re-armed
		[ "$(ndown)" -lt "$CHAOS_MAX_DOWN" ] || return 1
		CAND=$(eligible_hosts 1)
		[ "$(wc -w <<<"$CAND")" -ge 2 ] || return 1;;
	backup_fills_target)	# a returned host is not swept until re-armed;
		# the QEMU host's test-driver domains are not the sweeper's view
		CAND=$(eligible_hosts 1)
		[ "${CHAOS_QEMU:-0}" = 1 ] && CAND=$(tr ' ' '\n' <<<"$CAND" | grep -vx "$CHAOS_QEMU_HOST" | tr '\n' ' ' | sed 's/ $//');;
	backup_throttled)	# only the QEMU host has block jobs
		[[ " $(eligible_hosts 1) " == *" $CHAOS_QEMU_HOST "* ]] || return 1
		CAND=$CHAOS_QEMU_HOST;;
	bmc_hang|bmc_loss|bmc_lies)
		CAND=$(eligible_hosts 0);;
	*)	return 0;;
	esac
	[ -n "$CAND" ]
}

# pick the next fault: FAULT and HOST (0 for cluster-wide faults)
pick_fault() {
	local i k tries=0 c
	while :; do
		if [ ${#BAG[@]} -eq 0 ]; then	# a new round: Fisher-Yates
			BAG=("${FAULT_KINDS[@]}")
			for ((i = ${#BAG[@]} - 1; i > 0; i--)); do
				rng $((i + 1))
				k=${BAG[$i]}; BAG[$i]=${BAG[$R]}; BAG[$R]=$k
			done
		fi
		for i in "${!BAG[@]}"; do
			k=${BAG[$i]}
			if applies "$k"; then
				unset 'BAG[i]'
				BAG=("${BAG[@]}")
				FAULT=$k
				HOST=0
				if [ -n "$CAND" ]; then
					read -r -a c <<<"$CAND"
					rng ${#c[@]}
					HOST=${c[$R]}
				fi
				return 0
			fi
		done
		# nothing left in this round applies now: start a new round
		BAG=()
		tries=$((tries + 1))
		[ $tries -lt 3 ] || { FAULT=nfs_stall; HOST=0; return 0; }
	done
}

schedule_heal() {	# schedule_heal HOST STEP ACTION...
	local h=$1 s=$2
	shift 2
	HEAL[$h]="$s $*"
}

# --- heals ------------------------------------------------------------------
# The model changes first (the same in plan mode), then the act.

heal_power_on() {	# the host boots again (through its BMC)
	local h=$1 pw rec t0
	HSTATE[$h]=up
	UPSINCE[$h]=$MODEL_MS
	[ "$PLAN" = 1 ] && return 0
	read -r pw <"$(ipmisim_hostdir "h$h")/power"
	if [ "$pw" = 1 ] && ! ipmisim_writer_alive "h$h"; then
		# hung and not fenced yet: give hawatch its deadline, then do
		# what an operator would (the checker reports a missed deadline)
		wait_for "$CHAOS_HANG_WAIT" _host_off "$h" || true
		read -r pw <"$(ipmisim_hostdir "h$h")/power"
	fi
	if [ "$pw" = 1 ] && ! ipmisim_writer_alive "h$h"; then
		suite_power_off "$h"
		ev "dead host=$h kind=off"
		sleep 1.5
	fi
	rec=$(sql "SELECT COUNT(*) FROM hawatch.fenced_host WHERE host_id = $h AND cleared_at IS NULL" 2>/dev/null || echo 0)
	t0=$EPOCHREALTIME
	bmc_power "$h" on || { ipmisim_power_on "h$h"; ev "note host=$h power_on_out_of_band"; }
	wait_for 5 ipmisim_writer_alive "h$h" || expect FAIL "host $h did not boot after power on"
	ev "alive host=$h fenced_record=$rec t0=$t0"
}
_host_off() { [ "$(cat "$(ipmisim_hostdir "h$1")/power")" = 0 ]; }

heal_bmc_restart() {
	local h=$1
	BSTATE[$h]=ok
	[ "$PLAN" = 1 ] && return 0
	if chaos_bmc_restart "$h"; then
		ev "bmc_up host=$h"
	else
		expect FAIL "BMC of host $h could not be restarted"
	fi
}

# run_heals STEP: the heals due now, one action per host per step; sets
# HEALED to what ran ("power_on:2 bmc_restart:4")
run_heals() {
	local step=$1 h due acts a
	HEALED=""
	for h in $(seq 1 "$CHAOS_HOSTS"); do
		[ -n "${HEAL[$h]}" ] || continue
		read -r due a acts <<<"${HEAL[$h]}"
		[ "$due" -le "$step" ] || continue
		case $a in
		power_on) heal_power_on "$h";;
		bmc_restart) heal_bmc_restart "$h";;
		esac
		HEALED+="${HEALED:+ }$a:$h"
		if [ -n "$acts" ]; then
			HEAL[$h]="$((step + 1)) $acts"
		else
			HEAL[$h]=""
		fi
	done
}

# --- faults -----------------------------------------------------------------
# Each f_KIND runs with HOST and STEP set.  It first draws every number it
# needs and updates the model (identical in plan mode), then acts unless
# PLAN=1.  It sets STEP_NOTE, may call expect, and returns with the cluster
# able to go on.

host_down() {	# host_down HOST HEAL_AFTER_MIN HEAL_AFTER_MAX ACTIONS...: model only
	local h=$1 lo=$2 hi=$3
	shift 3
	HSTATE[$h]=down
	rng_range "$lo" "$hi"
	schedule_heal "$h" $((STEP + R)) "$@"
}

f_power_off() {
	local ms
	rng_range 5000 8000; ms=$R
	host_down "$HOST" 1 3 power_on
	STEP_NOTE="host=$HOST observe=$(secs "$ms")s"
	if [ "$PLAN" = 0 ]; then
		suite_power_off "$HOST" || expect FAIL "power-off of host $HOST through its BMC failed"
		ev "dead host=$HOST kind=off"
	fi
	nap "$ms"
}

f_hung_host() {
	local ms mark
	rng_range 9000 13000; ms=$R
	host_down "$HOST" 1 3 power_on
	STEP_NOTE="host=$HOST observe=$(secs "$ms")s"
	mark="Kernel panic - not syncing: chaos step $STEP host $HOST"
	if [ "$PLAN" = 0 ]; then
		[ "$CHAOS_SOL" = 1 ] && ipmisim_console "h$HOST" "$mark"
		ipmisim_crash_host "h$HOST"
		ev "dead host=$HOST kind=hang"
	fi
	nap "$ms"
	[ "$PLAN" = 0 ] && [ "$CHAOS_SOL" = 1 ] && hang_console_check "$HOST" "$mark"
	return 0
}
# hang_console_check HOST LINE: a host hawatch fenced for a hang has a
# console capture holding LINE, the last thing it printed (a host not
# powered off yet is check 2's business)
_console_has() { "$HAWATCH" --config "$T/hawatch.conf" console --host "$1" 2>/dev/null | grep -qF "$2"; }
hang_console_check() {
	local h=$1 mark=$2
	_host_off "$h" || return 0
	if wait_for 5 _console_has "$h" "$mark"; then
		expect OK "console captured"
	else
		expect FAIL "host $h was fenced for a hang, but no console capture holds its last line [$mark]: $(grep -h "event=console.* host=$h " "$T"/hawatch-*.log | tail -3)"
	fi
}

# A host recorded with another host's private IP: both read one heartbeat
# file.  The twin whose file it is hangs; the live one must never be fenced
# for it (issue 11).  hawatch holds both while the IPs are duplicated, so
# the hung host's fence deadline starts when the record is fixed.
f_dup_ip() {
	local ms c twin ip
	read -r -a c <<<"$CAND"
	rng $(( ${#c[@]} - 1 ))
	twin=${c[$R]}
	[ "$twin" != "$HOST" ] || twin=${c[${#c[@]} - 1]}
	rng_range 8000 11000; ms=$R
	host_down "$HOST" 1 3 power_on
	STEP_NOTE="host=$HOST twin=$twin dup=$(secs "$ms")s"
	if [ "$PLAN" = 0 ]; then
		ip=$(sql "SELECT private_ip_address FROM host WHERE id = $twin")
		sql "UPDATE host SET private_ip_address = '$(sim_ip "$HOST")' WHERE id = $twin"
		ev "dup_ip host=$twin twin=$HOST"
		ipmisim_crash_host "h$HOST"
	fi
	nap "$ms"
	if [ "$PLAN" = 0 ]; then
		sql "UPDATE host SET private_ip_address = '$ip' WHERE id = $twin"
		ev "dup_ip_end host=$twin"
		ev "dead host=$HOST kind=hang"
	fi
	rng_range 9000 12000
	nap "$R"
}

f_crash_reboot() {
	local down up t0
	rng_range 1000 9000; down=$R		# straddles dead_after + fence
	rng_range 4000 7000; up=$R
	STEP_NOTE="host=$HOST down=$(secs "$down")s observe=$(secs "$up")s"
	if [ "$PLAN" = 0 ]; then
		ipmisim_crash_host "h$HOST"
		ev "dead host=$HOST kind=hang"
	fi
	nap "$down"
	UPSINCE[$HOST]=$MODEL_MS
	if [ "$PLAN" = 0 ]; then
		t0=$EPOCHREALTIME
		bmc_power "$HOST" on || expect FAIL "power-on of host $HOST through its BMC failed"
		wait_for 5 ipmisim_writer_alive "h$HOST" || expect FAIL "host $HOST did not boot after power on"
		ev "alive host=$HOST fenced_record=- t0=$t0"
	fi
	nap "$up"
}

f_total_loss() {
	local ms
	rng_range 6000 9000; ms=$R
	BSTATE[$HOST]=lost
	host_down "$HOST" 3 4 bmc_restart power_on
	STEP_NOTE="host=$HOST observe=$(secs "$ms")s"
	if [ "$PLAN" = 0 ]; then
		ipmisim_kill_bmc "h$HOST"
		ev "bmc_down host=$HOST"
		chassis_off "$HOST"
		ev "dead host=$HOST kind=total"
	fi
	nap "$ms"
}

f_bmc_hang() {
	local hang ms
	rng_range 2000 6000; hang=$R
	rng_range 2000 4000; ms=$R
	STEP_NOTE="host=$HOST hang=$(secs "$hang")s observe=$(secs "$ms")s"
	if [ "$PLAN" = 0 ]; then
		ipmisim_stop_bmc "h$HOST"
		ev "bmc_down host=$HOST"
	fi
	nap "$hang"
	if [ "$PLAN" = 0 ]; then
		ipmisim_cont_bmc "h$HOST"
		ev "bmc_up host=$HOST"
	fi
	nap "$ms"
}

# A mis-mapped BMC: host HOST's BMC entry reads off while the host runs (as
# an entry naming another, powered-off machine would).  hawatch must hold
# the host and raise bmc_contradiction (checked here), never fence it
# (check 9); the heal fixes the "mapping" and clears the alert as an
# operator would, so the host's BMC is trusted again for later faults.
f_bmc_lies() {
	local ms
	rng_range 3000 5000; ms=$R
	STEP_NOTE="host=$HOST observe=$(secs "$ms")s"
	if [ "$PLAN" = 0 ]; then
		: >"$(ipmisim_hostdir "h$HOST")/bmc_reads_off"
		ev "bmc_lie host=$HOST"
	fi
	nap "$ms"
	[ "$PLAN" = 0 ] || return 0
	[ "$(sql "SELECT COUNT(*) FROM hawatch.alerts WHERE host_id = $HOST AND kind = 'bmc_contradiction' AND cleared_at IS NULL" 2>/dev/null)" = 1 ] ||
		expect FAIL "host $HOST: its BMC read off for $(secs "$ms")s while it ran, but no bmc_contradiction was raised"
	rm -f "$(ipmisim_hostdir "h$HOST")/bmc_reads_off"
	ev "bmc_truth host=$HOST"
	sleep 1		# the BMC reads on again before the clear
	"$HAWATCH" --config "$T/hawatch.conf" alerts clear --host "$HOST" \
	    --kind bmc_contradiction --reason "chaos: mapping fixed" >/dev/null 2>&1
	ev "bmc_cleared host=$HOST"
}

f_bmc_loss() {
	local ms
	rng_range 3000 5000; ms=$R
	BSTATE[$HOST]=lost
	rng_range 1 2
	schedule_heal "$HOST" $((STEP + R)) bmc_restart
	STEP_NOTE="host=$HOST observe=$(secs "$ms")s"
	if [ "$PLAN" = 0 ]; then
		ipmisim_kill_bmc "h$HOST"
		ev "bmc_down host=$HOST"
	fi
	nap "$ms"
}

f_nfs_stall() {
	local stall ms
	rng_range 2000 8000; stall=$R		# below and above dead_after
	rng_range 3000 5000; ms=$R
	STEP_NOTE="stall=$(secs "$stall")s observe=$(secs "$ms")s"
	if [ "$PLAN" = 0 ]; then
		kill -STOP "$(ganesha_pid nfs)"
		ev "env_down what=nfs how=sigstop"
	fi
	nap "$stall"
	if [ "$PLAN" = 0 ]; then
		kill -CONT "$(ganesha_pid nfs)"
		ev "env_up what=nfs"
	fi
	nap "$ms"
}

f_nfs_restart() {
	local ms
	rng_range 4000 6000; ms=$R
	STEP_NOTE="observe=$(secs "$ms")s"
	if [ "$PLAN" = 0 ]; then
		ev "env_down what=nfs how=kill9"
		if chaos_nfs_restart; then
			ev "env_up what=nfs"
		else
			expect FAIL "ganesha did not restart on its port"
		fi
		STEP_NOTE="port=$(ganesha_port nfs) $STEP_NOTE"
	fi
	nap "$ms"
}

f_db_restart() {
	local how ms
	rng 2; how=$([ "$R" = 0 ] && echo clean || echo kill9)
	rng_range 4000 6000; ms=$R
	STEP_NOTE="how=$how observe=$(secs "$ms")s"
	if [ "$PLAN" = 0 ]; then
		ev "env_down what=db how=$how"
		if [ "$how" = clean ]; then
			mariadb_restart
		else
			mariadb_kill9
			_mariadb_launch
		fi
		disown "$DB_PID" 2>/dev/null || true
		ev "env_up what=db"
		if chaos_wait_leader 20; then
			expect OK "a leader again after the database restart"
		else
			expect FAIL "no hawatch instance leads 20 s after the database came back"
		fi
	fi
	nap "$ms"
}

# kill the leader right after it confirmed HOST off, before or while it
# reconciles; restart it; the other instance (or it) must finish the job
f_kill_mid_reconcile() {
	local lead back ms fd line part t0 hit=no
	rng_range 1000 3000; back=$R
	rng_range 5000 7000; ms=$R
	host_down "$HOST" 1 3 power_on
	STEP_NOTE="host=$HOST restart_after=$(secs "$back")s observe=$(secs "$ms")s"
	if [ "$PLAN" = 1 ]; then
		nap "$back"; nap "$ms"
		return
	fi
	lead=$(chaos_leader)
	if [ -z "$lead" ]; then
		expect FAIL "no leader to kill"
		suite_power_off "$HOST" || true
		ev "dead host=$HOST kind=off"
		nap "$back"; nap "$ms"
		return
	fi
	exec {fd}<"$T/hawatch-$lead.log"
	while read -r -u "$fd" line; do :; done
	suite_power_off "$HOST" || expect FAIL "power-off of host $HOST failed"
	ev "dead host=$HOST kind=off"
	t0=$SECONDS
	part=""
	while [ $((SECONDS - t0)) -lt 8 ]; do
		if IFS= read -r -u "$fd" line; then
			line=$part$line
			part=""
			if [[ $line == *"event=core.transition host=$HOST "*"to=fenced"* ]]; then
				hit=yes
				break
			fi
		else
			part+=$line
			sleep 0.01
		fi
	done
	exec {fd}<&-
	chaos_hawatch_kill "$lead"
	[ $hit = yes ] || expect FAIL "leader $lead did not confirm host $HOST off within 8 s"
	STEP_NOTE="host=$HOST killed=$lead at_fenced=$hit restart_after=$(secs "$back")s observe=$(secs "$ms")s"
	nap "$back"
	chaos_hawatch_start "$lead"
	chaos_wait_leader 20 || expect FAIL "no leader 20 s after restarting $lead"
	nap "$ms"
}

f_leader_failover() {
	local lead other="" back ms t0 took=-
	rng_range 1000 3000; back=$R
	rng_range 3000 5000; ms=$R
	STEP_NOTE="restart_after=$(secs "$back")s observe=$(secs "$ms")s"
	if [ "$PLAN" = 1 ]; then
		nap "$back"; nap "$ms"
		return
	fi
	lead=$(chaos_leader)
	if [ -z "$lead" ]; then
		expect FAIL "no leader to kill"
		nap "$back"; nap "$ms"
		return
	fi
	chaos_hawatch_kill "$lead"
	t0=$EPOCHREALTIME
	if chaos_wait_leader 15; then
		other=$(chaos_leader)
		took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
		expect OK "standby $other took over in ${took}s"
	else
		expect FAIL "the standby did not take over within 15 s after leader $lead was killed"
	fi
	STEP_NOTE="killed=$lead new=${other:-none} takeover=${took}s restart_after=$(secs "$back")s observe=$(secs "$ms")s"
	nap "$back"
	chaos_hawatch_start "$lead"
	nap "$ms"
}

# a management server dies holding an HA work claim: the operator runs
# `hawatch reconcile --release-claims`, the surviving MS does the work
_claimed() {	# _claimed MSID: sets WORK to an open row MSID holds
	WORK=$(sql "SELECT id FROM op_ha_work WHERE mgmt_server_id = $1 AND step NOT IN ('Done','Cancelled','Error') LIMIT 1")
	[ -n "$WORK" ]
}
f_dead_ms_claim() {
	local msid name main t0 rel=no ms out took
	rng_range 3000 5000; ms=$R
	msid=$((2000 + STEP))
	name=doomed$STEP
	host_down "$HOST" 1 3 power_on
	STEP_NOTE="host=$HOST msid=$msid observe=$(secs "$ms")s"
	if [ "$PLAN" = 1 ]; then
		nap "$ms"
		return
	fi
	# a host emptied by earlier faults gives no HA work to claim: then
	# this step is a plain power-off (the host was drawn from the model)
	if [ "$(sql "SELECT COUNT(*) FROM vm_instance WHERE host_id = $HOST AND ha_enabled = 1
	            AND state = 'Running'")" = 0 ]; then
		suite_power_off "$HOST" || expect FAIL "power-off of host $HOST failed"
		ev "dead host=$HOST kind=off"
		STEP_NOTE="host=$HOST msid=- no HA VMs on the host: a plain power-off observe=$(secs "$ms")s"
		nap "$ms"
		return
	fi
	main=$(haworker_pid main)
	kill -STOP "$main"			# so the doomed MS wins a claim
	ev "haworker_stop name=main"
	# its start() marks the pending rows Investigating, as CloudStack's does:
	# the main worker then drops them and hawatch re-queues them (check R)
	chaos_haworker_start "$name" "$msid" --workers 1 --work-delay-ms 600000 \
		--mark-investigating on
	suite_power_off "$HOST" || expect FAIL "power-off of host $HOST failed"
	ev "dead host=$HOST kind=off"
	if ! wait_for 20 _claimed "$msid"; then
		kill -CONT "$main"
		ev "haworker_cont name=main"
		stop_pid "$(haworker_pid "$name")"
		expect FAIL "MS $msid claimed no HA work for host $HOST within 20 s"
		STEP_NOTE="host=$HOST msid=$msid claim=none"
		nap "$ms"
		return
	fi
	kill -KILL "$(haworker_pid "$name")"
	ev "haworker_kill name=$name msid=$msid work=$WORK"
	kill -CONT "$main"
	ev "haworker_cont name=main"
	t0=$SECONDS
	while [ $((SECONDS - t0)) -lt 20 ]; do
		out=$("$HAWATCH" --config "$T/operator.conf" reconcile --release-claims 2>&1) || true
		echo "$out" >>"$CH/operator.log"
		if [ "$(sql "SELECT IFNULL(mgmt_server_id, 0) FROM op_ha_work WHERE id = $WORK")" != "$msid" ]; then
			rel=yes
			break
		fi
		sleep 1
	done
	took=$((SECONDS - t0))
	if [ $rel = yes ]; then
		ev "claim_released work=$WORK msid=$msid"
		expect OK "claim on work $WORK released ${took}s after MS $msid died"
	else
		expect FAIL "claim on work $WORK of dead MS $msid not released after 20 s"
	fi
	STEP_NOTE="host=$HOST msid=$msid work=$WORK released=$rel observe=$(secs "$ms")s"
	nap "$ms"
}

# repair_unexpected: a host the model counts as up but found powered off.
# It happens when hawatch's fence of a crashed host lands after the host
# rebooted (a fence decided on a stale heartbeat, which S1 allows).  The
# episode is recorded from the chassis time of the power-off, and the host
# is powered on again like any healed host; the model is not touched (the
# fault sequence must not depend on it), so a later hang inside
# rearm_after is exempt in the checker (dead_before_rearm).
repair_unexpected() {
	local h pw toff
	REPAIRED=""
	[ "$PLAN" = 1 ] && return 0
	for h in $(seq 1 "$CHAOS_HOSTS"); do
		[ "${HSTATE[$h]}" = up ] || continue
		read -r pw <"$(ipmisim_hostdir "h$h")/power" || continue
		[ "$pw" = 0 ] || continue
		toff=$(awk '$2 == "set" && $3 == "power" && $4 == 0 { t = $1 } END { print t }' \
			"$(ipmisim_hostdir "h$h")/chassis.log")
		ev "dead host=$h kind=off at=$toff"
		sleep 2		# let the power-off be confirmed and reconciled
		local keep=$MODEL_MS up=${UPSINCE[$h]}
		heal_power_on "$h"
		UPSINCE[$h]=$up
		MODEL_MS=$keep
		REPAIRED+="${REPAIRED:+ }$h"
	done
}

# a backup fills its target: the host's first K running domains are left
# paused (as QEMU pauses a guest whose write hit ENOSPC, and as a failed
# backup script leaves it); the storage is fixed at once (the test driver
# has none).  hawatch's sweeper must resume each within pause_grace and two
# sweep intervals, audit it, and leave opted-out domains alone.  An
# opted-out domain is resumed by the suite (the operator) after the step.
f_backup_fills_target() {
	local k ms d vm o paused=() optd=()
	rng_range 1 3; k=$R
	rng_range 7000 9000; ms=$R
	STEP_NOTE="host=$HOST domains=$k observe=$(secs "$ms")s"
	if [ "$PLAN" = 0 ]; then
		# CloudStack's VMs only (the test driver also boots a "test" domain)
		for d in $(lv_host "$HOST" list --name --state-running 2>/dev/null |
		    grep -E '^i-2-[0-9]+-VM$' | sort | head -n "$k"); do
			lv_host "$HOST" suspend "$d" >/dev/null 2>&1 || continue
			vm=${d#i-2-}; vm=${vm%-VM}
			o=0
			[[ " $CHAOS_OPTOUT " == *" $d "* ]] && { o=1; optd+=("$d"); }
			ev "paused host=$HOST dom=$d vm=$vm optout=$o"
			paused+=("$d")
		done
		STEP_NOTE="host=$HOST paused=[${paused[*]}] observe=$(secs "$ms")s"
		# a host emptied by earlier faults has no VM to pause
		[ ${#paused[@]} -gt 0 ] || STEP_NOTE="host=$HOST paused=[] (no CloudStack VM runs there) observe=$(secs "$ms")s"
	fi
	nap "$ms"
	[ "$PLAN" = 1 ] && return 0
	for d in "${optd[@]}"; do
		if lv_host "$HOST" domstate "$d" 2>/dev/null | grep -q paused; then
			expect OK "opted-out $d left paused"
		fi
		lv_host "$HOST" resume "$d" >/dev/null 2>&1 || true
		ev "operator_resumed host=$HOST dom=$d"
	done
}

# a backup that is slow but moves: on the QEMU host, its domain (named
# like one of the host's CloudStack VMs) is paused, as a NAS backup of a
# guest paused by ENOSPC leaves it, and a push backup of its 1 GiB disk
# runs throttled to 4 MiB/s (tests/lib/qemu-backup.sh).  For 9-12 s, far
# past job_stall_after (4 s) and pause_grace (3 s), hawatch must neither
# abort the job nor resume the domain (check 7).  Then the throttle is
# lifted (the heal), the backup completes, and hawatch must resume the
# domain within D_resume when CloudStack still records its VM Running
# there (a step expectation).  The suite samples disk_processed at both
# ends of the window: a job that did not move is no test, and a note.
f_backup_throttled() {
	local ms p0 p1 st job i vmrow
	rng_range 9000 12000; ms=$R
	STEP_NOTE="host=$HOST observe=$(secs "$ms")s"
	if [ "$PLAN" = 1 ]; then
		nap "$ms"
		return 0
	fi
	lv_qemu suspend "$QEMU_DOM" >/dev/null 2>&1 || true	# already paused: fine
	qb push "$QEMU_DOM" $((4 * 1024 * 1024)) || { STEP_NOTE+=" (backup-begin failed)"; nap "$ms"; return 0; }
	p0=$(qb progress "$QEMU_DOM" || true)
	ev "backup_begin host=$HOST dom=$QEMU_DOM vm=$QEMU_VM processed=${p0:-0}"
	nap "$ms"
	p1=$(qb progress "$QEMU_DOM" || true)
	st=$(lv_qemu domstate "$QEMU_DOM" 2>/dev/null | head -1 || true)
	job=$(qb job "$QEMU_DOM" || true)
	ev "backup_checked host=$HOST dom=$QEMU_DOM vm=$QEMU_VM processed=${p1:-0} state=${st// /_} job=${job:-?}"
	STEP_NOTE="host=$HOST dom=$QEMU_DOM moved=$(( (${p1:-0} - ${p0:-0}) / 1048576 ))MiB in $(secs "$ms")s state=$st observe=$(secs "$ms")s"
	# the heal: lift the throttle; the backup completes in seconds
	qb throttle "$QEMU_DOM" 0 >/dev/null 2>&1 || true
	for i in $(seq 1 60); do [ "$(qb job "$QEMU_DOM" || true)" = 0 ] && break; sleep 0.5; done
	ev "backup_end host=$HOST dom=$QEMU_DOM vm=$QEMU_VM job=$(qb job "$QEMU_DOM" || true)"
	# resumed, if CloudStack still records the VM Running here (an
	# observation: HA may have moved it in an earlier step)
	vmrow=$(sql "SELECT CONCAT(state, '@', IFNULL(host_id, 0)) FROM vm_instance WHERE id = $QEMU_VM" 2>/dev/null || true)
	if [ "$vmrow" = "Running@$HOST" ]; then
		if wait_for "${CHAOS_D_RESUME%.*}" eval 'lv_qemu domstate "$QEMU_DOM" 2>/dev/null | grep -q running'; then
			expect OK "$QEMU_DOM resumed after its backup completed"
		else
			expect FAIL "$QEMU_DOM still paused ${CHAOS_D_RESUME}s after its throttled backup completed (VM $QEMU_VM Running on host $HOST)"
		fi
	else
		STEP_NOTE+=" (VM $QEMU_VM is $vmrow: no resume expected)"
	fi
}

# inject: count, record and run FAULT on HOST for step STEP
inject() {
	STEP_NOTE=""
	FAULT_COUNT[$FAULT]=$(( ${FAULT_COUNT[$FAULT]} + 1 ))
	[ "$PLAN" = 1 ] || ev "inject step=$STEP fault=$FAULT host=$HOST"
	"f_$FAULT"
}
