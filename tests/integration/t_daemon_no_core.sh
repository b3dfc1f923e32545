#!/bin/bash
# t_daemon_no_core.sh -- prctl(PR_SET_DUMPABLE, 0) plus RLIMIT_CORE 0 (and
# LimitCORE=0 in the unit) keep passwords out of core dumps (issue 11).
#
# The daemon runs as user nobody (as root, /proc shows no difference): a
# non-dumpable process's /proc/PID files belong to root, and its core size
# limit reads 0, soft and hard.
source "$(dirname "$0")/../lib/common.sh"
id nobody >/dev/null 2>&1 || skip "t_daemon_no_core: no user nobody"
command -v setpriv >/dev/null || skip "t_daemon_no_core: setpriv needed"
[ "$(id -u)" = 0 ] || skip "t_daemon_no_core: must start as root to switch to nobody"
port=$(free_port tcp)
d=$T/nb
mkdir "$d"
chmod 711 "$T"
printf 'secret' >"$d/db.pass"
cat >"$d/hawatch.conf" <<CONF
database = { host = "127.0.0.1"; port = $port; user = "cloud";
  password_file = "$d/db.pass"; connect_timeout = 1; };
daemon = { tick_interval = "250ms"; status_file = "$d/status.json"; instance_name = "a"; };
CONF
chmod 600 "$d/hawatch.conf" "$d/db.pass"
chown -R nobody "$d"
ulimit -c unlimited 2>/dev/null || ulimit -c 1024 || true
setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
	"$HAWATCH" --config "$d/hawatch.conf" run >>"$T/hawatch.log" 2>&1 &
pid=$!
track $pid
wait_for 20 test -f "$d/status.json" || fail "daemon did not start: $(tail -3 "$T/hawatch.log")"
expect_eq "core size limit" "0 0" \
	"$(awk '/^Max core file size/ {print $5, $6}' "/proc/$pid/limits")"
expect_eq "/proc/PID/status owner (not dumpable)" root "$(stat -c %U "/proc/$pid/status")"
pass "the daemon is not dumpable and its core size limit is 0"
grep -q '^LimitCORE=0$' "$TOP/init/hawatch.service" || fail "unit file lacks LimitCORE=0"
pass "unit file: LimitCORE=0"
