#!/bin/bash
# t_haworker.sh -- the HA-worker fixture (build/itest/haworker) against real MariaDB.
#
# 1. Seed bug: host 6 powered off (not in the live-hosts file), ha_config Recovered, its VMs'
#    HA rows Investigating/HostDown (reference/cloudstack.md 3.5 step 3).  With the hostha
#    investigator every row ends Done via checkAndCancelWorkIfNeeded; the VMs stay Running on
#    host 6 with their update_count unchanged (#12922).
# 2. After `hawatch reconcile --host 6 --confirm-fenced` (host 6 Fenced, as the seed ends) a
#    running haworker (--scale 1000) starts each HA-enabled VM on a live host: rows Done, VMs
#    Running on a host in the live file, update_count +1+3, the start hook called once per VM.
# 3. Dead MS: haworker 3333 claims a row and is SIGKILLed; `hawatch reconcile --release-claims`
#    leaves the claim while 3333 heartbeats and releases it once its mshost row is older than
#    ms_dead_after (2s); haworker 4444 then completes the work (fence path: Fenced host).
# 4. Agent monitor: with --investigator db a host dropped from the live file is marked Down after
#    ping.interval x ping.timeout and its VMs get Investigating/HostDown rows (system VMs first);
#    with hostha and ha_state Available the host stays Up and no HA work appears (3.5 step 1).
# 5. Finding: a Scheduled row for a Stopped VM is re-marked Investigating by start() of an MS
#    that starts after it was queued, and restart() then ends it Done (vm_left_host), unstarted.
# 6. Retries: alive (not Fenced) on a Down host is rescheduled, then "Giving up" -> Done with the
#    VM still Running there (3.5 variant b); a failing start hook reschedules, then gives up.
# Also: usage errors exit 2; SIGTERM marks mshost Down and releases own claims.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/reconcile.sh"
HAWORKER=$TOP/build/itest/haworker
[ -x "$HAWORKER" ] || fail "$HAWORKER not built (make)"
seed_db

LIVE=$T/live
HOOKLOG=$T/hook.log
: >"$HOOKLOG"
cat >"$T/hook.sh" <<EOF
#!/bin/sh
echo "\$1 \$2" >>"$HOOKLOG"
EOF
chmod +x "$T/hook.sh"

ticks() { echo $(( $(date +%s%3N) >> 10 )); }

# haw NAME ARGS...: start a haworker in the background, log in $T/NAME.log, pid in HAW_PID
haw() {
	local name=$1
	shift
	"$HAWORKER" --db-host 127.0.0.1 --db-port "$DB_PORT" --db-user cloud \
		--db-password-file "$DB_PASS_FILE" "$@" 2>"$T/$name.log" &
	HAW_PID=$!
	track "$HAW_PID"
	wait_for 10 grep -q "event=ms.up" "$T/$name.log" \
		|| { cat "$T/$name.log"; fail "haworker $name did not come up"; }
}

# haw_stop PID LOG: SIGTERM, expect exit 0 and a clean stop
haw_stop() {
	local rc=0
	kill -TERM "$1"
	wait "$1" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$2"; fail "haworker exited $rc after SIGTERM"; }
	grep -q "event=ms.down" "$2" || fail "no ms.down in $2"
}

# sql_is EXPECTED QUERY: the query's result equals EXPECTED now (for wait_for, which re-runs it)
sql_is() { [ "$(sql "$2")" = "$1" ]; }
show() { sql "SELECT id, instance_id, step, IFNULL(mgmt_server_id,'-'), tried FROM op_ha_work ORDER BY id" >&2; }

# --- 0. usage errors ----------------------------------------------------------------------
for args in "" "--msid 0 --db-password-file $DB_PASS_FILE" "--msid 1" \
	"--msid 1 --db-password-file $DB_PASS_FILE --investigator xen" \
	"--msid 1 --db-password-file $DB_PASS_FILE --agent-monitor" \
	"--msid 1 --db-password-file $DB_PASS_FILE --scale 0" \
	"--msid 1 --db-password-file $DB_PASS_FILE --bogus"; do
	set +e
	# shellcheck disable=SC2086
	"$HAWORKER" $args >/dev/null 2>"$T/usage.err"
	rc=$?
	set -e
	[ "$rc" -eq 2 ] || fail "usage [$args]: expected exit 2, got $rc"
	grep -q "^haworker: " "$T/usage.err" || fail "usage [$args]: no reason: $(cat "$T/usage.err")"
done
pass "usage errors exit 2 with a reason"

# --- 1. the seed bug ---------------------------------------------------------------------
printf '1\n2\n3\n' >"$LIVE"		# host 6 is powered off; 4, 5, 7 are not used
sql "UPDATE ha_config SET ha_state = 'Recovered' WHERE resource_id = 6 AND resource_type = 'Host';
     UPDATE op_ha_work SET step = 'Investigating', mgmt_server_id = NULL, taken = NULL,
            time_to_try = $(ticks) WHERE id BETWEEN 81 AND 85"
before=$(sql "SELECT id, state, host_id, power_state, power_host, update_count FROM vm_instance
              WHERE id IN (78,80,84,87,88) ORDER BY id")
haw hw1 --msid 5555 --workers 2 --investigator hostha --live-hosts-file "$LIVE" \
	--time-to-sleep-ms 100
wait_for 15 sql_is 5 "SELECT COUNT(*) FROM op_ha_work WHERE id BETWEEN 81 AND 85 AND step = 'Done'" \
	|| { show; cat "$T/hw1.log"; fail "seed rows not Done"; }
haw_stop "$HAW_PID" "$T/hw1.log"
expect_eq "Done rows keep the claim (as in the seed)" "81	5555
82	5555
83	5555
84	5555
85	5555" "$(sql "SELECT id, mgmt_server_id FROM op_ha_work WHERE id BETWEEN 81 AND 85 ORDER BY id")"
for w in 81 82 83 84 85; do
	grep -q "event=ha.done work=$w .*exit=cancelled_host_up step=Investigating" "$T/hw1.log" \
		|| fail "work $w did not end via checkAndCancelWorkIfNeeded: $(grep "work=$w" "$T/hw1.log")"
done
expect_eq "VMs still Running on host 6, untouched" "$before" \
	"$(sql "SELECT id, state, host_id, power_state, power_host, update_count FROM vm_instance
	        WHERE id IN (78,80,84,87,88) ORDER BY id")"
expect_eq "mshost 5555 Down after SIGTERM" "Down" "$(sql "SELECT state FROM mshost WHERE msid = 5555")"
[ ! -s "$HOOKLOG" ] || fail "a VM was started: $(cat "$HOOKLOG")"
pass "seed bug reproduced: HostDown rows Cancelled->Done, VMs Running on powered-off host 6"

# --- 2. after hawatch's reconcile, the HA worker restarts the VMs elsewhere --------------
# the seed's end state: host 6 Fenced.  The worker runs before the rows are queued (see 5).
sql "UPDATE ha_config SET ha_state = 'Fenced' WHERE resource_id = 6 AND resource_type = 'Host'"
haw hw2 --msid 5555 --scale 1000 --investigator hostha --live-hosts-file "$LIVE" \
	--start-hook "$T/hook.sh"
grep -q "event=haworker.config .*time_to_sleep_ms=60 investigate_retry_ms=60 restart_retry_ms=600 " \
	"$T/hw2.log" || fail "scaled timings not printed: $(head -1 "$T/hw2.log")"
hw reconcile --host 6 --confirm-fenced
expect_rc 0 "reconcile"
# seed update_count + 1 (reconcile: Stopped) + 3 (Starting, Starting on a host, Running)
declare -A uc=( [78]=100 [80]=35 [84]=30 [87]=13 [88]=18 )
wait_for 20 sql_is 0 "SELECT COUNT(*) FROM op_ha_work WHERE id > 85 AND step <> 'Done'" \
	|| { show; cat "$T/hw2.log"; fail "reconciled rows not Done"; }
haw_stop "$HAW_PID" "$T/hw2.log"
expect_eq "five new rows, all Done" 5 "$(sql "SELECT COUNT(*) FROM op_ha_work WHERE id > 85 AND step = 'Done'")"
for id in 78 80 84 87 88; do
	row=$(sql "SELECT state, host_id = last_host_id, power_state, power_host = host_id, update_count
	           FROM vm_instance WHERE id = $id")
	expect_eq "VM $id" "Running	1	PowerOn	1	$((uc[$id] + 4))" "$row"
	h=$(sql "SELECT host_id FROM vm_instance WHERE id = $id")
	[ "$h" != 6 ] && grep -qx "$h" "$LIVE" || fail "VM $id on host $h, not a live host"
	name=$(sql "SELECT instance_name FROM vm_instance WHERE id = $id")
	expect_eq "hook calls for $name" "1" "$(grep -c "^$name " "$HOOKLOG")"
	grep -qx "$name $h" "$HOOKLOG" || fail "hook for $name not on host $h: $(cat "$HOOKLOG")"
	grep -q "event=ha.started vm=$id host=$h" "$T/hw2.log" || fail "no ha.started for VM $id"
done
expect_eq "hook calls" 5 "$(wc -l <"$HOOKLOG")"
expect_eq "done exits" 5 "$(grep -c "event=ha.done .*exit=started step=Scheduled" "$T/hw2.log")"
expect_eq "non-HA VM 89 stays Stopped" "Stopped	NULL" \
	"$(sql "SELECT state, IFNULL(host_id,'NULL') FROM vm_instance WHERE id = 89")"
pass "reconciled VMs started on live hosts, rows Done, hook once per VM"

# --- 3. dead management server with a claim ----------------------------------------------
# VM 91 Running on Fenced host 6 with a non-cancellable Investigating row (hawatch's DB route)
sql "UPDATE vm_instance SET state = 'Running', host_id = 6, update_count = 8 WHERE id = 91;
     INSERT INTO op_ha_work (id, instance_id, type, vm_type, state, mgmt_server_id, host_id, created,
       tried, taken, step, time_to_try, updated, reason)
     VALUES (300, 91, 'HA', 'User', 'Running', NULL, 6, UTC_TIMESTAMP(), 0, NULL, 'Investigating',
       $(ticks), 8, 'Unknown')"
haw hw3 --msid 3333 --workers 1 --time-to-sleep-ms 100 --work-delay-ms 60000 \
	--live-hosts-file "$LIVE" --start-hook "$T/hook.sh"
wait_for 10 sql_is 3333 "SELECT IFNULL(mgmt_server_id,0) FROM op_ha_work WHERE id = 300" \
	|| { cat "$T/hw3.log"; fail "3333 did not claim row 300"; }
cp "$T/hawatch.conf" "$T/hawatch-ms.conf"
sed -i 's/^\([[:space:]]*\)write_timeout = 5;/&\n\1ms_dead_after = "2s";/' "$T/hawatch-ms.conf"
grep -q 'ms_dead_after = "2s"' "$T/hawatch-ms.conf" || fail "could not set ms_dead_after"
HWCONF=$T/hawatch-ms.conf hw reconcile --release-claims
expect_rc 3 "release while 3333 is alive"
kill -KILL "$HAW_PID"
wait "$HAW_PID" 2>/dev/null || true
expect_eq "claim survives SIGKILL" "3333	Investigating" \
	"$(sql "SELECT mgmt_server_id, step FROM op_ha_work WHERE id = 300")"
wait_for 10 sql_is 1 "SELECT last_update < UTC_TIMESTAMP() - INTERVAL 2 SECOND FROM mshost WHERE msid = 3333" \
	|| fail "mshost 3333 not stale"
sleep 1
HWCONF=$T/hawatch-ms.conf hw reconcile --release-claims
expect_rc 0 "release after 3333 died"
expect_eq "claim released" "NULL	NULL" \
	"$(sql "SELECT IFNULL(mgmt_server_id,'NULL'), IFNULL(taken,'NULL') FROM op_ha_work WHERE id = 300")"
haw hw4 --msid 4444 --workers 1 --time-to-sleep-ms 100 --live-hosts-file "$LIVE" \
	--start-hook "$T/hook.sh"
wait_for 15 sql_is Done "SELECT step FROM op_ha_work WHERE id = 300" \
	|| { show; cat "$T/hw4.log"; fail "row 300 not completed by 4444"; }
haw_stop "$HAW_PID" "$T/hw4.log"
row=$(sql "SELECT state, host_id IN ($(paste -sd, "$LIVE")), last_host_id = host_id, update_count
           FROM vm_instance WHERE id = 91")
expect_eq "VM 91 restarted elsewhere" "Running	1	1	13" "$row"
grep -q "event=ha.investigated work=300 vm=91 host=6 alive=false investigator=hostha" "$T/hw4.log" \
	|| fail "no hostha investigation: $(grep 'work=300' "$T/hw4.log")"
grep -q "event=ha.done work=300 vm=91 exit=started" "$T/hw4.log" || fail "row 300 not started"
expect_eq "VM 91 transitions" "Stopping Stopped Starting Starting Running" \
	"$(grep "event=vm.state vm=91 " "$T/hw4.log" | sed 's/.* to=\([A-Za-z]*\) .*/\1/' | paste -sd' ')"
pass "dead MS: claim kept while alive, released when stale, completed by another MS"

# --- 4. agent monitor ---------------------------------------------------------------------
printf '1\n3\n4\n5\n7\n' >"$LIVE"	# host 2 loses power (6 still off)
on2=$(sql "SELECT id FROM vm_instance WHERE host_id = 2 AND removed IS NULL ORDER BY type = 'User', id" | paste -sd' ')
[ -n "$on2" ] || fail "no VM on host 2"
maxid=$(sql "SELECT MAX(id) FROM op_ha_work")
haw hw5 --msid 6666 --workers 0 --agent-monitor --investigator db --live-hosts-file "$LIVE" \
	--ping-interval-ms 200 --ping-timeout 2.5
wait_for 10 sql_is Down "SELECT status FROM host WHERE id = 2" \
	|| { cat "$T/hw5.log"; fail "host 2 not marked Down"; }
wait_for 5 sql_is "$(wc -w <<<"$on2")" "SELECT COUNT(*) FROM op_ha_work WHERE id > $maxid" \
	|| { show; fail "HA rows for host 2's VMs"; }
sleep 0.5
haw_stop "$HAW_PID" "$T/hw5.log"
expect_eq "HA rows, system VMs first" "$on2" \
	"$(sql "SELECT instance_id FROM op_ha_work WHERE id > $maxid ORDER BY id" | paste -sd' ')"
expect_eq "rows match their VMs" "$(wc -w <<<"$on2")" "$(sql "SELECT COUNT(*) FROM op_ha_work w
	JOIN vm_instance v ON v.id = w.instance_id WHERE w.id > $maxid AND w.type = 'HA'
	AND w.step = 'Investigating' AND w.reason = 'HostDown' AND w.host_id = 2
	AND w.state = v.state AND w.updated = v.update_count AND w.mgmt_server_id IS NULL
	AND w.vm_type = v.type")"
expect_eq "host 2 row" "Down	NULL" "$(sql "SELECT status, IFNULL(mgmt_server_id,'NULL') FROM host WHERE id = 2")"
for h in 1 3 4 5 7; do
	expect_eq "live host $h" Up "$(sql "SELECT status FROM host WHERE id = $h")"
done
grep -q "event=agent.investigated host=2 answer=Down investigator=db" "$T/hw5.log" \
	|| fail "no investigation of host 2"
pass "agent monitor (db): silent host Down after the ping timeout, HostDown rows queued"

printf '1\n4\n5\n7\n' >"$LIVE"		# host 3 loses power, Host HA says Available
expect_eq "host 3 ha_state" Available \
	"$(sql "SELECT ha_state FROM ha_config WHERE resource_id = 3 AND resource_type = 'Host'")"
maxid=$(sql "SELECT MAX(id) FROM op_ha_work")
haw hw6 --msid 6666 --workers 0 --agent-monitor --investigator hostha --live-hosts-file "$LIVE" \
	--scale 300
wait_for 10 grep -q "event=agent.investigated host=3 answer=Up investigator=hostha" "$T/hw6.log" \
	|| { cat "$T/hw6.log"; fail "host 3 not investigated"; }
sleep 1
haw_stop "$HAW_PID" "$T/hw6.log"
expect_eq "host 3 still Up" Up "$(sql "SELECT status FROM host WHERE id = 3")"
expect_eq "no HA work for host 3" 0 "$(sql "SELECT COUNT(*) FROM op_ha_work WHERE id > $maxid")"
pass "agent monitor (hostha, Available): powered-off host stays Up, no HA work (#12922 first half)"

# --- 5. finding: MS start re-marks a queued Scheduled row; restart() drops it ---------------
# what `hawatch reconcile` leaves for a VM of fenced host 6: Stopped + a Scheduled HostDown row
sql "UPDATE vm_instance SET state = 'Stopped', host_id = NULL, last_host_id = 6, update_count = 20
     WHERE id = 92;
     INSERT INTO op_ha_work (id, instance_id, type, vm_type, state, mgmt_server_id, host_id, created,
       tried, taken, step, time_to_try, updated, reason)
     VALUES (400, 92, 'HA', 'User', 'Stopped', NULL, 6, UTC_TIMESTAMP(), 0, NULL, 'Scheduled',
       $(ticks), 20, 'HostDown')"
haw hw7 --msid 7777 --workers 1 --time-to-sleep-ms 100 --live-hosts-file "$LIVE"
wait_for 10 sql_is Done "SELECT step FROM op_ha_work WHERE id = 400" \
	|| { show; cat "$T/hw7.log"; fail "row 400 not Done"; }
haw_stop "$HAW_PID" "$T/hw7.log"
grep -q "event=ha.done work=400 vm=92 exit=vm_left_host step=Investigating" "$T/hw7.log" \
	|| fail "row 400: $(grep 'work=400' "$T/hw7.log")"
expect_eq "VM 92 not started" "Stopped	NULL" \
	"$(sql "SELECT state, IFNULL(host_id,'NULL') FROM vm_instance WHERE id = 92")"
pass "a Scheduled row queued before an MS starts is re-marked Investigating and dropped"

# --- 6. retries: variant (b) of 3.5 and a failing start ---------------------------------------
# the worker runs first, so start() does not re-mark the Scheduled row (see 5)
haw hw9 --msid 9999 --workers 1 --time-to-sleep-ms 100 --investigate-retry-ms 1 \
	--restart-retry-ms 1 --max-retries 2 --live-hosts-file "$LIVE" --start-hook false
sql "UPDATE ha_config SET ha_state = 'Recovered' WHERE resource_id = 6 AND resource_type = 'Host';
     UPDATE vm_instance SET state = 'Running', host_id = 6, ha_enabled = 1, update_count = 50 WHERE id = 89;
     UPDATE vm_instance SET state = 'Stopped', host_id = NULL, last_host_id = 6, update_count = 60 WHERE id = 88;
     INSERT INTO op_ha_work (id, instance_id, type, vm_type, state, mgmt_server_id, host_id, created,
       tried, taken, step, time_to_try, updated, reason) VALUES
     (600, 89, 'HA', 'User', 'Running', NULL, 6, UTC_TIMESTAMP(), 0, NULL, 'Investigating', $(ticks), 50, 'Unknown'),
     (601, 88, 'HA', 'User', 'Stopped', NULL, 6, UTC_TIMESTAMP(), 0, NULL, 'Scheduled', $(ticks), 60, 'HostDown')"
wait_for 15 sql_is "Done 2 Done 2" "SELECT GROUP_CONCAT(step, ' ', tried ORDER BY id SEPARATOR ' ')
                                   FROM op_ha_work WHERE id IN (600, 601)" \
	|| { show; cat "$T/hw9.log"; fail "rows 600/601 did not give up"; }
haw_stop "$HAW_PID" "$T/hw9.log"
expect_eq "alive on a Down host: rescheduled once, then giving up" 2 \
	"$(grep -c "work=600 vm=89 .*exit=alive_host_not_up\|work=600 vm=89 exit=giving_up last_exit=alive_host_not_up" "$T/hw9.log")"
expect_eq "VM 89 left Running on host 6" "Running	6	50" \
	"$(sql "SELECT state, host_id, update_count FROM vm_instance WHERE id = 89")"
grep -q "event=ha.done work=601 vm=88 exit=giving_up last_exit=start_failed tried=2" "$T/hw9.log" \
	|| fail "row 601: $(grep 'work=601' "$T/hw9.log")"
expect_eq "VM 88 Stopped after two failed starts" "Stopped	NULL	66" \
	"$(sql "SELECT state, IFNULL(host_id,'NULL'), update_count FROM vm_instance WHERE id = 88")"
expect_eq "given-up rows keep no claim" "NULL	NULL" \
	"$(sql "SELECT IFNULL(MAX(mgmt_server_id),'NULL'), IFNULL(MAX(taken),'NULL') FROM op_ha_work WHERE id IN (600, 601)")"
pass "alive-on-Down-host and failed starts are retried, then end Done by 'Giving up'"

# --- SIGTERM releases own claims -----------------------------------------------------------
sql "INSERT INTO op_ha_work (id, instance_id, type, vm_type, state, mgmt_server_id, host_id, created,
       tried, taken, step, time_to_try, updated, reason)
     VALUES (500, 93, 'HA', 'User', 'Running', NULL, 2, UTC_TIMESTAMP(), 0, NULL, 'Investigating',
       $(ticks), 7, 'Unknown')"
haw hw8 --msid 8888 --workers 1 --time-to-sleep-ms 100 --work-delay-ms 60000 --live-hosts-file "$LIVE"
open8="SELECT COUNT(*) FROM op_ha_work WHERE mgmt_server_id = 8888 AND step NOT IN ('Done','Cancelled','Error')"
wait_for 10 sql_is 1 "$open8" || fail "8888 claimed nothing"
haw_stop "$HAW_PID" "$T/hw8.log"
expect_eq "open rows claimed by 8888 after SIGTERM" 0 "$(sql "$open8")"
grep -q "event=ha.released msid=8888 rows=1 at=stop" "$T/hw8.log" || fail "no release at stop"
pass "SIGTERM: own claim released, mshost Down"
