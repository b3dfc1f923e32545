#!/bin/bash
# t_daemon_db_down_start.sh -- a database unreachable at start is logged at
# error level and reported in systemd's STATUS= (issue 11, bad input).
#
# Before, only the status file said so: db.down was logged only when an
# established connection was lost, and STATUS= said just "db down".
source "$(dirname "$0")/../lib/common.sh"
command -v python3 >/dev/null || skip "t_daemon_db_down_start: python3 needed for the notify socket"
port=$(free_port tcp)	# nothing listens here
printf 'secret' >"$T/db.pass"; chmod 600 "$T/db.pass"
cat >"$T/hawatch.conf" <<CONF
database = { host = "127.0.0.1"; port = $port; user = "cloud";
  password_file = "$T/db.pass"; connect_timeout = 2; };
daemon = { tick_interval = "250ms"; status_file = "$T/status.json"; instance_name = "a";
  leader_retry = "500ms"; };
CONF
chmod 600 "$T/hawatch.conf"
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
NOTIFY_SOCKET=$sock "$HAWATCH" --config "$T/hawatch.conf" run >>"$T/hawatch.log" 2>&1 &
track $!
pid=$!
wait_for 20 grep -q "^READY=1" "$T/notify.log" || fail "no READY=1: $(tail -3 "$T/hawatch.log")"
wait_for 10 grep -q "STATUS=standby; .*db down: database connect to 127.0.0.1:$port" "$T/notify.log" \
	|| fail "STATUS= does not report the database error: $(tail -2 "$T/notify.log")"
pass "STATUS= names the database error"
grep -q "level=error event=db.down error=\"database connect to 127.0.0.1:$port" "$T/hawatch.log" \
	|| fail "no error-level db.down at start: $(cat "$T/hawatch.log")"
sleep 1.5	# several more failed attempts (leader_retry 500ms)
expect_eq "db.down lines" 1 "$(grep -c "event=db.down" "$T/hawatch.log")"
grep -q secret "$T/hawatch.log" "$T/notify.log" && fail "the password leaked"
kill -0 "$pid" || fail "daemon died"
pass "db.down logged once at error level at start; the daemon keeps ticking"
