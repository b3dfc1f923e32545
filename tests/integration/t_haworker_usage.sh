#!/bin/bash
# t_haworker_usage.sh -- after hawatch's reconcile, the HA-worker fixture restarts the VMs and
# its usage and NIC model (tests/itest/haworker/usage_nics.c) writes what CloudStack's start
# path writes: NICs Reserved again (nics_count +1 per user NIC), NETWORK.OFFERING.ASSIGN per NIC
# and VM.START (+ details for the custom offering).  Together with hawatch's VM.STOP and
# NETWORK.OFFERING.REMOVE rows the usage server sees a closed outage: STOP ... START for each
# restarted VM; and op_networks.nics_count is balanced again (no network stays un-GC-able).
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/reconcile.sh"
HAWORKER=$TOP/build/itest/haworker
[ -x "$HAWORKER" ] || fail "$HAWORKER not built (make)"
seed_db
mariadb_load "$TOP/tests/sql/seed-12922-effects.sql"

LIVE=$T/live
printf '1\n2\n3\n' >"$LIVE"
printf '#!/bin/sh\nexit 0\n' >"$T/hook.sh"
chmod +x "$T/hook.sh"
"$HAWORKER" --db-host 127.0.0.1 --db-port "$DB_PORT" --db-user cloud --db-password-file "$DB_PASS_FILE" \
	--msid 5555 --scale 1000 --investigator hostha --live-hosts-file "$LIVE" \
	--start-hook "$T/hook.sh" 2>"$T/hw.log" &
HAW_PID=$!
track "$HAW_PID"
wait_for 10 grep -q "event=ms.up" "$T/hw.log" || { cat "$T/hw.log"; fail "haworker did not come up"; }

hw reconcile --host 6 --confirm-fenced
expect_rc 0 "reconcile"
sql_is() { [ "$(sql "$2")" = "$1" ]; }
wait_for 20 sql_is "78 Running|80 Running|84 Running|87 Running|88 Running|89 Stopped|95 Running|96 Stopped|" \
	"SELECT GROUP_CONCAT(CONCAT(id, ' ', state, '|') ORDER BY id SEPARATOR '') FROM vm_instance
	 WHERE id IN (78,80,84,87,88,89,95,96)" \
	|| { sql "SELECT id, state, host_id FROM vm_instance WHERE id IN (78,80,84,87,88,89,95,96)"; cat "$T/hw.log";
	     fail "VMs not restarted"; }
kill -TERM "$HAW_PID"
wait "$HAW_PID" || true

expect_eq "usage events of 87 (outage closed)" "VM.START	1000
VM.STOP	87
NETWORK.OFFERING.REMOVE	501
NETWORK.OFFERING.REMOVE	502
NETWORK.OFFERING.ASSIGN	501:1
NETWORK.OFFERING.ASSIGN	502:0
VM.START	87" \
	"$(sql "SELECT type, IF(type LIKE 'NETWORK%', CONCAT(resource_name, IF(type LIKE '%ASSIGN', CONCAT(':', size), '')),
	               IF(id = 1000, 1000, resource_id)) FROM usage_event WHERE resource_id = 87 ORDER BY id")"
expect_eq "custom-offering details of 88's STOP and START" "VM.STOP	cpuNumber	4
VM.STOP	cpuSpeed	2000
VM.STOP	memory	4096
VM.START	cpuNumber	4
VM.START	cpuSpeed	2000
VM.START	memory	4096" \
	"$(sql "SELECT e.type, d.name, d.value FROM usage_event e JOIN usage_event_details d ON d.usage_event_id = e.id
	        WHERE e.resource_id = 88 ORDER BY e.id, d.name")"
expect_eq "no usage events for 89 (display_vm=0), 95 STOP-less, system VMs none" "95	VM.START" \
	"$(sql "SELECT resource_id, type FROM usage_event WHERE resource_id IN (78,80,84,89,95) AND type LIKE 'VM.%' ORDER BY id")"
pass "usage: hawatch's VM.STOP/REMOVE then the restart's ASSIGN/VM.START"

expect_eq "NICs of restarted VMs Reserved with their URIs again" "501	Reserved	vlan://100	vlan://100
502	Reserved	vlan://200	vlan://200
503	Reserved	vlan://100	vlan://100
504	Allocated	NULL	NULL
505	Reserved	vlan://100	vlan://100
506	Allocated	vlan://200	vlan://200" \
	"$(sql "SELECT id, state, IFNULL(broadcast_uri,'NULL'), IFNULL(isolation_uri,'NULL') FROM nics
	        WHERE id BETWEEN 501 AND 506 ORDER BY id")"
expect_eq "nics_count balanced" "200	10
201	4
202	6" "$(sql "SELECT id, nics_count FROM op_networks ORDER BY id")"
pass "NICs re-reserved and nics_count balanced after the restarts"
