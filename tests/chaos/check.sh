# check.sh -- one round of invariant checks (sourced by tests/chaos/run.sh).
#
# chaos_check ROUND: dumps the observation tables, runs check.awk over
# every log, and records one result per check:
#   P  the watchers: every hawatch instance the suite did not kill runs,
#      one of them leads, the HA worker and the sampler run
#   1..8  the invariants (docs/chaos.md), evaluated over the whole history
#      (7 with real QEMU, 8 with libvirt)
#   E  scenario expectations: the step's own (takeover, claim released...)
#      and "a host powered on after a fence is reported returned"
# A check fails in a round when it finds a violation not reported in an
# earlier round (each violation is reported once, with its rows).  Results
# go to CHECK_PASS / CHECK_FAIL; the failures' text to $CH/failures.

CHECKS=(P 1 2 3 4 5 6 R 9 D E)
[ "${CHAOS_LIBVIRT:-0}" = 1 ] && CHECKS=(P 1 2 3 4 5 6 8 R 9 D E)
[ "${CHAOS_QEMU:-0}" = 1 ] && CHECKS=(P 1 2 3 4 5 6 7 8 R 9 D E)
declare -A CHECK_NAME=(
	[P]="watchers alive, one leader"
	[1]="no fence while the heartbeat advanced"
	[2]="dead hosts fenced and reconciled by the deadline"
	[3]="no VM started while it still ran elsewhere"
	[4]="no HA work Done while its VM is active on an off host"
	[5]="no write or fence by a non-leader"
	[6]="every fence, VM change and resume audited"
	[7]="no moving backup aborted, its domain left paused"
	[8]="paused VMs resumed in time, opted-out left"
	[R]="every VM hawatch re-queued runs again, or is told"
	[9]="no fence of a live host whose BMC reads off"
	[D]="no fence of a live host sharing a twin's IP"
	[E]="scenario expectations"
)
CHECK_PASS=0
CHECK_FAIL=0
declare -A CHECK_ITEMS CHECK_PEND

# _snapshot: copy the daemon logs, then read every table in one consistent
# InnoDB snapshot.  In that order, every log line copied has its audit row
# in the dump (hawatch commits the audit row before it logs the action),
# and the audit and trigger tables agree with each other.
_snapshot() {
	local d=$CH/snap i f
	rm -rf "$d"
	mkdir -p "$d"
	for f in "$T"/hawatch-*.log; do
		cp "$f" "$d/"
	done
	for i in 1 2 3 4 5; do
		SNAP_T=$EPOCHREALTIME
		if sql "SET time_zone = '+00:00';
		     START TRANSACTION WITH CONSISTENT SNAPSHOT;
		     SELECT 'AU', id, UNIX_TIMESTAMP(at), actor, command, action, IFNULL(host_id, 0),
		            IFNULL(vm_id, 0), reason FROM hawatch.audit ORDER BY id;
		     SELECT 'VW', at, usr, conn, vm, IFNULL(old_state, '-'), IFNULL(new_state, '-'),
		            IFNULL(old_host, 0), IFNULL(new_host, 0), old_uc, new_uc
		     FROM chaos_vm_write ORDER BY id;
		     SELECT 'LL', at, instance, conn FROM chaos_leader_log ORDER BY at, id;
		     SELECT 'HA', at, usr, work, vm, step, IFNULL(host, 0), IFNULL(msid, 0)
		     FROM chaos_ha_write ORDER BY id;
		     SELECT 'VM', id, state, IFNULL(host_id, 0), ha_enabled FROM vm_instance ORDER BY id;
		     COMMIT;" >"$d/db.tsv" 2>"$d/db.err"; then
			awk -F'\t' -v d="$d" '{ f = d "/" tolower($1) ".tsv"; sub(/^[A-Z][A-Z]\t/, ""); print > f }' "$d/db.tsv"
			for f in au vw ll ha vm; do touch "$d/$f.tsv"; done
			if [ "${CHAOS_LIBVIRT:-0}" = 1 ]; then
				chaos_domains >"$d/doms.txt"
			else
				: >"$d/doms.txt"
			fi
			return 0
		fi
		sleep 1
	done
	return 1
}

# P: processes.  Prints violations as "V P key text".
_check_procs() {
	local n p
	for n in "${HW_NAMES[@]}"; do
		[ "${HW_UP[$n]}" = 1 ] || continue
		p=$(hawatch_pid "$n")
		_proc_alive "$p" || echo "V P hawatch-$n-$p hawatch instance $n (pid $p) died: $(tail -3 "$T/hawatch-$n.log" | tr '\n' ' ')"
	done
	p=$(haworker_pid main)
	_proc_alive "$p" || echo "V P haworker-$p the HA worker (pid $p) died: $(tail -3 "$CH/haworker-main.log" | tr '\n' ' ')"
	_proc_alive "$SAMPLER_PID" || echo "V P sampler the heartbeat sampler died: $(tail -3 "$CH/sampler.err")"
	wait_for 8 _have_leader || echo "V P noleader-$ROUND no hawatch instance leads (8 s after the step)"
	return 0
}

# R: restart assurance (S10).  Every HA-enabled VM hawatch stopped and re-queued
# (audit vm.stopped_requeued) is watched (hawatch.ha_requeue); within
# CHAOS_RESTART_DEADLINE of hawatch's last HA row for it, it is Running again,
# or its watch ended (removed, changed, HA off), or it was given up with an
# alert (audit vm.restart_given_up).  Read live, after the snapshot.
_check_restarts() {
	local out
	out=$(sql "SELECT CONCAT('V R unwatched-', a.vm_id, ' VM ', a.vm_id,
	             ' was stopped and re-queued by hawatch but is not watched (no ha_requeue row)')
	           FROM hawatch.audit a LEFT JOIN hawatch.ha_requeue r ON r.vm_id = a.vm_id
	           WHERE a.action = 'vm.stopped_requeued' AND r.vm_id IS NULL GROUP BY a.vm_id;
	           SELECT CASE
	             WHEN r.status = 'given_up' AND NOT EXISTS (SELECT 1 FROM hawatch.audit g
	                  WHERE g.vm_id = r.vm_id AND g.action = 'vm.restart_given_up'
	                  AND g.at >= r.first_queued_at)
	               THEN CONCAT('V R silent-', r.vm_id, '-', UNIX_TIMESTAMP(r.first_queued_at),
	                    ' VM ', r.vm_id, ' given up without an alert row')
	             WHEN r.status = 'watching' AND IFNULL(v.state, '') <> 'Running'
	                  AND r.last_queued_at < UTC_TIMESTAMP() - INTERVAL $CHAOS_RESTART_DEADLINE SECOND
	               THEN CONCAT('V R stuck-', r.vm_id, '-', UNIX_TIMESTAMP(r.first_queued_at),
	                    ' VM ', r.vm_id, ' stopped by hawatch (host ', r.host_id, ') is ',
	                    IFNULL(v.state, 'gone'), ', not given up, ',
	                    TIMESTAMPDIFF(SECOND, r.last_queued_at, UTC_TIMESTAMP()),
	                    ' s after its last HA row (', r.requeues, ' re-queues, verdict ',
	                    IFNULL(r.verdict, '-'), ')')
	             WHEN r.status = 'watching' AND IFNULL(v.state, '') <> 'Running' THEN 'O'
	             ELSE 'K' END
	           FROM hawatch.ha_requeue r LEFT JOIN vm_instance v ON v.id = r.vm_id" 2>/dev/null) || return 0
	grep '^V R ' <<<"$out" || true
	echo "P R $(grep -c '^O$' <<<"$out" || true)"
	echo "C R $(grep -cv '^V R unwatched' <<<"$out" || true)"
}

# chaos_check ROUND: one round; prints the per-check results of the round
chaos_check() {
	ROUND=$1
	local out c key text line res=() failed
	out=$CH/check.out
	: >"$out"
	_check_procs >>"$out"
	local i=0
	for line in "${STEP_EXPECT[@]:-}"; do
		i=$((i + 1))
		case $line in
		FAIL*) echo "V E step$ROUND.$i ${line#FAIL }" >>"$out";;
		esac
	done
	if _snapshot; then
		awk -v now="$SNAP_T" -v t0="$CHAOS_T0" -v nhosts="$CHAOS_HOSTS" \
			-v dead_after="$CHAOS_DEAD_AFTER" -v tick="$CHAOS_TICK" -v bmc_poll="$CHAOS_BMC_POLL" \
			-v fence_timeout="$CHAOS_FENCE_TIMEOUT" -v fence_quiet="$CHAOS_FENCE_QUIET" \
			-v attempts="$CHAOS_FENCE_ATTEMPTS" -v suspect="$CHAOS_SUSPECT" -v slack="$CHAOS_SLACK" \
			-v rearm="$(( CHAOS_REARM_MS / 1000 ))" -v lag="$CHAOS_LAG" -v obs_skew="$CHAOS_OBS_SKEW" \
			-v hwuser="cloud@127.0.0.1" -v d_resume="$CHAOS_D_RESUME" \
			-f "$TOP/tests/chaos/check.awk" \
			"$EVENTS" "$CH/hb.log" "$CH/starts.log" "$T"/hosts/h*/chassis.log \
			"$CH"/snap/hawatch-*.log "$CH/snap/au.tsv" "$CH/snap/vw.tsv" "$CH/snap/ll.tsv" \
			"$CH/snap/ha.tsv" "$CH/snap/vm.tsv" "$CH/snap/doms.txt" >>"$out" 2>"$CH/check.err" \
			|| echo "V E awk-$ROUND the checker itself failed: $(head -3 "$CH/check.err")" >>"$out"
	else
		echo "V E db-$ROUND the database could not be read for the checks" >>"$out"
	fi
	_check_restarts >>"$out"
	for c in "${CHECKS[@]}"; do
		failed=""
		while IFS= read -r line; do
			key=$(cut -d' ' -f3 <<<"$line")
			grep -qxF "$c $key" "$CH/reported" 2>/dev/null && continue
			echo "$c $key" >>"$CH/reported"
			text=${line#V "$c" "$key" }
			failed+="    $text"$'\n'
		done < <(grep "^V $c " "$out" || true)
		CHECK_ITEMS[$c]=$(awk -v c="$c" '$1 == "C" && $2 == c { print $3 }' "$out")
		CHECK_PEND[$c]=$(awk -v c="$c" '$1 == "P" && $2 == c { print $3 }' "$out")
		if [ -n "$failed" ]; then
			CHECK_FAIL=$((CHECK_FAIL + 1))
			res+=("$c:FAIL")
			{
				echo "FAIL check $c (${CHECK_NAME[$c]}) round $ROUND seed $CHAOS_SEED:"
				printf '%s' "$failed"
			} | tee -a "$CH/failures" >&2
		else
			CHECK_PASS=$((CHECK_PASS + 1))
			res+=("$c:ok")
		fi
	done
	grep "^N " "$out" | cut -c3- >>"$CH/notes" || true
	grep "^S " "$out" | cut -c3- >"$CH/stats" || true
	ROUND_RESULT="${res[*]}"
}
