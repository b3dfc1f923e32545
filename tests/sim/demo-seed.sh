#!/bin/bash
# demo-seed.sh -- the seed bug (CloudStack #12922) and its repair, on a
# throw-away MariaDB holding CloudStack's real tables.
#
# Host 6 was powered off and fenced; CloudStack marked its HA work Done and
# its five VMs stayed Running on the dead host.  This shows the rows, runs
# `hawatch reconcile --host 6 --confirm-fenced`, and shows them again.
# Exits non-zero if the repair did not happen.  Cleans up what it started.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/reconcile.sh"

show() {
	echo "vm_instance (host 6 and its VMs):"
	sql "SELECT id, instance_name, type, state, IFNULL(host_id,'NULL') host, last_host_id last,
	     power_state, update_count FROM vm_instance WHERE id BETWEEN 78 AND 90 ORDER BY id" |
		awk 'BEGIN { printf "  %-4s %-11s %-19s %-10s %-5s %-5s %-9s %s\n", "id", "name", "type", "state", "host", "last", "power", "update_count" }
		     { printf "  %-4s %-11s %-19s %-10s %-5s %-5s %-9s %s\n", $1, $2, $3, $4, $5, $6, $7, $8 }'
	echo "op_ha_work (HA rows of those VMs):"
	sql "SELECT id, instance_id, type, step, reason, state, updated, IFNULL(mgmt_server_id,'NULL')
	     FROM op_ha_work WHERE instance_id BETWEEN 78 AND 90 ORDER BY id" |
		awk 'BEGIN { printf "  %-4s %-4s %-4s %-10s %-9s %-8s %-8s %s\n", "id", "vm", "type", "step", "reason", "state", "updated", "mgmt_server" }
		     { printf "  %-4s %-4s %-4s %-10s %-9s %-8s %-8s %s\n", $1, $2, $3, $4, $5, $6, $7, $8 }'
}

echo "== starting MariaDB with CloudStack's tables and the #12922 state"
seed_db
echo
echo "== before: host 6 is Fenced, its HA rows are Done, yet its VMs are Running"
show
echo
echo "== hawatch reconcile --host 6 (not confirmed: refused, nothing written)"
hw reconcile --host 6
cat "$T/out"
expect_rc 4 "unconfirmed reconcile"
echo
echo "== hawatch reconcile --host 6 --confirm-fenced"
hw reconcile --host 6 --confirm-fenced
cat "$T/out"
expect_rc 0 "reconcile"
echo
echo "== after: VMs Stopped on no host, one new Scheduled HA row each for CloudStack's HA workers"
show
n=$(sql "SELECT COUNT(*) FROM vm_instance WHERE id IN (78,80,84,87,88) AND state = 'Stopped' AND host_id IS NULL")
[ "$n" = 5 ] || fail "expected the 5 seed VMs Stopped, got $n"
n=$(sql "SELECT COUNT(*) FROM op_ha_work WHERE instance_id IN (78,80,84,87,88) AND step = 'Scheduled'")
[ "$n" = 5 ] || fail "expected 5 Scheduled HA rows, got $n"
echo
echo "== audit (hawatch.audit)"
sql "SELECT id, at, action, IFNULL(vm_id,'-'), IFNULL(ha_work_id,'-') FROM hawatch.audit ORDER BY id" | sed 's/^/  /'
echo
echo "== a second run has nothing to do"
hw reconcile --host 6
expect_rc 3 "second run"
echo "  exit code 3 (nothing to do)"
echo
echo "demo: OK"
