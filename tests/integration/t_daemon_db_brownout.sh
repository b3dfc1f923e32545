#!/bin/bash
# t_daemon_db_brownout.sh -- a database brownout (every statement slow but
# still succeeding) cannot stretch the tick: no statement of a round starts
# after daemon.db_tick_budget, so every round ends within the budget plus
# one statement, the status file keeps being written, and the daemon is
# back to normal once the database is.
#
# hawatch talks to MariaDB through tests/lib/slowproxy.py, which holds each
# server reply for 0.8 s while $T/slow exists.  A round runs many
# statements (leadership, inventory, audit...), so without the budget one
# round takes several seconds; with db_tick_budget = 1s it takes < 3 s.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
BUDGET_MS=${BUDGET_MS:-1000} DELAY=0.8
SIM_DAEMON_EXTRA="db_tick_budget = \"${BUDGET_MS}ms\";" simcluster_start 3 2
proxy=$(free_port)
python3 "$TOP/tests/lib/slowproxy.py" "$proxy" "$DB_PORT" "$DELAY" "$T/slow" &
track $!
wait_tcp "$proxy" 10 || fail "proxy not up"
sed -i "s/port = $DB_PORT;/port = $proxy;/" "$T/hawatch.conf"
grep -q "port = $proxy;" "$T/hawatch.conf" || fail "config not pointed at the proxy"
hawatch_start a
for h in 1 2 3; do wait_state a $h alive 20 || fail "host $h never alive"; done
leads() { grep -q '"leader":true' "$T/status-a.json"; }
wait_for 10 leads || fail "never leader"

field() { grep -o "\"$1\":[0-9.]*" "$T/status-a.json" | head -1 | cut -d: -f2; }
touch "$T/slow"
end=$((SECONDS + 10)) max_tick=0 max_gap=0 last=$(field updated_wall_ms) last_t=$(date +%s%3N)
while [ $SECONDS -lt $end ]; do
	cur=$(field updated_wall_ms) now=$(date +%s%3N)
	if [ -n "$cur" ] && [ "$cur" != "$last" ]; then
		t=$(field tick_ms); t=${t%.*}
		[ "${t:-0}" -gt $max_tick ] && max_tick=$t
		last=$cur last_t=$now
	fi
	[ $((now - last_t)) -gt $max_gap ] && max_gap=$((now - last_t))
	sleep 0.05
done
rm -f "$T/slow"
echo "brownout: longest round ${max_tick} ms, longest status gap ${max_gap} ms"
# budget + one slow statement (0.8 s) + the heartbeat reads and the rest
[ "$max_tick" -le 3000 ] || fail "a round took ${max_tick} ms in the brownout (budget ${BUDGET_MS} ms): $(tail -20 "$T/hawatch-a.log")"
[ "$max_gap" -le 4000 ] || fail "status file not written for ${max_gap} ms in the brownout"
grep -q "tick database budget spent" "$T/hawatch-a.log" "$T/status-a.json" \
	|| fail "the budget never cut a round short: $(tail -20 "$T/hawatch-a.log")"
pass "brownout: rounds end within the database budget plus one statement"

wait_for 15 leads || fail "not leader again after the brownout: $(cat "$T/status-a.json.txt")"
for h in 1 2 3; do wait_state a $h alive 10 || fail "host $h not alive after the brownout"; done
dbup() { grep -q '"db":"up"' "$T/status-a.json"; }
wait_for 10 dbup || fail "database not up after the brownout"
pass "recovered after the brownout: database up, leader, hosts alive"
