#!/bin/bash
# t_daemon_systemd.sh -- systemd integration: sd_notify and SIGHUP.
#
# A unix datagram socket stands in for systemd's NOTIFY_SOCKET.  hawatch
# must send READY=1 after its first complete tick, then WATCHDOG=1 with a
# one-line STATUS= after every tick, and STOPPING=1 on SIGTERM.  SIGHUP
# reloads the config; a broken config on reload is refused and the daemon
# keeps running with the old one.  Also checks the unit file's contract.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
command -v python3 >/dev/null || skip "t_daemon_systemd: python3 needed for the notify socket"
simcluster_start 2 1
sock=$T/notify.sock
python3 - "$sock" "$T/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as f:
    while True:
        f.write(s.recv(4096).decode().replace("\n", "|") + "\n")
PY
track $!
wait_for 5 test -S "$sock" || fail "notify socket not created"
NOTIFY_SOCKET=$sock hawatch_start a
wait_for 20 grep -q "^READY=1" "$T/notify.log" || fail "no READY=1: $(head "$T/notify.log")"
wait_for 10 grep -q "^WATCHDOG=1|STATUS=leader; 2 hosts" "$T/notify.log" || fail "no WATCHDOG/STATUS: $(tail -3 "$T/notify.log")"
n1=$(grep -c WATCHDOG=1 "$T/notify.log"); sleep 2; n2=$(grep -c WATCHDOG=1 "$T/notify.log")
[ $((n2 - n1)) -ge 4 ] || fail "watchdog pings not sent every tick ($n1 -> $n2 in 2 s)"
pass "READY=1 after the first tick, WATCHDOG=1 and STATUS= every tick"

cp "$T/hawatch.conf" "$T/good.conf"
sed -i 's/tick_interval = "250ms"/tick_interval = "500ms"/' "$T/hawatch.conf"
kill -HUP "$(hawatch_pid a)"
wait_for 10 grep -q "event=config.reloaded" "$T/hawatch-a.log" || fail "SIGHUP did not reload"
echo 'daemon = { broken' >>"$T/hawatch.conf"
kill -HUP "$(hawatch_pid a)"
wait_for 10 grep -q "event=config.reload_failed" "$T/hawatch-a.log" || fail "bad reload not reported"
kill -0 "$(hawatch_pid a)" || fail "daemon died on a bad reload"
n1=$(grep -c WATCHDOG=1 "$T/notify.log"); sleep 2; n2=$(grep -c WATCHDOG=1 "$T/notify.log")
[ $((n2 - n1)) -ge 2 ] || fail "daemon stopped ticking after a bad reload"
pass "SIGHUP reloads; a broken config is refused and the old one kept"

kill -TERM "$(hawatch_pid a)"
wait_for 10 grep -q "^STOPPING=1" "$T/notify.log" || fail "no STOPPING=1"
pass "STOPPING=1 on SIGTERM"

u=$TOP/init/hawatch.service
grep -q '^Type=notify' "$u" && grep -q '^WatchdogSec=' "$u" && grep -q ' run$' "$u" \
	&& grep -q '^ProtectSystem=strict' "$u" && grep -q '^NoNewPrivileges=yes' "$u" \
	|| fail "unit file lacks Type=notify, WatchdogSec, run or hardening"
if command -v systemd-analyze >/dev/null; then
	sed "s|/usr/local/sbin/hawatch|$HAWATCH|g" "$u" >"$T/hawatch.service"
	systemd-analyze verify "$T/hawatch.service" 2>&1 | grep -v "not executable\|Failed to" | grep -i error && fail "unit file does not verify"
fi
pass "unit file: Type=notify, watchdog, hardening"
