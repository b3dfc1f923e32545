#!/bin/bash
# bench/scale.sh -- cost of one `hawatch run` tick against the host count.
#
# For 100, 500 and 2,000 hosts (SIZES=...): CloudStack inventory in a real
# MariaDB, every host's heartbeat file on one nfs-ganesha, rewritten every
# 10 s, staggered (a tenth of the hosts each second: six times CloudStack's
# 60 s write rate), and BMCS (default 50) real ipmi_sim BMCs polled
# every second.  hawatch runs with a 1 s tick for SAMPLE seconds (default
# 15); the figures are the tick duration hawatch measures itself (p50 and
# max over the samples read from its status file) and its resident memory
# (VmRSS, VmHWM).  Targets: <= 1 s per tick at 2,000 hosts, <= 64 MB RSS.
# Not a test.
source "$(dirname "$0")/../tests/lib/common.sh"
SIZES=${SIZES:-"100 500 2000"}
BMCS=${BMCS:-50}
SAMPLE=${SAMPLE:-15}
source "$TOP/tests/lib/simcluster.sh"

mariadb_start
mariadb_load "$TOP/tests/sql/cloudstack-schema.sql"
ganesha_start nfs >/dev/null
mkdir -p "$GANESHA_EXPORT/KVMHA"
SIM_N=0
for i in $(seq 1 "$BMCS"); do
	ipmisim_start_host "h$i" "$T/hosts/h$i/heartbeat" 1000 >/dev/null
done

printf '%-7s %-6s %-12s %-12s %-10s %-10s\n' hosts bmcs tick_p50_ms tick_max_ms rss_kb hwm_kb
for n in $SIZES; do
	sql "SET FOREIGN_KEY_CHECKS = 0;
	     TRUNCATE vm_instance; TRUNCATE op_ha_work; TRUNCATE oobm; TRUNCATE ha_config;
	     TRUNCATE storage_pool_host_ref; TRUNCATE storage_pool; TRUNCATE host; TRUNCATE mshost;
	     TRUNCATE cluster; TRUNCATE host_pod_ref; TRUNCATE data_center; TRUNCATE service_offering;
	     TRUNCATE vm_template; TRUNCATE account; TRUNCATE domain; TRUNCATE volumes;"
	{ echo "SET @nhosts = $n, @nvms = 1;"; cat "$TOP/tests/sql/sim-inventory.sql"; } >"$T/sim.sql"
	mariadb_load "$T/sim.sql"
	rm -f "$GANESHA_EXPORT"/KVMHA/hb-*
	for i in $(seq 1 "$n"); do echo 1 >"$GANESHA_EXPORT/KVMHA/hb-$(sim_ip "$i")"; done
	for k in 0 1 2 3 4 5 6 7 8 9; do
		for i in $(seq 1 "$n"); do [ $((i % 10)) = "$k" ] && echo "hb-$(sim_ip "$i")"; done >"$T/slice$k"
	done
	(cd "$GANESHA_EXPORT/KVMHA" && k=0 && while :; do
		xargs -a "$T/slice$k" tee <<<"$(date +%s)" >/dev/null 2>&1
		k=$(( (k + 1) % 10 )); sleep 1; done) &
	writer=$!
	track $writer
	nb=$(( n < BMCS ? n : BMCS ))
	for i in $(seq 1 "$nb"); do
		sql "UPDATE oobm SET address = '127.0.0.1', port = '$(ipmisim_port "h$i")' WHERE host_id = $i"
	done
	SIM_N=$nb
	SIM_HB_MS=10000 SIM_DEAD_AFTER=30s SIM_TICK=1s simcluster_conf "$T/scale.conf" "s$n"
	hawatch_start "s$n" "$T/scale.conf"
	pid=$(hawatch_pid "s$n")
	sleep 3
	: >"$T/ticks"
	for _ in $(seq 1 "$SAMPLE"); do
		grep -o '"tick_ms":[0-9.]*' "$T/status-s$n.json" | cut -d: -f2 >>"$T/ticks"
		sleep 1
	done
	rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
	hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
	grep -q '"state":"alive"' "$T/status-s$n.json" || echo "warning: no host alive at $n hosts" >&2
	grep -o '"phase_ms":{[^}]*}' "$T/status-s$n.json" >&2
	printf '%-7s %-6s %-12s %-12s %-10s %-10s\n' "$n" "$nb" \
		"$(sort -n "$T/ticks" | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')" \
		"$(sort -n "$T/ticks" | tail -1)" "$rss" "$hwm"
	stop_pid "$pid"
	stop_pid "$writer"
done
