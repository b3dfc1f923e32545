#!/bin/bash
# t_reconcile_concurrent.sh -- a management server changes a VM mid-reconcile.
#
# A concurrent transaction bumps VM 87's update_count and holds the row
# lock while hawatch plans and starts its transaction.  hawatch's locking
# re-read sees the change once the other side commits: VM 87 must be
# reported skipped with the reason and left exactly as the other writer
# left it; the other VMs are reconciled.  (S5: the concurrent change wins.)
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/reconcile.sh"
seed_db

# the "management server": a root session we feed statements through a fifo
mkfifo "$T/ms.fifo"
mariadb --no-defaults --socket="$DB_SOCK" -uroot -N -B --unbuffered cloud <"$T/ms.fifo" >"$T/ms.out" 2>&1 &
ms_pid=$!
track $ms_pid
exec 3>"$T/ms.fifo"
echo "START TRANSACTION; UPDATE vm_instance SET update_count = update_count + 1, update_time = UTC_TIMESTAMP() WHERE id = 87; SELECT 'held';" >&3
wait_for 10 grep -q held "$T/ms.out" || fail "concurrent session did not take the lock"

"$HAWATCH" --config "$T/hawatch.conf" reconcile --host 6 --confirm-fenced >"$T/out" 2>"$T/err" &
hw_pid=$!
track $hw_pid
lock_wait() {
	[ "$(sql "SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_state = 'LOCK WAIT'")" = 1 ]
}
wait_for 10 lock_wait || fail "hawatch never waited for the row lock: $(cat "$T/err")"
echo "COMMIT; SELECT 'committed';" >&3
wait_for 10 grep -q committed "$T/ms.out" || fail "concurrent commit failed: $(cat "$T/ms.out")"
set +e; wait $hw_pid; RC=$?; set -e
exec 3>&-
expect_rc 0 "reconcile with one concurrent change"

expect_eq "VM 87 left as the other writer left it" "Running	6	14	PowerOn" \
	"$(sql "SELECT state, host_id, update_count, power_state FROM vm_instance WHERE id = 87")"
expect_eq "no new HA row for VM 87" 0 \
	"$(sql "SELECT COUNT(*) FROM op_ha_work WHERE instance_id = 87 AND step = 'Scheduled'")"
grep -E '^  87 .* skipped .*update_count changed concurrently: 13 -> 14' "$T/out" >/dev/null \
	|| fail "VM 87 not reported skipped with its reason: $(cat "$T/out")"
for id in 78 80 84 88; do
	expect_eq "VM $id reconciled" "Stopped" "$(sql "SELECT state FROM vm_instance WHERE id = $id")"
done
expect_eq "no audit row for the skipped VM" 0 \
	"$(sql "SELECT COUNT(*) FROM hawatch.audit WHERE vm_id = 87")"
pass "concurrent change wins; VM 87 skipped with its reason; others reconciled"

# the next run picks VM 87 up with its new update_count
hw reconcile --host 6
expect_rc 0 "follow-up run"
expect_eq "VM 87 reconciled on the next run" "Stopped	NULL	15" \
	"$(sql "SELECT state, IFNULL(host_id,'NULL'), update_count FROM vm_instance WHERE id = 87")"
expect_eq "HA row for VM 87 carries the new update_count" 15 \
	"$(sql "SELECT updated FROM op_ha_work WHERE instance_id = 87 AND step = 'Scheduled'")"
pass "follow-up run reconciles the skipped VM"
