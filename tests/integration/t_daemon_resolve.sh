#!/bin/bash
# t_daemon_resolve.sh -- host names are resolved off the tick thread.
#
# In a private mount namespace, /etc/hosts and /etc/resolv.conf are files
# this test controls; the name server is a blackhole (tests/lib/
# dnsblackhole.py) that never answers, so a lookup of a name missing from
# the hosts file hangs for the resolver's whole timeout.  The pool URL
# names the NFS server and database.host names the database by such names.
# While the lookups hang, the daemon keeps ticking (the status file, which
# is written next to the watchdog ping, keeps moving; no round is long),
# the database is "down" and the hosts unknown.  Once the names are in the
# hosts file, hawatch connects to the database and mounts the NFSv4 pool
# by the resolved address, and the hosts are alive.
if [ -z "${HW_RESOLVE_NS:-}" ]; then
	command -v unshare >/dev/null || { echo "SKIP: t_daemon_resolve: no unshare"; exit 77; }
	[ "$(id -u)" = 0 ] || { echo "SKIP: t_daemon_resolve: needs root for a mount namespace"; exit 77; }
	HW_RESOLVE_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
simcluster_start 3 2

# the blackhole name server on a loopback address of its own
ns=127.0.$((RANDOM % 200 + 20)).$((RANDOM % 200 + 20))
python3 "$TOP/tests/lib/dnsblackhole.py" "$ns" 2>"$T/dns.err" &
track $!
sleep 0.3
running $! || fail "blackhole name server: $(cat "$T/dns.err")"
printf '127.0.0.1 localhost\n' >"$T/etc-hosts"
printf 'nameserver %s\noptions timeout:4 attempts:1\n' "$ns" >"$T/etc-resolv.conf"
mount --bind "$T/etc-hosts" /etc/hosts || fail "cannot bind a private /etc/hosts"
mount --bind "$T/etc-resolv.conf" /etc/resolv.conf || fail "cannot bind a private /etc/resolv.conf"

NFS_NAME=nfs-server.hawatch.test DB_NAME=db-server.hawatch.test
sed -i -e "s|nfs://127.0.0.1/|nfs://$NFS_NAME/|" -e "s|host = \"127.0.0.1\";|host = \"$DB_NAME\";|" "$T/hawatch.conf"
grep -q "nfs://$NFS_NAME/" "$T/hawatch.conf" && grep -q "host = \"$DB_NAME\";" "$T/hawatch.conf" \
	|| fail "config not rewritten to names: $(grep -E 'nfs://|host =' "$T/hawatch.conf")"
t0=$(date +%s%3N)
getent hosts "$NFS_NAME" >/dev/null && fail "$NFS_NAME resolves before the test adds it"
hang_ms=$(( $(date +%s%3N) - t0 ))
[ "$hang_ms" -ge 3000 ] || fail "a lookup did not hang (${hang_ms} ms): the test cannot show anything"

hawatch_start a
field() { grep -o "\"$1\":[0-9.]*" "$T/status-a.json" 2>/dev/null | head -1 | cut -d: -f2; }
wait_for 10 test -s "$T/status-a.json" || fail "no status file: $(tail "$T/hawatch-a.log")"
# 8 s of hanging lookups (each name's takes 4 s, one after the other)
end=$((SECONDS + 8)) ticks0=$(field tick) max_tick=0 max_gap=0 last=$(field updated_wall_ms) last_t=$(date +%s%3N)
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
ticks=$(( $(field tick) - ticks0 ))
echo "lookups hanging: $ticks ticks, longest round ${max_tick} ms, longest status gap ${max_gap} ms"
[ "$ticks" -ge 5 ] || fail "only $ticks ticks in 8 s while the lookups hung"
[ "$max_gap" -le 2500 ] || fail "status file not written for ${max_gap} ms while a lookup hung"
[ "$max_tick" -le 1500 ] || fail "a round took ${max_tick} ms while a lookup hung"
grep -q '"db":"down"' "$T/status-a.json" || fail "database not down while its name is unresolved"
pass "the tick runs on while the NFS server's and the database's names hang"

# the database's name resolves; the NFS server's still hangs
printf '127.0.0.1 %s\n' "$DB_NAME" >>"$T/etc-hosts"
dbup() { grep -q '"db":"up"' "$T/status-a.json"; }
wait_for 20 dbup || fail "database not up once its name resolves: $(tail -20 "$T/hawatch-a.log")"
hosts3() { [ -n "$(host_state a 3)" ]; }
wait_for 10 hosts3 || fail "no inventory with the database up"
ticks0=$(field tick)
sleep 4
expect_eq "hosts alive while the pool's server name hangs" "" "$(for h in 1 2 3; do [ "$(host_state a $h)" = alive ] && echo $h; done)"
[ $(( $(field tick) - ticks0 )) -ge 5 ] || fail "the tick stalled behind the NFS server's lookup"
grep -q "pool.open" "$T/hawatch-a.log" && fail "a pool was opened with its server unresolved"
pass "database by name; the pool's hosts not alive while its server's name hangs, ticks go on"

printf '127.0.0.1 %s\n' "$NFS_NAME" >>"$T/etc-hosts"
getent hosts "$NFS_NAME" >/dev/null || fail "hosts file not used"
for h in 1 2 3; do wait_state a $h alive 20 || fail "host $h not alive once the NFS server's name resolves: $(tail -20 "$T/hawatch-a.log")"; done
grep -q "event=resolve.ok name=$NFS_NAME addr=127.0.0.1" "$T/hawatch-a.log" || fail "NFS server name not resolved by the resolver"
grep -q "pool.open pool=1 kind=nfs spec=nfs://$NFS_NAME/.* opened=nfs://127.0.0.1/" "$T/hawatch-a.log" \
	|| fail "the pool was not opened by address: $(grep pool.open "$T/hawatch-a.log")"
grep -q 'version=4' "$T/hawatch.conf" || fail "the pool is not NFSv4"
pass "names resolved off the tick: database connected, NFSv4 pool read by address"
