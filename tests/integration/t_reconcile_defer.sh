#!/bin/bash
# t_reconcile_defer.sh -- odd rows, CloudStack's own work, and Migrating VMs.
#
#   VM 88 with a NULL update_count is skipped with a reason; the rest of host 6 is reconciled
#     (before the fix the whole host rolled back on every run).
#   VM 87 has a vm_work_job in progress on live server 1111: deferred, without bound.
#   VM 80 has one on dead server 2222: not deferred.
#   VM 84's own HA row is claimed by live server 1111 and 1 minute old: deferred within
#     reconcile.cloudstack_grace (5 min); VM 78's is 10 minutes old: reconciled.
#     With cloudstack_grace = "20m" both are deferred.  Once 84's row is Done while the VM is
#     still Running, 84 is reconciled at once.
#   VM 90 Migrating with host_id 6 is reported as moving TO host 6; VM 97 Migrating with
#     last_host_id 6 as moving AWAY to host 1; neither is touched.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/reconcile.sh"
seed_db

sql "ALTER TABLE vm_instance MODIFY update_count bigint unsigned NULL;
     UPDATE vm_instance SET update_count = NULL WHERE id = 88;
     INSERT INTO async_job (id, user_id, account_id, instance_type, instance_id, job_cmd, job_status,
       job_init_msid, job_executing_msid, created, related, job_type, job_dispatcher) VALUES
     (5000, 2, 2, 'VirtualMachine', 87, 'com.cloud.vm.VmWorkStart', 0, 1111, 1111, UTC_TIMESTAMP(), '5000',
      'VmWork', 'VmWorkJobDispatcher'),
     (5001, 1, 1, 'VirtualMachine', 80, 'com.cloud.vm.VmWorkStop', 0, 2222, 2222, UTC_TIMESTAMP(), '5001',
      'VmWork', 'VmWorkJobDispatcher'),
     (5002, 2, 2, 'VirtualMachine', 89, 'com.cloud.vm.VmWorkStop', 1, 1111, 1111, UTC_TIMESTAMP(), '5002',
      'VmWork', 'VmWorkJobDispatcher');
     INSERT INTO vm_work_job (id, step, vm_type, vm_instance_id) VALUES
     (5000, 'Starting', 'User', 87), (5001, 'Stopping', 'ConsoleProxy', 80), (5002, 'Done', 'User', 89);
     INSERT INTO op_ha_work (id, instance_id, type, vm_type, state, mgmt_server_id, host_id, created, tried, taken,
       step, time_to_try, updated, reason) VALUES
     (300, 84, 'HA', 'SecondaryStorageVm', 'Running', 1111, 6, UTC_TIMESTAMP() - INTERVAL 1 MINUTE, 0,
      UTC_TIMESTAMP(), 'Investigating', 1, 30, 'HostDown'),
     (301, 78, 'HA', 'DomainRouter', 'Running', 1111, 6, UTC_TIMESTAMP() - INTERVAL 10 MINUTE, 1,
      UTC_TIMESTAMP(), 'Investigating', 1, 100, 'HostDown');
     INSERT INTO vm_instance (id, name, uuid, instance_name, state, vm_template_id, guest_os_id, pod_id,
       data_center_id, host_id, last_host_id, vnc_password, ha_enabled, update_count, update_time, created, type,
       vm_type, account_id, domain_id, service_offering_id, hypervisor_type, power_state, user_id) VALUES
     (97, 'vm97', 'b1000000-0000-4000-8000-000000000097', 'i-2-97-VM', 'Migrating', 2, 100, 1, 1, 1, 6,
      'vncI97xxxxxxxxxx', 1, 9, '2026-03-31 06:24:40', '2026-03-25 12:00:00', 'User', 'User', 2, 1, 1, 'KVM',
      'PowerOn', 2)"

# 1. a 20 min grace defers both HA rows
HWCONF="$T/grace.conf"
cp "$T/hawatch.conf" "$HWCONF"
printf 'reconcile = { cloudstack_grace = "20m"; };\n' >> "$HWCONF"
chmod 600 "$HWCONF"
hw reconcile --host 6 --confirm-fenced --dry-run --json
expect_rc 0 "dry run, 20m grace"
for id in 78 84; do
	grep -q "\"id\":$id,[^}]*\"result\":\"deferred\"" "$T/out" || fail "VM $id not deferred with 20m grace: $(cat "$T/out")"
done
unset HWCONF
pass "reconcile.cloudstack_grace is honoured"

# 2. the default grace (5 min)
hw reconcile --host 6 --confirm-fenced
expect_rc 0 "reconcile"
expect_eq "VM states" "78 Stopped|80 Stopped|84 Running|87 Running|88 Running|89 Stopped|90 Migrating|97 Migrating|" \
	"$(sql "SELECT id, state FROM vm_instance WHERE id IN (78,80,84,87,88,89,90,97) ORDER BY id" | tr '\t' ' ' | tr '\n' '|')"
line() { grep "^  $1 " "$T/out"; }
line 88 | grep -q "skipped .*odd row: update_count is NULL" || fail "VM 88 line: $(line 88)"
line 87 | grep -q "deferred .*vm_work_job 5000 is in progress on a live management server" || fail "VM 87 line: $(line 87)"
line 84 | grep -q "deferred .*HA row #300 is worked by live management server 1111 (6[0-9]s of 300s grace)" \
	|| fail "VM 84 line: $(line 84)"
line 90 | grep -q "migrating TO this host (host_id is the destination): it normally still runs on the source" \
	|| fail "VM 90 line: $(line 90)"
line 97 | grep -q "migrating AWAY from this host (last_host_id) to host 1" || fail "VM 97 line: $(line 97)"
grep -q "reconciled=3 requeued=2 migrating=2 skipped=1 deferred=2" "$T/out" || fail "summary: $(cat "$T/out")"
expect_eq "VMs 90, 97 untouched" "90	6	7
97	1	9" "$(sql "SELECT id, host_id, update_count FROM vm_instance WHERE id IN (90, 97) ORDER BY id")"
pass "odd row skipped, CloudStack's work deferred, grace over reconciled, Migrating reported"

# 3. CloudStack's row for 84 ends Done while the VM is still Running: reconciled at once
sql "UPDATE op_ha_work SET step = 'Done' WHERE id = 300"
hw reconcile --host 6
expect_rc 0 "after Done"
expect_eq "VM 84" "Stopped" "$(sql "SELECT state FROM vm_instance WHERE id = 84")"
expect_eq "VMs 87, 88 still left" "87 Running|88 Running|" \
	"$(sql "SELECT id, state FROM vm_instance WHERE id IN (87, 88) ORDER BY id" | tr '\t' ' ' | tr '\n' '|')"
pass "a Done CloudStack row defers nothing"

# 4. the work job's server dies: 87 is reconciled
sql "UPDATE mshost SET last_update = UTC_TIMESTAMP() - INTERVAL 10 MINUTE WHERE msid = 1111"
hw reconcile --host 6
expect_rc 0 "after server death"
expect_eq "VM 87" "Stopped" "$(sql "SELECT state FROM vm_instance WHERE id = 87")"
pass "a work job on a dead server defers nothing"
