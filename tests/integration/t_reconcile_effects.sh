#!/bin/bash
# t_reconcile_effects.sh -- CloudStack's side effects of the forced stop, written in the
# reconcile's one transaction exactly as CloudStack 4.22 writes them
# (/work/shared/reference/cloudstack-stop.md; rows in tests/sql/seed-12922-effects.sql).
#
# Expect: a dry run that shows them and writes nothing; then usage_event VM.STOP for the user
# VMs whose old state was Running/Stopping and display_vm=1 (87, 88 custom, 96), one
# NETWORK.OFFERING.REMOVE per non-removed NIC, usage_event_details for the custom offering;
# nothing for the Starting VM 95, the display_vm=0 VM 89 or the system VMs; user NICs released
# by strategy and old state (nics_count and check_for_gc only where CloudStack changes them),
# system VMs' NICs left to CloudStack; vm_network_map rows of the user VMs deleted; the
# op_it_work row whose type is the VM's state Done; all in the audit evidence; idempotent.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/reconcile.sh"
seed_db
mariadb_load "$TOP/tests/sql/seed-12922-effects.sql"

effects_digest() {
	sql "SELECT * FROM usage_event ORDER BY id; SELECT * FROM usage_event_details ORDER BY id;
	     SELECT * FROM nics ORDER BY id; SELECT * FROM op_networks ORDER BY id;
	     SELECT * FROM vm_network_map ORDER BY id; SELECT * FROM op_it_work ORDER BY id" | md5sum
}
before="$(cs_digest) $(effects_digest)"

# 1. dry run: the side effects are shown, nothing is written
hw reconcile --host 6 --confirm-fenced --dry-run
expect_rc 0 "dry run"
expect_eq "digest after dry run" "$before" "$(cs_digest) $(effects_digest)"
grep -q "usage: VM.STOP (custom: cpuNumber=4 cpuSpeed=2000 memory=4096) + 1 NETWORK.OFFERING.REMOVE (would write)" "$T/out" \
	|| fail "dry run lacks VM 88's usage events: $(cat "$T/out")"
grep -q "nic 501 (network 200, Start, ExternalGuestNetworkGuru): Reserved -> Allocated, URIs cleared, nics_count -1, check_for_gc" "$T/out" \
	|| fail "dry run lacks NIC 501's release: $(cat "$T/out")"
grep -q "nics: 2, release left to CloudStack (system VM" "$T/out" || fail "router NIC line missing"
grep -q "usage: none (Starting->Stopped has no usage impact)" "$T/out" || fail "VM 95 usage line missing"
grep -q "usage: none (display_vm=0)" "$T/out" || fail "VM 89 usage line missing"
grep -q "capacity and resource counts left to CloudStack's own recalculation (every 300 s)" "$T/out" \
	|| fail "capacity line missing"
pass "dry run shows the side effects and writes nothing"

# 2. the real thing
t0=$(sql "SELECT UTC_TIMESTAMP()")
t0s=$(sql "SELECT UNIX_TIMESTAMP()")
hw reconcile --host 6 --confirm-fenced
expect_rc 0 "reconcile"
t1=$(sql "SELECT UTC_TIMESTAMP()")
expect_eq "VM states" "87 Stopped|88 Stopped|89 Stopped|90 Migrating|95 Stopped|96 Stopped|" \
	"$(sql "SELECT id, state FROM vm_instance WHERE id IN (87,88,89,90,95,96) ORDER BY id" | tr '\t' ' ' | tr '\n' '|')"
expect_eq "usage events" "VM.STOP	2	1	87	vm87	1	2	NULL	KVM	0	NULL
NETWORK.OFFERING.REMOVE	2	1	87	501	10	NULL	0	NULL	0	NULL
NETWORK.OFFERING.REMOVE	2	1	87	502	11	NULL	0	NULL	0	NULL
VM.STOP	3	1	88	vm88	6	2	NULL	KVM	0	NULL
NETWORK.OFFERING.REMOVE	3	1	88	503	10	NULL	0	NULL	0	NULL
VM.STOP	2	1	96	vm96	1	2	NULL	KVM	0	NULL
NETWORK.OFFERING.REMOVE	2	1	96	506	11	NULL	0	NULL	0	NULL" \
	"$(sql "SELECT type, account_id, zone_id, resource_id, resource_name, IFNULL(offering_id,'NULL'),
	               IFNULL(template_id,'NULL'), IFNULL(size,'NULL'), IFNULL(resource_type,'NULL'), processed,
	               IFNULL(virtual_size,'NULL') FROM usage_event WHERE id > 1000 ORDER BY id")"
expect_eq "usage events created now" 0 \
	"$(sql "SELECT COUNT(*) FROM usage_event WHERE id > 1000 AND created NOT BETWEEN '$t0' AND '$t1'")"
expect_eq "earlier usage event untouched" "VM.START	1" "$(sql "SELECT type, processed FROM usage_event WHERE id = 1000")"
expect_eq "usage event details" "cpuNumber	4
cpuSpeed	2000
memory	4096" "$(sql "SELECT d.name, d.value FROM usage_event_details d JOIN usage_event e ON e.id = d.usage_event_id
                   WHERE e.type = 'VM.STOP' AND e.resource_id = 88 ORDER BY d.name")"
expect_eq "details only for 88" 3 "$(sql "SELECT COUNT(*) FROM usage_event_details")"
pass "usage_event and usage_event_details rows as CloudStack writes them"

expect_eq "NICs" "501	Allocated	NULL	NULL	10.0.0.87	02:00:3a:00:00:57	r-87
502	Allocated	vlan://200	vlan://200	10.2.0.87	1e:00:a1:00:00:57	r-87
503	Allocated	NULL	NULL	10.0.0.88	02:00:3a:00:00:58	r-88
504	Allocated	NULL	NULL	10.0.0.89	02:00:3a:00:00:59	r-89
505	Allocated	NULL	NULL	10.0.0.95	02:00:3a:00:00:5f	r-95
506	Allocated	vlan://200	vlan://200	10.2.0.96	1e:00:a1:00:00:60	NULL
507	Allocated	NULL	NULL	NULL	02:00:3a:00:01:57	NULL
508	Reserved	vlan://100	vlan://100	10.0.0.1	02:00:3a:00:00:01	r-78
509	Reserved	NULL	NULL	169.254.0.78	0e:00:a9:fe:00:4e	r-78
510	Reserved	vlan://100	vlan://100	10.0.0.92	02:00:3a:00:00:5c	r-92" \
	"$(sql "SELECT id, state, IFNULL(broadcast_uri,'NULL'), IFNULL(isolation_uri,'NULL'), IFNULL(ip4_address,'NULL'),
	               mac_address, IFNULL(reservation_id,'NULL') FROM nics ORDER BY id")"
expect_eq "op_networks" "200	7	1
201	3	1
202	6	0" "$(sql "SELECT id, nics_count, check_for_gc FROM op_networks ORDER BY id")"
expect_eq "vm_network_map left" "7	92	200
8	78	200" "$(sql "SELECT id, vm_id, network_id FROM vm_network_map ORDER BY id")"
pass "NICs released by strategy and old state, nics_count and check_for_gc, vm_network_map"

expect_eq "op_it_work" "it000000-0000-4000-8000-000000000078	Running	Done
it000000-0000-4000-8000-000000000087	Running	Done
it000000-0000-4000-8000-000000000092	Running	Started
it000000-0000-4000-8000-000000000095	Starting	Done
it000000-0000-4000-8000-000000000187	Migrating	Prepare" \
	"$(sql "SELECT id, type, step FROM op_it_work ORDER BY id")"
expect_eq "op_it_work updated_at now" 3 \
	"$(sql "SELECT COUNT(*) FROM op_it_work WHERE step = 'Done' AND updated_at >= $t0s")"
pass "the op_it_work row whose type is the VM's state is Done"

ev=$(sql "SELECT evidence FROM hawatch.audit WHERE vm_id = 88")
echo "$ev" | grep -q '"side_effects":{"usage_events":\[{"type":"VM.STOP","id":[0-9]*,"offering_id":6,"details":{"cpuNumber":"4","cpuSpeed":"2000","memory":"4096"}},{"type":"NETWORK.OFFERING.REMOVE","nic_id":503,"offering_id":10}\]' \
	|| fail "VM 88's audit evidence lacks its usage events: $ev"
echo "$ev" | grep -q '"id":503,"network_id":200,"state":"Reserved","strategy":"Start","guru":"ExternalGuestNetworkGuru","result":"released","clear_uris":true,"nics_count":-1,"check_for_gc":true' \
	|| fail "VM 88's audit evidence lacks its NIC: $ev"
sql "SELECT evidence FROM hawatch.audit WHERE vm_id = 95" | grep -q '"op_it_work":"it000000-0000-4000-8000-000000000095"' \
	|| fail "VM 95's audit evidence lacks its op_it_work row"
sql "SELECT evidence FROM hawatch.audit WHERE vm_id = 78" | grep -q '"result":"left-to-cloudstack-system-vm"' \
	|| fail "router's audit evidence lacks its NICs"
grep -q "side effects: usage_events=7 usage_event_details=3 nics_released=5 vm_network_map_deleted=6 op_it_work_done=3" "$T/out" \
	|| fail "side-effect summary: $(cat "$T/out")"
pass "every side-effect row in the audit evidence and the report"

# 3. a second run changes nothing
after="$(cs_digest) $(effects_digest)"
hw reconcile --host 6
expect_rc 3 "second run"
expect_eq "digest after second run" "$after" "$(cs_digest) $(effects_digest)"
pass "second run writes nothing"
