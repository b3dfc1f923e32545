#!/bin/bash
# t_daemon_shards.sh -- daemon.shard_by = "cluster": three instances share
# six clusters (issue 14).
#
# Six clusters of two hosts, each cluster with its own pool on its own
# export of one ganesha; instances a, b and c with shard_by = "cluster".
#   1. they balance to two clusters each (ceil(6 / 3)), every cluster
#      owned, hawatch status names the owners;
#   2. kill -9 of b: its clusters move to a and c within leader_retry
#      (500 ms here) plus a few ticks; a host of one of b's clusters,
#      powered off next, is fenced and reconciled by its new owner, and
#      the audit shows exactly one actor per action and per VM;
#   3. b returns: the clusters rebalance to two each again.
# Throughout, a sampler reads hawatch's instance table ten times a second:
# no cluster is ever listed by two live instances (alive lock held by the
# row's connection) at once.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
SIM_CLUSTERS=6 simcluster_start 12 1
for n in a b c; do
	SIM_DAEMON_EXTRA='shard_by = "cluster";' simcluster_conf "$T/$n.conf" "$n"
done
for n in a b c; do hawatch_start "$n" "$T/$n.conf"; done

# owners: "cluster instance" per line, the lock holders (database truth)
owners() {
	sql "SELECT s.cluster_id, IFNULL(i.instance, '-') FROM hawatch.shard s
	     LEFT JOIN hawatch.instance i ON i.connection_id =
	     IS_USED_LOCK(CONCAT('hawatch.shard.', s.cluster_id)) ORDER BY 1" 2>/dev/null || true
}
held_by() { owners | awk -v n="$1" '$2 == n' | wc -l; }
balanced() {	# balanced N1 N2 ...: each holds 6 / count, every cluster owned
	local n want=$((6 / $#))
	[ "$(owners | awk '$2 != "-"' | wc -l)" = 6 ] || return 1
	for n in "$@"; do [ "$(held_by "$n")" = "$want" ] || return 1; done
}

# the sampler: any cluster listed by two live instances is a violation
(set +e; while :; do
	sql "SELECT instance, shards FROM hawatch.instance
	     WHERE IS_USED_LOCK(alive_lock) = connection_id" 2>/dev/null |
	awk '{ n = split($2, c, ","); for (i = 1; i <= n; i++) if (seen[c[i]]++) print "cluster " c[i] " twice: " $0 }
	     END { print "sample" }' >>"$T/samples"
	sleep 0.1
done) &
sampler=$!
track $sampler

wait_for 40 balanced a b c || { owners; fail "never balanced 2/2/2"; }
pass "three instances hold two clusters each"
for h in 1 3 5 7 9 11; do
	c=$(( (h - 1) / 2 + 1 ))
	o=$(owners | awk -v c="$c" '$1 == c {print $2}')
	wait_state "$o" "$h" alive 20 || fail "host $h never alive at its owner $o"
done
"$HAWATCH" --config "$T/a.conf" status >"$T/status.txt" || true
grep -q "shards:" "$T/status.txt" || { cat "$T/status.txt"; fail "status shows no shards"; }
for n in a b c; do
	[ "$(grep -Ec "^  cluster [0-9]+ +$n +generation" "$T/status.txt")" = 2 ] ||
		{ cat "$T/status.txt"; fail "status: $n should own 2 clusters"; }
done
"$HAWATCH" --config "$T/a.conf" status --json | grep -q '"shards":\[{"cluster":1,' ||
	fail "status --json lists no shards"
pass "hawatch status names each cluster's owner"

b_clusters=$(owners | awk '$2 == "b" {print $1}')
kill -KILL "$(hawatch_pid b)"
t0=$(date +%s%N)
wait_for 20 balanced a c || { owners; fail "b's clusters never moved"; }
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
echo "takeover of b's clusters ($(echo $b_clusters)) after $ms ms"
pass "kill -9 of b: its clusters moved to a and c"

c1=$(echo "$b_clusters" | head -1)
victim=$(( (c1 - 1) * 2 + 1 ))
newo=$(owners | awk -v c="$c1" '$1 == c {print $2}')
wait_state "$newo" "$victim" alive 20 || fail "host $victim not alive at its new owner $newo"
ipmipower --config-file="$(ipmisim_hostdir "h$victim")/freeipmi.conf" \
	-h "127.0.0.1:$(ipmisim_port "h$victim")" --off >/dev/null
victim_done() { [ "$(vms_running_on "$victim")" = 0 ]; }
wait_for 30 victim_done || fail "host $victim (cluster $c1) not reconciled"
sleep 2		# every instance keeps ticking
expect_eq "actors of host $victim's audit rows" "hawatch:$newo" \
	"$(sql "SELECT DISTINCT actor FROM hawatch.audit WHERE host_id = $victim")"
expect_eq "actions with more than one actor" "" \
	"$(sql "SELECT action, host_id FROM hawatch.audit GROUP BY action, host_id
	        HAVING COUNT(DISTINCT actor) <> 1")"
expect_eq "audit rows per VM" "" \
	"$(sql "SELECT vm_id FROM hawatch.audit WHERE vm_id IS NOT NULL GROUP BY vm_id HAVING COUNT(*) <> 1")"
expect_eq "one HA row per re-queued VM" "" \
	"$(sql "SELECT instance_id FROM op_ha_work GROUP BY instance_id HAVING COUNT(*) <> 1")"
pass "host $victim fenced and reconciled by $newo alone"

hawatch_start b "$T/b.conf"
wait_for 40 balanced a b c || { owners; fail "b's return never rebalanced 2/2/2"; }
sleep 1
pass "b returned: two clusters each again"

stop_pid "$sampler"
n=$(grep -c '^sample' "$T/samples")
[ "$n" -ge 20 ] || fail "only $n ownership samples"
if grep -v '^sample' "$T/samples" | grep -q .; then
	grep -v '^sample' "$T/samples" | head
	fail "a cluster had two live owners"
fi
pass "no cluster had two owners in $n samples"
