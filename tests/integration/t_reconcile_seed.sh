#!/bin/bash
# t_reconcile_seed.sh -- the seed bug (CloudStack #12922), verbatim.
#
# Host 6 is Fenced; VMs 78, 80, 84, 87, 88 (router, console proxy, SSVM and
# two user VMs) are Running on it and their HostDown HA rows are Done.
# Expect: refused without confirmation (nothing written), a dry run that
# writes nothing, then all five Stopped with host_id NULL, last_host_id 6,
# PowerOff, update_count+1 and exactly one new Scheduled HA row each; the
# non-HA VM 89 Stopped without an HA row; the Migrating VM 90 untouched;
# audit rows for every change; a second run changes nothing.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/reconcile.sh"
seed_db

before=$(cs_digest)

# 1. not confirmed: refused, nothing written (not even hawatch's schema)
hw reconcile --host 6
expect_rc 4 "unconfirmed host"
grep -q "not confirmed fenced" "$T/out" || fail "refusal reason missing: $(cat "$T/out")"
expect_eq "digest after refusal" "$before" "$(cs_digest)"
hw_schema_exists && fail "refusal created hawatch's schema"
pass "unconfirmed host refused, nothing written"

# 2. dry run with confirmation: the plan, nothing written
hw reconcile --host 6 --confirm-fenced --dry-run --json
expect_rc 0 "dry run"
expect_eq "digest after dry run" "$before" "$(cs_digest)"
hw_schema_exists && fail "dry run created hawatch's schema"
for id in 78 80 84 87 88; do
	grep -q "\"id\":$id,[^}]*\"result\":\"would-requeue\"" "$T/out" \
		|| fail "dry run does not plan VM $id: $(cat "$T/out")"
done
grep -q '"id":90,[^}]*"result":"migrating"' "$T/out" || fail "VM 90 not reported migrating"
pass "dry run plans the five VMs and writes nothing"

# 3. the real thing
t0=$(( $(date +%s%3N) >> 10 ))
hw reconcile --host 6 --confirm-fenced
expect_rc 0 "reconcile"
t1=$(( $(date +%s%3N) >> 10 ))
declare -A uc=( [78]=100 [80]=35 [84]=30 [87]=13 [88]=18 [89]=7 )
for id in 78 80 84 87 88 89; do
	row=$(sql "SELECT state, IFNULL(host_id,'NULL'), last_host_id, power_state, update_count
	           FROM vm_instance WHERE id = $id")
	expect_eq "VM $id" "Stopped	NULL	6	PowerOff	$((uc[$id] + 1))" "$row"
done
for id in 78 80 84 87 88; do
	n=$(sql "SELECT COUNT(*) FROM op_ha_work w WHERE w.instance_id = $id AND w.step = 'Scheduled'")
	expect_eq "new HA rows for VM $id" 1 "$n"
	row=$(sql "SELECT w.type, w.vm_type = v.type, w.state, IFNULL(w.mgmt_server_id,'NULL'),
	                  w.host_id, w.tried, IFNULL(w.taken,'NULL'), w.reason, w.updated
	           FROM op_ha_work w JOIN vm_instance v ON v.id = w.instance_id
	           WHERE w.instance_id = $id AND w.step = 'Scheduled'")
	expect_eq "HA row for VM $id" "HA	1	Stopped	NULL	6	0	NULL	HostDown	$((uc[$id] + 1))" "$row"
	ttt=$(sql "SELECT time_to_try FROM op_ha_work w WHERE w.instance_id = $id AND w.step = 'Scheduled'")
	[ "$ttt" -ge "$t0" ] && [ "$ttt" -le "$t1" ] \
		|| fail "time_to_try $ttt for VM $id not in [$t0, $t1] (ms >> 10)"
	# the old Done row is left for CloudStack to retire
	expect_eq "old Done row of VM $id" 1 \
		"$(sql "SELECT COUNT(*) FROM op_ha_work WHERE instance_id = $id AND step = 'Done'")"
done
expect_eq "no HA row for non-HA VM 89" 0 "$(sql "SELECT COUNT(*) FROM op_ha_work WHERE instance_id = 89")"
expect_eq "Migrating VM 90 untouched" "Migrating	6	7" \
	"$(sql "SELECT state, host_id, update_count FROM vm_instance WHERE id = 90")"
expect_eq "VMs on other hosts untouched" "92	Running	1
93	Running	2
94	Running	3" "$(sql "SELECT id, state, host_id FROM vm_instance WHERE id IN (92,93,94) ORDER BY id")"
audit=$(sql "SELECT action, IFNULL(vm_id,'-'), IFNULL(ha_work_id IS NOT NULL,'-')
             FROM hawatch.audit ORDER BY id")
expect_eq "audit rows" "host.confirmed_fenced	-	0
vm.stopped_requeued	78	1
vm.stopped_requeued	80	1
vm.stopped_requeued	84	1
vm.stopped_requeued	87	1
vm.stopped_requeued	88	1
vm.stopped	89	0" "$audit"
sql "SELECT evidence FROM hawatch.audit WHERE vm_id = 87" | grep -q '"last_ha":"#84 HostDown Done"' \
	|| fail "audit evidence lacks the Done HA row: $(sql "SELECT evidence FROM hawatch.audit WHERE vm_id = 87")"
grep -q "host 6" "$T/out" && grep -q "reconciled=6 requeued=5 migrating=1 skipped=0 deferred=0 statements=" "$T/out" \
	|| fail "summary line: $(cat "$T/out")"
pass "five seed VMs Stopped and re-queued, VM 89 stopped, VM 90 reported, audit complete"

# 4. a second run changes nothing
after=$(cs_digest)
naudit=$(sql "SELECT COUNT(*) FROM hawatch.audit")
hw reconcile --host 6
expect_rc 3 "second run"
expect_eq "digest after second run" "$after" "$(cs_digest)"
expect_eq "audit after second run" "$naudit" "$(sql "SELECT COUNT(*) FROM hawatch.audit")"
hw reconcile --all --json
expect_rc 3 "--all after reconcile"
expect_eq "digest after --all" "$after" "$(cs_digest)"
pass "second run and --all change nothing"
