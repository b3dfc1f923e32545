#!/bin/bash
# t_console_capture.sh -- fence evidence: a fenced host's last console
# output is captured over SOL (real ipmi_sim with SOL history, consoles
# through socat pty pairs) and shown by `hawatch console`; SOL trouble
# never affects the fence.
#
#   host 2: printed "Kernel panic - not syncing: ..." then hung: fenced,
#           `hawatch console --host 2` shows the line, the fence_result
#           audit references the capture and its byte count;
#   host 3: BMC without SOL (no `sol` line): capture fails with a one-line
#           reason in the log, fence unaffected;
#   host 1: SOL held by another client (ipmiconsole): not taken over, the
#           client keeps its session, fence unaffected;
#   host 4: hawatch killed -9 in the middle of its capture; after the
#           restart the next capture of host 4 works;
#   host 6: BMC on 127.0.0.1:<port> (not 623): "SOL reaches BMCs on port
#           623 only" is logged once for the host, not at every suspect
#           (its heartbeat stalls twice), and no capture ever starts;
#   doctor: per BMC, whether SOL works and whether it keeps a history.
# Every SOL BMC has its own 127.0.0.N on port 623 (libipmiconsole refuses
# "host:port").  Fence latency with capture, with SOL failing and without
# any capture is printed (no timing asserts).
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
ipmisim_require
command -v socat >/dev/null || skip "socat not installed"
command -v ipmiconsole >/dev/null || PATH=$PATH:/usr/sbin
SIM_SOL="1:sol 2:sol 3:nosol 4:sol 5:sol"
SIM_REARM=5m
# five hosts die one after another here, each by itself: the storm guard
# (S3), which counts hosts fenced within rearm_after, would rightly hold the
# third; this test is about console capture, so it is off
SIM_DAEMON_EXTRA='storm_fraction = 1.0;'
simcluster_start 6 2
WA=$SIM_SOL_WA
hawatch_start a
for h in 1 2 3 4 5 6; do wait_state a $h alive 20 || fail "host $h never alive"; done
sleep 2		# past startup_grace
log=$T/hawatch-a.log
fence_ms() { grep "event=fence.done host=$1 " "$log" | tail -1 | grep -o 'elapsed_ms=[0-9]*' | cut -d= -f2; }
back_on() { ipmisim_power_on "h$1"; wait_state a "$1" returned 20 || fail "host $1 not back"; }

# --- host 2: kernel panic on the console, then hung
ipmisim_console h2 "[  812.004] INFO: task jbd2/sda1-8:412 blocked for more than 120 seconds."
ipmisim_console h2 "Kernel panic - not syncing: hung_task: blocked tasks"
sleep 0.3
ipmisim_crash_host h2
wait_state a 2 fenced 30 || fail "host 2 not fenced: $(tail -20 "$log")"
expect_eq "host 2 power" 0 "$(ipmisim_power h2)"
has_row() { [ "$(sql "SELECT COUNT(*) FROM hawatch.console_log WHERE host_id = 2")" -ge 1 ]; }
wait_for 10 has_row || fail "no console capture stored for host 2: $(grep console "$log")"
out=$("$HAWATCH" --config "$T/hawatch.conf" console --host 2 2>"$T/console.err") || fail "hawatch console rc=$?"
grep -q "Kernel panic - not syncing: hung_task: blocked tasks" <<<"$out" || fail "panic line not shown: $out $(cat "$T/console.err")"
cid=$(sql "SELECT id FROM hawatch.console_log WHERE host_id = 2 ORDER BY id DESC LIMIT 1")
bytes=$(sql "SELECT bytes FROM hawatch.console_log WHERE id = $cid")
ev=$(sql "SELECT evidence FROM hawatch.audit WHERE host_id = 2 AND action = 'host.fence_result'")
grep -q "\"console\":{\"id\":$cid,\"bytes\":$bytes," <<<"$ev" || fail "fence audit does not reference capture $cid ($bytes bytes): $ev"
fid=$(sql "SELECT id FROM hawatch.audit WHERE host_id = 2 AND action = 'host.fence_requested'")
expect_eq "capture linked to the fence" "$fid" "$(sql "SELECT fence_audit_id FROM hawatch.console_log WHERE id = $cid")"
"$HAWATCH" --config "$T/hawatch.conf" console --host 2 --fence "$fid" --raw 2>/dev/null | grep -q $'not syncing: hung_task: blocked tasks\r' \
	|| fail "--raw --fence $fid: bytes not as captured"
grep -q '"console_bytes":'"$bytes" "$T/status-a.json" || fail "status: console_bytes $bytes missing"
rc=0; "$HAWATCH" --config "$T/hawatch.conf" console --host 5 >/dev/null 2>&1 || rc=$?
expect_eq "no capture: exit 3" 3 "$rc"
echo "fence latency with capture (host 2): $(fence_ms 2) ms; $(grep -o 'event=console.released host=2 wait_ms=[0-9.]*' "$log")"
pass "panic line captured over SOL, shown by hawatch console, referenced by the fence audit"
back_on 2

# --- host 3: BMC without SOL
ipmisim_crash_host h3
wait_state a 3 fenced 30 || fail "host 3 (no SOL) not fenced: $(tail -20 "$log")"
expect_eq "host 3 power" 0 "$(ipmisim_power h3)"
expect_eq "host 3 fence result" off_confirmed "$(sql "SELECT reason FROM hawatch.audit WHERE host_id = 3 AND action = 'host.fence_result'")"
wait_for 5 grep -q "event=console.capture_failed host=3 reason=" "$log" || fail "no capture_failed line for host 3: $(grep 'host=3' "$log" | grep console)"
expect_eq "one-line reason" 1 "$(grep -c "event=console.capture_failed host=3 " "$log")"
wait_for 5 grep -q "event=console.capture_off host=3" "$log" || fail "auto: host 3's refusal not remembered: $(grep 'host=3' "$log" | grep console)"
echo "fence latency without SOL (host 3): $(fence_ms 3) ms; $(grep "event=console.capture_failed host=3" "$log" | grep -o 'reason=.*')"
pass "no SOL: capture failed cleanly with one log line, fence unaffected"
back_on 3

# --- host 6: BMC not on port 623: said once, whatever the host does
stall() {	# stall HOST: heartbeat writer stopped until suspect, then resumed
	local p
	p=$(cat "$(ipmisim_hostdir "h$1")/writer.pid")
	kill -STOP -- "-$p"
	wait_state a "$1" suspect 10 || { kill -CONT -- "-$p"; fail "host $1 never suspect"; }
	kill -CONT -- "-$p"
	wait_state a "$1" alive 10 || fail "host $1 not alive again"
}
stall 6
stall 6
ipmisim_crash_host h6
wait_state a 6 fenced 30 || fail "host 6 not fenced: $(tail -20 "$log")"
expect_eq "port-623 reason logged once for host 6" 1 "$(grep -c "event=console.unavailable host=6 .*SOL reaches BMCs on port 623 only" "$log")"
expect_eq "no capture started for host 6" 0 "$(grep -c "event=console.capture_start host=6 " "$log")"
echo "fence latency without any capture (host 6): $(fence_ms 6) ms"
pass "BMC not on port 623: one log line for the host, no capture, fence unaffected"

# --- host 1: SOL held by an operator
: >"$T/operator.out"
setsid script -q -c "ipmiconsole -h $(ipmisim_addr h1) -u admin -p $(cat "$(ipmisim_pass_file h1)") -W $WA" /dev/null \
	</dev/null >"$T/operator.out" 2>&1 &
op=$!; track $op
wait_for 10 grep -q "SOL established" "$T/operator.out" || fail "operator console did not connect: $(cat "$T/operator.out")"
ipmisim_crash_host h1
wait_state a 1 fenced 30 || fail "host 1 not fenced: $(tail -20 "$log")"
expect_eq "host 1 power" 0 "$(ipmisim_power h1)"
ipmisim_console h1 "operator still attached"
wait_for 5 grep -q "operator still attached" "$T/operator.out" || fail "operator's SOL session was taken over"
grep "host=1 " "$log" | grep -q "SOL in use" || fail "no 'SOL in use' reason for host 1: $(grep 'host=1 ' "$log" | grep console)"
echo "fence latency with SOL held by another client (host 1): $(fence_ms 1) ms"
stop_pid $op
pass "SOL held by another client: not taken over, fence unaffected"

# --- host 4: hawatch killed -9 mid-capture; the next capture works
ipmisim_console h4 "first hang of host 4"
ipmisim_crash_host h4
wait_for 30 grep -q "event=console.capture_start host=4 " "$log" || fail "capture of host 4 never started"
kill -KILL "$(hawatch_pid a)"
sleep 0.5
ipmisim_power_on h4
hawatch_start a
wait_state a 4 alive 30 || fail "host 4 not alive after restart"
sleep 2
ipmisim_console h4 "Kernel panic - not syncing: second hang"
ipmisim_crash_host h4
wait_state a 4 fenced 40 || fail "host 4 not fenced after the restart: $(tail -20 "$log")"
h4row() { [ "$(sql "SELECT COUNT(*) FROM hawatch.console_log WHERE host_id = 4")" -ge 1 ]; }
wait_for 10 h4row || fail "no capture stored for host 4 after the restart"
"$HAWATCH" --config "$T/hawatch.conf" console --host 4 2>/dev/null | grep -q "not syncing: second hang" \
	|| fail "capture after kill -9 lacks the new panic line: $(grep 'host=4 ' "$log" | grep console)"
echo "host 4 capture after kill -9: $(grep "event=console.captured host=4 " "$log" | tail -1 | grep -o 'bytes=.*')"
pass "kill -9 mid-capture: the next capture works"

# --- doctor: SOL per BMC (host 5: history; host 3: no SOL; host 6: port)
"$HAWATCH" --config "$T/hawatch.conf" doctor >"$T/doctor.out" 2>&1 || true
dl() { grep -E "^$1 +sol +host $2 " "$T/doctor.out"; }
dl ok 5 | grep -q "SOL works, keeps a console history" || fail "doctor: host 5 SOL: $(grep sol "$T/doctor.out")"
dl warn 3 | grep -q "SOL does not work" || fail "doctor: host 3 no SOL: $(grep sol "$T/doctor.out")"
dl warn 6 | grep -q "port 623 only" || fail "doctor: host 6 port: $(grep sol "$T/doctor.out")"
grep -E "^[a-zA-Z]+ +sol " "$T/doctor.out"
pass "doctor: per BMC whether SOL works and keeps a history"
