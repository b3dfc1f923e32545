#!/bin/bash
# t_daemon_pool_attachment.sh -- pools map to hosts by attachment
# (storage_pool_host_ref), not by cluster or zone scope (issue 11, "Pools
# by attachment").
#
# Cluster 1 gets a second NFS primary pool (storage_pool 2, CLUSTER scope,
# overridden in hawatch.conf to an empty local directory) that no host is
# attached to: no host writes a heartbeat there.  Host 2 then hangs.
# Before the fix every host of cluster 1 was mapped to pool 2 by scope, so
# host 2 was stale on pool 1 and "missing" on pool 2: held as suspect for
# ever, never fenced (a dead host stranded).  Now pool 2 maps to nobody:
# host 2 is fenced and reconciled as in t_daemon_hang, and no host shows
# pool 2.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
simcluster_start 3 3
sql "INSERT INTO storage_pool (id, name, uuid, pool_type, port, data_center_id, pod_id,
     cluster_id, used_bytes, capacity_bytes, host_address, path, created, update_time,
     status, storage_provider_name, scope, hypervisor, managed, parent)
     SELECT 2, 'unattached', '5f000000-0000-4000-8000-000000000002', pool_type, port,
     data_center_id, pod_id, cluster_id, used_bytes, capacity_bytes, host_address,
     '/export2', created, update_time, status, storage_provider_name, scope, hypervisor,
     managed, parent FROM storage_pool WHERE id = 1"
mkdir -p "$T/pool2/KVMHA"
sed -i "s|^\(\s*\)pools = ( { id = 1; url = \"\([^\"]*\)\"; } );|\1pools = ( { id = 1; url = \"\2\"; }, { id = 2; path = \"$T/pool2\"; } );|" \
	"$T/hawatch.conf"
grep -q "id = 2; path" "$T/hawatch.conf" || fail "config edit: $(grep pools "$T/hawatch.conf")"
hawatch_start a
for h in 1 2 3; do wait_state a $h alive 20 || fail "host $h never alive: $(tail "$T/hawatch-a.log")"; done
grep -q '"pools":\[{"id":1,[^]]*\]' "$T/status-a.json" || fail "pools: $(cat "$T/status-a.json")"
grep -q '{"id":2,"heartbeat"' "$T/status-a.json" && fail "a host is mapped to the unattached pool 2"
sleep 2		# past startup_grace

ipmisim_crash_host h2
wait_state a 2 fenced 30 || fail "hung host 2 not fenced: $(cat "$T/status-a.json.txt"; tail -20 "$T/hawatch-a.log")"
reconciled() { [ "$(sql "SELECT COUNT(*) FROM vm_instance WHERE last_host_id = 2 AND state = 'Stopped'")" = 3 ]; }
wait_for 20 reconciled || fail "host 2 not reconciled"
expect_eq "hosts 1 and 3 never fenced" "1 1" "$(ipmisim_power h1) $(ipmisim_power h3)"
pass "a pool no host is attached to judges nobody: hung host 2 fenced and reconciled"
