#!/bin/bash
# t_daemon_reload_off_tick.sh -- the config is parsed on SIGHUP off the tick
# thread (issue 11, blocking on the tick).
#
# The new config @includes a FIFO nobody writes (as a file on a hung NFS
# mount would block): reading it blocks.  The daemon must keep ticking
# (the status file's tick count advances) while the reload waits, and
# apply the config once the FIFO delivers.  A second SIGHUP while the
# first reload is still reading runs one more reload after it.
source "$(dirname "$0")/../lib/common.sh"
port=$(free_port tcp)	# no database needed to tick
printf 'secret' >"$T/db.pass"; chmod 600 "$T/db.pass"
cat >"$T/hawatch.conf" <<CONF
database = { host = "127.0.0.1"; port = $port; user = "cloud";
  password_file = "$T/db.pass"; connect_timeout = 1; };
daemon = { tick_interval = "250ms"; status_file = "$T/status.json"; instance_name = "a"; };
CONF
chmod 600 "$T/hawatch.conf"
"$HAWATCH" --config "$T/hawatch.conf" run >>"$T/hawatch.log" 2>&1 &
pid=$!
track $pid
wait_for 20 test -s "$T/status.json" || fail "daemon did not start: $(tail -3 "$T/hawatch.log")"
ticks() { grep -o '"tick":[0-9]*' "$T/status.json" | cut -d: -f2; }

mkfifo "$T/inc.fifo"
echo "@include \"$T/inc.fifo\"" >>"$T/hawatch.conf"
kill -HUP $pid
sleep 0.5
n1=$(ticks); sleep 2; n2=$(ticks)
[ $((n2 - n1)) -ge 4 ] || fail "the tick stalled while the reload reads ($n1 -> $n2 in 2 s)"
grep -q "event=config.reloaded" "$T/hawatch.log" && fail "reloaded before the include was readable"
pass "a reload blocked reading its config does not stall the tick ($n1 -> $n2 in 2 s)"

kill -HUP $pid
wait_for 5 grep -q "event=config.reload_pending" "$T/hawatch.log" || fail "second SIGHUP not queued"
timeout 5 sh -c "echo '# included' >'$T/inc.fifo'" || fail "the reload never opened the include"
wait_for 5 grep -q "event=config.reloaded" "$T/hawatch.log" || fail "not applied once readable"
timeout 5 sh -c "echo '# included' >'$T/inc.fifo'" || fail "the queued reload did not run"
two_reloads() { [ "$(grep -c "event=config.reloaded" "$T/hawatch.log")" = 2 ]; }
wait_for 5 two_reloads || fail "queued reload not applied"
kill -0 $pid || fail "daemon died"
pass "the reload applies once its config is read; a SIGHUP meanwhile reloads once more"

# a reload still reading at exit does not hold up SIGTERM
kill -HUP $pid
sleep 0.3
kill -TERM $pid
wait_for 5 grep -q "event=daemon.stopped" "$T/hawatch.log" || fail "SIGTERM waited for the reload"
grep -q "event=config.reload_abandoned" "$T/hawatch.log" || fail "abandoned reload not logged"
pass "SIGTERM with a reload still reading: the daemon stops at once"
