#!/bin/bash
# t_reconcile_kill.sh -- kill -9 of hawatch in the middle of a reconcile.
#
# 1. Deterministic: hawatch is held inside its transaction (after the VM
#    updates, before the audit insert, by a LOCK TABLES on hawatch.audit),
#    killed with SIGKILL: every VM must be untouched.
# 2. Random: hawatch is killed at random instants during reconciles of a
#    host with many VMs: every VM is either untouched or fully reconciled
#    (Stopped, update_count+1, exactly one Scheduled HA row) and all VMs of
#    the host agree (one transaction per host).  (S5)
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/reconcile.sh"
seed_db

# hawatch's schema must exist so the audit table can be locked
hw maintenance on --host 1 && hw maintenance off --host 1
expect_rc 0 "maintenance off (creates schema)"
before=$(cs_digest)

mkfifo "$T/lock.fifo"
mariadb --no-defaults --socket="$DB_SOCK" -uroot -N -B --unbuffered <"$T/lock.fifo" >"$T/lock.out" 2>&1 &
lock_pid=$!
track $lock_pid
exec 3>"$T/lock.fifo"
echo "LOCK TABLES hawatch.audit WRITE; SELECT 'locked';" >&3
wait_for 10 grep -q locked "$T/lock.out" || fail "could not lock hawatch.audit"

"$HAWATCH" --config "$T/hawatch.conf" reconcile --host 6 --confirm-fenced >"$T/out" 2>"$T/err" &
hw_pid=$!
track $hw_pid
waiting() {
	sql "SELECT COUNT(*) FROM information_schema.processlist
	     WHERE state LIKE 'Waiting for table metadata lock' AND info LIKE 'INSERT INTO%audit%'" | grep -qx 1
}
wait_for 10 waiting || fail "hawatch did not reach the audit insert: $(cat "$T/err")"
# the VM updates are done but uncommitted: kill now
kill -KILL $hw_pid
set +e; wait $hw_pid 2>/dev/null; set -e
echo "UNLOCK TABLES; SELECT 'unlocked';" >&3
wait_for 10 grep -q unlocked "$T/lock.out" || fail "unlock failed"
exec 3>&-
gone() { [ "$(sql "SELECT COUNT(*) FROM information_schema.innodb_trx")" = 0 ]; }
wait_for 10 gone || fail "the killed client's transaction never ended"
expect_eq "CloudStack rows after kill -9 mid-transaction" "$before" "$(cs_digest)"
expect_eq "no fence record after kill" 0 "$(sql "SELECT COUNT(*) FROM hawatch.fenced_host")"
expect_eq "no audit rows after kill" 2 "$(sql "SELECT COUNT(*) FROM hawatch.audit")"
pass "kill -9 inside the transaction leaves every VM untouched"

# --- random kills on a host with 300 VMs ---------------------------------
check_all_or_nothing() {
	local stopped running bad
	stopped=$(sql "SELECT COUNT(*) FROM vm_instance WHERE id >= 10000 AND state = 'Stopped'
	               AND host_id IS NULL AND last_host_id = 7 AND update_count = 6
	               AND power_state = 'PowerOff'")
	running=$(sql "SELECT COUNT(*) FROM vm_instance WHERE id >= 10000 AND state = 'Running'
	               AND host_id = 7 AND update_count = 5 AND power_state = 'PowerOn'")
	bad=$(sql "SELECT COUNT(*) FROM vm_instance v WHERE id >= 10000 AND
	           (SELECT COUNT(*) FROM op_ha_work w WHERE w.instance_id = v.id AND w.step = 'Scheduled')
	           <> IF(v.state = 'Stopped', 1, 0)")
	[ "$bad" = 0 ] || fail "$bad VMs with an HA row count that does not match their state"
	[ "$stopped" = 300 ] && return 0
	[ "$running" = 300 ] && return 1
	fail "partial reconcile: $stopped stopped, $running running of 300"
}
make_host7() {
	sql "DELETE FROM op_ha_work WHERE instance_id >= 10000; DELETE FROM vm_instance WHERE id >= 10000"
	sql "INSERT INTO vm_instance (id, name, uuid, instance_name, state, vm_template_id, guest_os_id,
	       data_center_id, host_id, last_host_id, vnc_password, ha_enabled, update_count, created, type,
	       vm_type, account_id, domain_id, service_offering_id, power_state, power_host)
	     SELECT 10000 + seq, CONCAT('k', seq), UUID(), CONCAT('i-2-', 10000 + seq, '-VM'), 'Running', 2,
	       100, 1, 7, 7, 'x', 1, 5, UTC_TIMESTAMP(), 'User', 'User', 2, 1, 1, 'PowerOn', 7
	     FROM seq_0_to_299"
}
killed_before=0 killed_after=0
for i in 1 2 3 4 5 6; do
	make_host7
	"$HAWATCH" --config "$T/hawatch.conf" reconcile --host 7 --confirm-fenced >/dev/null 2>&1 &
	p=$!
	sleep "0.0$(( RANDOM % 10 ))$(( RANDOM % 10 ))"
	kill -KILL $p 2>/dev/null || true
	set +e; wait $p 2>/dev/null; set -e
	wait_for 10 gone || fail "transaction of killed hawatch never ended"
	if check_all_or_nothing; then killed_after=$((killed_after + 1)); else killed_before=$((killed_before + 1)); fi
done
echo "random kills: $killed_before left untouched, $killed_after fully reconciled"
pass "random kill -9: every run all-or-nothing"
