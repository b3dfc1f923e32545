#!/bin/bash
# bench/scale.sh -- cost of one `hawatch run` tick against the host count.
#
# SIZES lists the shapes, each HOSTS or HOSTSxCLUSTERS (default
# "100 500 2000 10000x5"): CloudStack inventory in a real MariaDB
# (tests/sql/sim-inventory.sql: the hosts in CLUSTERS equal clusters, one
# cluster-scoped primary pool per cluster attached to its hosts through
# storage_pool_host_ref), every host's heartbeat file on its cluster's
# export of one nfs-ganesha (all exports on that one server), rewritten
# every 10 s, staggered (a tenth of the hosts each second: six times
# CloudStack's 60 s write rate), and BMCS (default 50) real ipmi_sim BMCs
# polled every second, one each for hosts 1..BMCS; every other host has
# no BMC (its oobm row has no address), so the BMC pool's cost is that
# of BMCS sessions, not of the zone.  hawatch runs with a 1 s tick for
# SAMPLE seconds (default 15).
#
# Columns: tick p50 / max as hawatch measures itself (tick_run: database
# and inventory, heartbeat round and BMC views, core, actions), the
# whole tick (tick + status file write) p50, the heartbeat round's p50
# (pool elapsed_ms, the slowest pool of the round), unknown heartbeat rows
# in the last sample, resident memory now (VmRSS) and peak (VmHWM), and
# what MariaDB saw per tick over the sample (SHOW GLOBAL STATUS
# Questions, Com_select and Rows_read deltas divided by the
# ticks hawatch ran; the bench's own few probe queries included).
# Targets (issue 14): whole tick p50 <= 1 s and heartbeat round <= 500 ms
# at 10,000 hosts, VmHWM <= 128 MiB.  NFS_VERSION=3 reads over NFSv3.
# Not a test: it asserts nothing.
source "$(dirname "$0")/../tests/lib/common.sh"
SIZES=${SIZES:-"100 500 2000 10000x5"}
BMCS=${BMCS:-50}
SAMPLE=${SAMPLE:-15}
source "$TOP/tests/lib/simcluster.sh"
ganesha_nfs_version

maxc=1
for s in $SIZES; do c=${s#*x}; [ "$c" = "$s" ] && c=1; [ "$c" -gt "$maxc" ] && maxc=$c; done
mariadb_start
mariadb_load "$TOP/tests/sql/cloudstack-schema.sql"
GANESHA_EXPORTS=$maxc ganesha_start nfs >/dev/null
for c in $(seq 1 "$maxc"); do mkdir -p "$(simcluster_export_dir "$c")/KVMHA"; done
SIM_N=0
for i in $(seq 1 "$BMCS"); do
	ipmisim_start_host "h$i" "$T/hosts/h$i/heartbeat" 1000 >/dev/null
done

p50() { sort -n "$1" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
dbstat() {	# dbstat: "questions com_select rows_read"
	sql "SELECT SUM(IF(VARIABLE_NAME = 'QUESTIONS', VARIABLE_VALUE, 0)),
	     SUM(IF(VARIABLE_NAME = 'COM_SELECT', VARIABLE_VALUE, 0)),
	     SUM(IF(VARIABLE_NAME = 'ROWS_READ', VARIABLE_VALUE, 0))
	     FROM information_schema.GLOBAL_STATUS"
}
pools_of() { sed -n 's/.*"pools":\[\(.*\)\],"sweep".*/\1/p'; }	# the status file's pools
# the heartbeat file of host I in a zone of PER hosts per cluster
hb_path() { echo "$(simcluster_export_dir $(( ($1 - 1) / $2 + 1 )))/KVMHA/hb-$(sim_ip "$1")"; }

printf '%-11s %-5s %-8s %-8s %-9s %-7s %-7s %-8s %-8s %-7s %-7s %-9s\n' hosts bmcs tick_p50 tick_max \
	whole_p50 hb_p50 unknown rss_kb hwm_kb q/tick sel/tick rows/tick
for shape in $SIZES; do
	n=${shape%x*}; c=${shape#*x}; [ "$c" = "$shape" ] && c=1
	per=$(( (n + c - 1) / c ))
	sql "SET FOREIGN_KEY_CHECKS = 0;
	     TRUNCATE vm_instance; TRUNCATE op_ha_work; TRUNCATE oobm; TRUNCATE ha_config;
	     TRUNCATE storage_pool_host_ref; TRUNCATE storage_pool; TRUNCATE host; TRUNCATE mshost;
	     TRUNCATE cluster; TRUNCATE host_pod_ref; TRUNCATE data_center; TRUNCATE service_offering;
	     TRUNCATE vm_template; TRUNCATE account; TRUNCATE domain; TRUNCATE volumes;"
	{ echo "SET @nhosts = $n, @nvms = 1, @nclusters = $c;"; cat "$TOP/tests/sql/sim-inventory.sql"; } >"$T/sim.sql"
	mariadb_load "$T/sim.sql"
	for k in $(seq 1 "$maxc"); do rm -f "$(simcluster_export_dir "$k")"/KVMHA/hb-*; done
	for i in $(seq 1 "$n"); do hb_path "$i" "$per"; done >"$T/paths"
	xargs -a "$T/paths" tee <<<"$(date +%s)" >/dev/null
	for k in 0 1 2 3 4 5 6 7 8 9; do awk -v k="$k" 'NR % 10 == k' "$T/paths" >"$T/slice$k"; done
	(k=0; while :; do
		xargs -a "$T/slice$k" tee <<<"$(date +%s)" >/dev/null 2>&1
		k=$(( (k + 1) % 10 )); sleep 1; done) &
	writer=$!
	track $writer
	nb=$(( n < BMCS ? n : BMCS ))
	for i in $(seq 1 "$nb"); do
		sql "UPDATE oobm SET address = '127.0.0.1', port = '$(ipmisim_port "h$i")' WHERE host_id = $i"
	done
	SIM_N=$nb
	SIM_POOLS=$(simcluster_zone_pools nfs "$c") SIM_HB_MS=10000 SIM_DEAD_AFTER=30s SIM_TICK=1s \
		SIM_BMC_POLL=1s simcluster_conf "$T/scale.conf" "s$n"
	hawatch_start "s$n" "$T/scale.conf"
	pid=$(hawatch_pid "s$n")
	# wait for the first full tick (mounts, first reads of every file)
	for _ in $(seq 1 120); do grep -q '"tick":[1-9]' "$T/status-s$n.json" 2>/dev/null && break; sleep 0.5; done
	sleep 3
	: >"$T/ticks"; : >"$T/whole"; : >"$T/hb"
	t0=$(grep -o '"tick":[0-9]*' "$T/status-s$n.json" | cut -d: -f2)
	db0=$(dbstat)
	for _ in $(seq 1 "$SAMPLE"); do
		st=$(cat "$T/status-s$n.json")
		tk=$(grep -o '"tick_ms":[0-9.]*' <<<"$st" | cut -d: -f2)
		sw=$(grep -o '"status_write_ms":[0-9.]*' <<<"$st" | cut -d: -f2)
		echo "$tk" >>"$T/ticks"
		awk -v a="$tk" -v b="${sw:-0}" 'BEGIN {print a + b}' >>"$T/whole"
		pools_of <<<"$st" | grep -o '"elapsed_ms":[0-9]*' | cut -d: -f2 | sort -n | tail -1 >>"$T/hb"
		sleep 1
	done
	db1=$(dbstat)
	t1=$(grep -o '"tick":[0-9]*' "$T/status-s$n.json" | cut -d: -f2)
	ticks=$(( t1 > t0 ? t1 - t0 : 1 ))
	rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
	hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
	unk=$(pools_of <"$T/status-s$n.json" | grep -o '"unknown":[0-9]*' | cut -d: -f2 | awk '{s += $1} END {print s + 0}')
	grep -q '"state":"alive"' "$T/status-s$n.json" || echo "warning: no host alive at $shape hosts" >&2
	grep -o '"phase_ms":{[^}]*}' "$T/status-s$n.json" >&2
	per_tick=$(awk -v a="$db0" -v b="$db1" -v t="$ticks" 'BEGIN {
		split(a, x, " "); split(b, y, " ");
		printf "%.0f %.0f %.0f", (y[1] - x[1]) / t, (y[2] - x[2]) / t, (y[3] - x[3]) / t }')
	read -r q s r <<<"$per_tick"
	printf '%-11s %-5s %-8s %-8s %-9s %-7s %-7s %-8s %-8s %-7s %-7s %-9s\n' "$shape" "$nb" \
		"$(p50 "$T/ticks")" "$(sort -n "$T/ticks" | tail -1)" "$(p50 "$T/whole")" \
		"$(p50 "$T/hb")" "$unk" "$rss" "$hwm" "$q" "$s" "$r"
	stop_pid "$pid"
	stop_pid "$writer"
done
