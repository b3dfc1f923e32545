#!/bin/bash
# bench/run.sh -- `make bench`: every benchmark figure in one table.
#
# Runs, each against real servers on loopback:
#   bench/failover.sh         power-off -> reconciled p50/p99 (20 trials,
#                             1 s poll, 1 s tick, libvirt corroboration),
#                             hang -> reconciled
#   bench/bmc_sessions.sh     BMC session handshakes per minute per BMC and
#                             poll cost, kept sessions against one per poll
#   bench/cloudstack_alone.sh the same power-off with CloudStack's own HA
#                             only (scaled timings, reported in real time)
#   bench/scale.sh            tick cost and RSS at 100, 500, 2,000 hosts
#                             with 50 real ipmi_sim BMCs
#   bench/reconcile.sh        one host with 1,000 VMs: time and statements
#   bench/hb_zone.sh          heartbeat round at 10,000 hosts on 5 pools of
#                             one ganesha, NFSv4 and NFSv3
#   bench/hb_tick.sh          heartbeat reads alone (if present)
# and writes the output to bench/results/<date>-<machine>.txt.
# These are measurements, not tests: nothing here fails on a slow figure.
set -u
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$here/results"
out="$here/results/$(date -u +%Y-%m-%dT%H%M%SZ)-$(hostname -s).txt"
{
	echo "hawatch benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $(hostname -s), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
	echo "commit: $(git -C "$here/.." rev-parse --short HEAD 2>/dev/null || echo unknown)"
	echo
	echo "--- failure -> reconciled (hawatch run, bmc_poll_interval 1 s, tick 1 s, dead_after 4 s)"
	bash "$here/failover.sh" 2>&1 | grep -E '^(power-off|hang|bmc sessions|FAIL)'
	echo
	echo "--- BMC sessions: handshakes and poll cost (10 ipmi_sim BMCs, 1 s poll, 60 s)"
	bash "$here/bmc_sessions.sh" 2>&1 | grep -E '^(sessions|kept|fresh|FAIL)'
	echo
	echo "--- the anchor: CloudStack alone (default timings, simulated clock scaled 1/20)"
	bash "$here/cloudstack_alone.sh" 2>&1 | grep -E '^(CloudStack|FAIL)'
	echo
	echo "--- tick cost against host count (1 s tick, heartbeats on one nfs-ganesha, 50 ipmi_sim BMCs)"
	bash "$here/scale.sh" 2>&1 | grep -vE '^ok|phase_ms' 
	echo
	echo "--- reconcile cost: one fenced host with 1,000 VMs"
	bash "$here/reconcile.sh" 2>&1 | grep -E '^(reconcile|FAIL)'
	echo
	echo "--- heartbeat round at zone scale: 5 clusters x 2,000 hosts, 5 exports on one nfs-ganesha"
	echo "NFSv4:"
	bash "$here/hb_zone.sh" 2>&1 | grep -E '^(shape|attached|perfile|listv4|all|FAIL)'
	echo "NFSv3 (private namespace with its own rpcbind):"
	NFS_VERSION=3 bash "$here/hb_zone.sh" 2>&1 | grep -E '^(shape|attached|perfile|listv4|all|FAIL)'
	if [ -x "$here/hb_tick.sh" ]; then
		echo
		echo "--- heartbeat reads alone (libnfs, pipelined)"
		bash "$here/hb_tick.sh" 2>&1 | tail -6
	fi
} | tee "$out"
echo
echo "written to $out"
