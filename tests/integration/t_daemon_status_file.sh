#!/bin/bash
# t_daemon_status_file.sh -- the status file is written with O_NOFOLLOW/
# O_EXCL through a temp file in its own directory, mode 0600 (issue 11).
#
# Symlinks planted at the status file's temp name and at the status file
# itself point at a victim file: hawatch must never write through them.
# Before, fopen("<status>.tmp", "w") followed the link and overwrote the
# victim, and the file's mode followed the umask.
source "$(dirname "$0")/../lib/common.sh"
port=$(free_port tcp)	# no database: the daemon still writes its status
printf 'secret' >"$T/db.pass"; chmod 600 "$T/db.pass"
mkdir "$T/run"
cat >"$T/hawatch.conf" <<CONF
database = { host = "127.0.0.1"; port = $port; user = "cloud";
  password_file = "$T/db.pass"; connect_timeout = 1; };
daemon = { tick_interval = "250ms"; status_file = "$T/run/status.json"; instance_name = "a"; };
CONF
chmod 600 "$T/hawatch.conf"
echo "victim" >"$T/victim"
ln -s "$T/victim" "$T/run/status.json.tmp"
ln -s "$T/victim" "$T/run/status.json.txt"
(umask 022; "$HAWATCH" --config "$T/hawatch.conf" run >>"$T/hawatch.log" 2>&1) &
track $!
wait_for 20 test -f "$T/run/status.json" -a ! -L "$T/run/status.json" || fail "no status file: $(tail -3 "$T/hawatch.log")"
wait_for 5 test ! -L "$T/run/status.json.txt" || fail "status text still a symlink"
expect_eq "victim" "victim" "$(cat "$T/victim")"
pass "symlinks at the temp name and the target are replaced, never written through"
expect_eq "status file mode" 600 "$(stat -c %a "$T/run/status.json")"
expect_eq "status text mode" 600 "$(stat -c %a "$T/run/status.json.txt")"
grep -q '"instance":"a"' "$T/run/status.json" || fail "status content: $(head -c 200 "$T/run/status.json")"
[ -e "$T/run/status.json.tmp" ] && fail "temp file left behind"
pass "status files are regular, mode 0600, complete"
