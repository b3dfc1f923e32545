#!/bin/bash
# t_metrics.sh -- the Prometheus endpoint, scraped for real.
#
# `hawatch run` watches 4 simulated hosts (t_daemon_poweroff.sh's cluster).
#   * metrics are off by default: the daemon listens on no TCP port;
#   * a bad metrics.listen is a config error naming file:line;
#   * SIGHUP with metrics.listen set starts the endpoint; a curl scrape
#     passes `promtool check metrics` and shows every host alive, the
#     leader, the database and pool up;
#   * host 2 powered off through its BMC: its state label becomes fenced,
#     the reconcile counters count it and its VMs; host 3 hung (BMC still
#     on): fenced through the BMC, the fence counters count it;
#   * idle connections filling max_connections never stall the tick, a
#     further one is refused, and connection_timeout frees them.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
command -v curl >/dev/null || skip "t_metrics: curl not installed"
command -v promtool >/dev/null || skip "t_metrics: promtool (prometheus) not installed"

simcluster_start 4 3
MPORT=$(free_port tcp)
cp "$T/hawatch.conf" "$T/plain.conf"

# --- a bad metrics.listen: config error naming file:line -------------------
for bad in "127.0.0.1:70000" "localhost:9631" "127.0.0.1" "[::1]9631"; do
	cp "$T/plain.conf" "$T/bad.conf"
	printf 'metrics = {\n  listen = "%s";\n};\n' "$bad" >>"$T/bad.conf"
	line=$(grep -n '^  listen = ' "$T/bad.conf" | cut -d: -f1)
	rc=0
	"$HAWATCH" --config "$T/bad.conf" config-check >"$T/cc.out" 2>&1 || rc=$?
	expect_eq "config-check exit for listen $bad" 1 "$rc"
	grep -q "bad.conf:$line: metrics.listen: \"$(sed 's/[][]/\\&/g' <<<"$bad")\" is not an IP address and port" "$T/cc.out" \
		|| fail "error for listen $bad: $(cat "$T/cc.out")"
done
rc=0
timeout 10 "$HAWATCH" --config "$T/bad.conf" run >"$T/run-bad.out" 2>&1 || rc=$?
expect_eq "run exit with a bad metrics.listen" 1 "$rc"
grep -q "bad.conf:$line: metrics.listen" "$T/run-bad.out" || fail "run error: $(cat "$T/run-bad.out")"
pass "a bad metrics.listen is refused with file:line by config-check and run"

# --- off by default ----------------------------------------------------------
hawatch_start a
PID=$(hawatch_pid a)
for h in 1 2 3 4; do wait_state a $h alive 20 || fail "host $h never alive: $(cat "$T/status-a.json.txt")"; done
listening() { ss -Hltnp 2>/dev/null | grep "pid=$PID,"; }
[ -z "$(listening)" ] || fail "metrics off but the daemon listens: $(listening)"
grep -q "event=metrics" "$T/hawatch-a.log" && fail "metrics logged while off"
pass "metrics off by default: the daemon listens on nothing"

# --- on through a reload -----------------------------------------------------
printf 'metrics = {\n  listen = "127.0.0.1:%s";\n  max_connections = 2;\n  connection_timeout = "2s";\n};\n' \
	"$MPORT" >>"$T/hawatch.conf"
kill -HUP "$PID"
wait_tcp "$MPORT" 10 || fail "metrics not listening after reload: $(tail "$T/hawatch-a.log")"
grep -q "event=metrics.listening listen=127.0.0.1:$MPORT" "$T/hawatch-a.log" || fail "metrics.listening not logged"

scrape() { curl -sS --max-time 5 -o "$T/m.txt" -w '%{http_code} %{content_type}' "http://127.0.0.1:$MPORT/metrics" >"$T/m.hdr"; }
val() { awk -v k="$1" '$1 == k { print $2 }' "$T/m.txt"; }
promcheck() {
	promtool check metrics <"$T/m.txt" >"$T/promtool.out" 2>&1 ||
		fail "promtool check metrics: $(cat "$T/promtool.out")"
}
host_series() {	# host_series METRIC HOST: that host's series with value 1
	grep -E "^$1\{host_id=\"$2\",cluster_id=\"[0-9]+\",state=\"[a-z_]+\"\} 1$" "$T/m.txt"
}
served() { scrape && [ "$(head -c1 "$T/m.hdr")" = 2 ]; }
wait_for 5 served || fail "no 200 after the next tick: $(cat "$T/m.hdr")"
expect_eq "status and content type" "200 text/plain; version=0.0.4; charset=utf-8" "$(cat "$T/m.hdr")"
promcheck
# under load a heartbeat may look stale for a moment: poll for all alive
all_alive() {
	local h
	served || return 1
	for h in 1 2 3 4; do
		host_series hawatch_host_state $h | grep -q 'state="alive"' || return 1
	done
}
wait_for 20 all_alive || fail "hosts not all alive in the scrape: $(grep '^hawatch_host_state' "$T/m.txt")"
promcheck
for h in 1 2 3 4; do
	host_series hawatch_host_power_state $h | grep -q 'state="on"' || fail "host $h power: $(grep "host_id=\"$h\"" "$T/m.txt")"
	grep -qE "^hawatch_host_heartbeat_age_seconds\{host_id=\"$h\",cluster_id=\"[0-9]+\",pool_id=\"1\"\} [0-9.]+$" "$T/m.txt" \
		|| fail "host $h heartbeat age missing"
done
expect_eq "alive hosts" 4 "$(val 'hawatch_hosts{state="alive"}')"
expect_eq "leader" 1 "$(val hawatch_leader)"
expect_eq "database up" 1 "$(val hawatch_database_up)"
expect_eq "pool 1 up" 1 "$(val 'hawatch_pool_up{pool_id="1"}')"
expect_eq "pool 1 ok heartbeats" 4 "$(val 'hawatch_pool_heartbeat_files{pool_id="1",state="ok"}')"
expect_eq "no reconcile yet" 0 "$(val 'hawatch_reconciles_total{result="reconciled"}')"
expect_eq "no fence yet" 0 "$(val hawatch_fence_requests_total)"
[ "$(val hawatch_ticks_total)" -gt 0 ] || fail "no ticks counted"
expect_eq "histogram count = ticks" "$(val hawatch_ticks_total)" "$(val hawatch_tick_duration_seconds_count)"
expect_eq "histogram +Inf = ticks" "$(val hawatch_ticks_total)" "$(val 'hawatch_tick_duration_seconds_bucket{le="+Inf"}')"
expect_eq "storm guard alert shown, none open" 0 "$(val 'hawatch_alerts_open{kind="storm_guard"}')"
expect_eq "404 elsewhere" 404 "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MPORT/")"
expect_eq "405 for POST" 405 "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$MPORT/metrics")"
pass "scrape: promtool-valid, 4 hosts alive and on, leader, database and pool up"

# --- a host powered off: fenced label, reconcile counters --------------------
ipmipower --config-file="$(ipmisim_hostdir h2)/freeipmi.conf" -h "127.0.0.1:$(ipmisim_port h2)" --off >/dev/null
wait_state a 2 fenced 20 || fail "host 2 not fenced after power off: $(cat "$T/status-a.json.txt")"
reconciled_2() { scrape && [ "$(val hawatch_vms_reconciled_total)" = 3 ]; }
wait_for 20 reconciled_2 || fail "VMs reconciled not counted: $(grep -E 'reconcil|vms_' "$T/m.txt")"
promcheck
host_series hawatch_host_state 2 | grep -q 'state="fenced"' || fail "host 2 state label: $(grep 'host_id="2"' "$T/m.txt")"
host_series hawatch_host_power_state 2 | grep -q 'state="off"' || fail "host 2 power label: $(grep 'host_id="2"' "$T/m.txt")"
expect_eq "host 2 has one state series" 1 "$(grep -c '^hawatch_host_state{host_id="2",' "$T/m.txt")"
expect_eq "fenced hosts" 1 "$(val 'hawatch_hosts{state="fenced"}')"
[ "$(val 'hawatch_reconciles_total{result="reconciled"}')" -ge 1 ] || fail "reconcile not counted"
expect_eq "VMs re-queued (HA-enabled)" "$(sql "SELECT COUNT(*) FROM op_ha_work WHERE host_id = 2 AND type = 'HA'")" \
	"$(val hawatch_vms_requeued_total)"
expect_eq "no fence for a host the BMC reads off" 0 "$(val hawatch_fence_requests_total)"
pass "host 2 powered off: state label fenced, power off, reconciles and VMs counted"

# --- a hung host: fenced through the BMC, fence counters ---------------------
ipmisim_crash_host h3
fenced_3() { scrape && [ "$(val 'hawatch_fences_total{result="off_confirmed"}')" = 1 ]; }
wait_for 40 fenced_3 || fail "fence not counted: $(grep -E 'fence|host_id="3"' "$T/m.txt"; tail -20 "$T/hawatch-a.log")"
promcheck
expect_eq "fence requests" 1 "$(val hawatch_fence_requests_total)"
expect_eq "power-offs sent to host 3" 1 "$(grep -c 'set power 0' "$(ipmisim_hostdir h3)/chassis.log")"
wait_state a 3 fenced 20 || fail "host 3 not fenced: $(cat "$T/status-a.json.txt")"
two_alive() { scrape && [ "$(val 'hawatch_hosts{state="alive"}')" = 2 ]; }
wait_for 20 two_alive || fail "hosts 1 and 4 not alive: $(grep '^hawatch_host' "$T/m.txt")"
host_series hawatch_host_state 3 | grep -q 'state="fenced"' || fail "host 3 state label: $(grep 'host_id="3"' "$T/m.txt")"
expect_eq "hosts fenced" 2 "$(val 'hawatch_hosts{state="fenced"}')"
pass "host 3 hung: fenced, fence request and off_confirmed result counted"

# --- stalled clients never stall the tick; bounded connections ---------------
ticks() { grep -o '"tick":[0-9]*' "$T/status-a.json" | cut -d: -f2; }
exec 5<>"/dev/tcp/127.0.0.1/$MPORT" 6<>"/dev/tcp/127.0.0.1/$MPORT"
printf 'GET /metrics HTTP/1.1\r\nHost: x\r\n' >&5	# never ends its headers
t0=$(ticks)
sleep 0.5
rc=0	# (well within connection_timeout = 2s of the idle ones)
curl -s --max-time 0.7 -o /dev/null "http://127.0.0.1:$MPORT/metrics" || rc=$?
[ "$rc" != 0 ] || fail "a third connection was served with max_connections = 2"
t1=$(ticks)
[ "$t1" -ge $((t0 + 2)) ] || fail "ticks stalled while connections hang: $t0 -> $t1"
exec 5>&- 6>&-
exec 5<>"/dev/tcp/127.0.0.1/$MPORT" 6<>"/dev/tcp/127.0.0.1/$MPORT"
wait_for 8 served || fail "idle connections not closed after connection_timeout"
exec 5>&- 6>&-
pass "idle and half-sent requests never stall the tick; the connection limit and timeout hold"

kill -TERM "$PID"
wait_for 10 bash -c "! kill -0 $PID 2>/dev/null" || fail "daemon did not exit on SIGTERM"
grep -q "event=daemon.stopped" "$T/hawatch-a.log" || fail "no clean stop"
pass "SIGTERM with the endpoint running: clean exit"
