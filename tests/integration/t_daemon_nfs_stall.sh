#!/bin/bash
# t_daemon_nfs_stall.sh -- the NFS server stalls: nobody is fenced.
#
# ganesha is SIGSTOPped for three dead_after periods, then resumed.  Every
# heartbeat read times out, which is "unknown", never "stale" (S1): no host
# is fenced, no VM touched, and the pool is reported.  After SIGCONT all
# hosts are alive again.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
ganesha_nfs_version "$@"	# NFS_VERSION=3: the _v3 variant
simcluster_start 3 2
hawatch_start a
for h in 1 2 3; do wait_state a $h alive 20 || fail "host $h never alive"; done
sleep 2
before=$(sql "SELECT id, state, IFNULL(host_id,'-'), update_count FROM vm_instance ORDER BY id" | md5sum)

kill -STOP "$(ganesha_pid nfs)"
sleep 12
grep -qE "event=(alert.raise|core.transition).*(pool_unreadable|hb_unknown)" "$T/hawatch-a.log" \
	|| fail "the stalled pool is not reported: $(tail -20 "$T/hawatch-a.log")"
kill -CONT "$(ganesha_pid nfs)"
for h in 1 2 3; do wait_state a $h alive 20 || fail "host $h not alive after SIGCONT: $(cat "$T/status-a.json.txt")"; done

expect_eq "BMC power after the stall" "1 1 1" "$(ipmisim_power h1) $(ipmisim_power h2) $(ipmisim_power h3)"
grep -q "event=fence.start" "$T/hawatch-a.log" && fail "a fence was started during the NFS stall"
expect_eq "VM rows after the stall" "$before" "$(sql "SELECT id, state, IFNULL(host_id,'-'), update_count FROM vm_instance ORDER BY id" | md5sum)"
pass "NFS stall: heartbeats unknown, nobody fenced, all alive after resume"
