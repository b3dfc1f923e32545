#!/bin/bash
# bench/shards.sh -- 10,000 hosts across three shard instances on one
# machine (issue 14): daemon.shard_by = "cluster", one MariaDB, one
# nfs-ganesha.
#
# The zone of bench/scale.sh: HOSTS (10,000) in CLUSTERS (6) equal
# clusters, one cluster-scoped pool per cluster, all exports on one
# ganesha, heartbeats rewritten every 10 s staggered; BMCS (30) real
# ipmi_sim BMCs for hosts spread over every cluster (host k * HOSTS/BMCS),
# every other host without a BMC.  Instances a, b and c run `hawatch run`
# with a 1 s tick.  Once they hold CLUSTERS/3 shards each:
#   * tick p50 per instance over SAMPLE (15) seconds, as each measures
#     itself (tick_ms) and whole (tick + status file), and the hosts each
#     watches;
#   * kill -9 of b: the time until every shard b held is held again (lock
#     owners read from the database every 50 ms), and until the new
#     owners report those hosts alive in their status files.
# NFS_VERSION=3 reads over NFSv3.  Not a test: it asserts nothing.
source "$(dirname "$0")/../tests/lib/common.sh"
HOSTS=${HOSTS:-10000}
CLUSTERS=${CLUSTERS:-6}
BMCS=${BMCS:-30}
SAMPLE=${SAMPLE:-15}
source "$TOP/tests/lib/simcluster.sh"
ganesha_nfs_version

per=$(( (HOSTS + CLUSTERS - 1) / CLUSTERS ))
mariadb_start
mariadb_load "$TOP/tests/sql/cloudstack-schema.sql"
{ echo "SET @nhosts = $HOSTS, @nvms = 1, @nclusters = $CLUSTERS;"; cat "$TOP/tests/sql/sim-inventory.sql"; } >"$T/sim.sql"
mariadb_load "$T/sim.sql"
GANESHA_EXPORTS=$CLUSTERS ganesha_start nfs >/dev/null
for c in $(seq 1 "$CLUSTERS"); do mkdir -p "$(simcluster_export_dir "$c")/KVMHA"; done
for i in $(seq 1 "$HOSTS"); do
	echo "$(simcluster_export_dir $(( (i - 1) / per + 1 )))/KVMHA/hb-$(sim_ip "$i")"
done >"$T/paths"
xargs -a "$T/paths" tee <<<"$(date +%s)" >/dev/null
for k in 0 1 2 3 4 5 6 7 8 9; do awk -v k="$k" 'NR % 10 == k' "$T/paths" >"$T/slice$k"; done
(k=0; while :; do
	xargs -a "$T/slice$k" tee <<<"$(date +%s)" >/dev/null 2>&1
	k=$(( (k + 1) % 10 )); sleep 1; done) &
track $!

# BMC k drives host k * HOSTS / BMCS (ipmi_sim's own heartbeat file is
# unused: the writer above keeps every host alive)
: >"$T/bmc-hosts"
for k in $(seq 1 "$BMCS"); do
	h=$(( k * HOSTS / BMCS ))
	ipmisim_start_host "h$h" "$T/hosts/h$h/heartbeat" 1000 >/dev/null
	sql "UPDATE oobm SET address = '127.0.0.1', port = '$(ipmisim_port "h$h")' WHERE host_id = $h"
	echo "$h" >>"$T/bmc-hosts"
done

SIM_POOLS=$(simcluster_zone_pools nfs "$CLUSTERS")
for n in a b c; do
	SIM_BMC_HOSTS=$(cat "$T/bmc-hosts") SIM_HB_MS=10000 SIM_DEAD_AFTER=30s SIM_TICK=1s SIM_BMC_POLL=1s \
		SIM_DAEMON_EXTRA='shard_by = "cluster";' simcluster_conf "$T/$n.conf" "$n"
done
for n in a b c; do hawatch_start "$n" "$T/$n.conf"; done

owners() {
	sql "SELECT s.cluster_id, IFNULL(i.instance, '-') FROM hawatch.shard s
	     LEFT JOIN hawatch.instance i ON i.connection_id =
	     IS_USED_LOCK(CONCAT('hawatch.shard.', s.cluster_id)) ORDER BY 1" 2>/dev/null || true
}
held_by() { owners | awk -v n="$1" '$2 == n' | wc -l; }
balanced() {
	local n want=$((CLUSTERS / $#))
	[ "$(owners | awk '$2 != "-"' | wc -l)" = "$CLUSTERS" ] || return 1
	for n in "$@"; do [ "$(held_by "$n")" -ge "$want" ] || return 1; done
}
t0=$SECONDS
wait_for 300 balanced a b c || { owners; fail "never balanced"; }
echo "balanced after $((SECONDS - t0)) s: $(owners | awk '{printf "%s:%s ", $1, $2}')"
sleep 5		# every instance's first full rounds on its shards

p50() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
for n in a b c; do : >"$T/tick-$n"; : >"$T/whole-$n"; done
for _ in $(seq 1 "$SAMPLE"); do
	for n in a b c; do
		st=$(cat "$T/status-$n.json")
		tk=$(grep -o '"tick_ms":[0-9.]*' <<<"$st" | cut -d: -f2)
		sw=$(grep -o '"status_write_ms":[0-9.]*' <<<"$st" | cut -d: -f2)
		echo "$tk" >>"$T/tick-$n"
		awk -v a="$tk" -v b="${sw:-0}" 'BEGIN {print a + b}' >>"$T/whole-$n"
	done
	sleep 1
done
printf '%-9s %-8s %-7s %-10s %-10s %-9s\n' instance shards hosts tick_p50 whole_p50 hwm_kb
for n in a b c; do
	printf '%-9s %-8s %-7s %-10s %-10s %-9s\n' "$n" "$(held_by "$n")" \
		"$(grep -o '"mine":true' "$T/status-$n.json" | wc -l)" \
		"$(p50 <"$T/tick-$n")" "$(p50 <"$T/whole-$n")" \
		"$(awk '/VmHWM/ {print $2}' "/proc/$(hawatch_pid "$n")/status")"
done

b_shards=$(owners | awk '$2 == "b" {print $1}')
kill -KILL "$(hawatch_pid b)"
k0=$(date +%s%N)
until [ -z "$(owners | awk -v s=" $(echo $b_shards) " '$2 != "-" && $2 != "b" && index(s, " " $1 " ") {n++} END {if (n != split(s, x, " ")) print "no"}')" ]; do
	sleep 0.05
	[ $(( ($(date +%s%N) - k0) / 1000000000 )) -lt 120 ] || fail "b's shards never taken"
done
taken=$(( ($(date +%s%N) - k0) / 1000000 ))
# the first host of each of b's clusters reported alive by its new owner
alive_all() {
	local c h o
	for c in $b_shards; do
		h=$(( (c - 1) * per + 1 ))
		o=$(owners | awk -v c="$c" '$1 == c {print $2}')
		[ "$(host_state "$o" "$h")" = alive ] || return 1
	done
}
wait_for 120 alive_all || fail "the new owners never saw b's hosts alive"
watched=$(( ($(date +%s%N) - k0) / 1000000 ))
echo "kill -9 of b (clusters $(echo $b_shards)): shards held again after $taken ms, hosts alive at their new owners after $watched ms"
echo "after: $(owners | awk '{printf "%s:%s ", $1, $2}')"
