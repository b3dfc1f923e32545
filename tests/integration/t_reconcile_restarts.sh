#!/bin/bash
# t_reconcile_restarts.sh -- restart assurance (S10) with `hawatch reconcile --all`, real MariaDB
# and the HA-worker fixture (build/itest/haworker) as CloudStack's management servers.
#
# Host 6 of the #12922 seed is reconciled: 11 HA-enabled VMs Stopped and re-queued, each row
# remembered in hawatch.ha_requeue.  Then, step by step:
#   1. a management server starts (workers 0): every unclaimed Scheduled row -> Investigating;
#      reconcile --all heals them back to Scheduled (audit vm.restart_healed);
#   2. a management server with workers starts: start() marks the rows Investigating again and
#      restart() ends them Done, "VM no longer on host" (vm_left_host), nothing restarted;
#   3. controls, left as CloudStack or a user would: 88 restarted elsewhere, 101 removed,
#      102 HA turned off, 103 a pending HA row of its own, 104 a vm_work_job in progress,
#      105 a volume on local storage (from the start), 106 update_count moved while Stopped
#      (a failed start); 89 never was HA-enabled (never queued, never watched);
#   4. with requeue_after 1h nothing is re-queued yet; the controls end as they must;
#   5. re-queue: one new Scheduled row per unchanged VM (78 80 84 87), tried = 1, 2, 3 over three
#      drops (one dropped row purged, as CloudStack's cleanup does);
#   6. a fourth drop: given up, with an alert row in the audit and in the JSON; a second pass
#      writes nothing; a VM then started by hand ends its watch as running.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/reconcile.sh"
HAWORKER=$TOP/build/itest/haworker
[ -x "$HAWORKER" ] || fail "$HAWORKER not built (make)"
seed_db
LIVE=$T/live
printf '1\n2\n3\n' >"$LIVE"
ticks() { echo $(( $(date +%s%3N) >> 10 )); }
sql_is() { [ "$(sql "$2")" = "$1" ]; }
haw() {
	local name=$1
	shift
	: >"$T/$name.log"
	"$HAWORKER" --db-host 127.0.0.1 --db-port "$DB_PORT" --db-user cloud \
		--db-password-file "$DB_PASS_FILE" "$@" 2>"$T/$name.log" &
	HAW_PID=$!
	track "$HAW_PID"
	wait_for 10 grep -q "event=ms.up" "$T/$name.log" \
		|| { cat "$T/$name.log"; fail "haworker $name did not come up"; }
}
haw_stop() {
	local rc=0
	kill -TERM "$1"
	wait "$1" || rc=$?
	[ "$rc" -eq 0 ] || { cat "$2"; fail "haworker exited $rc after SIGTERM"; }
}
cp "$T/hawatch.conf" "$T/later.conf"
echo 'reconcile = { requeue_max = 3; requeue_after = "0s"; };' >>"$T/hawatch.conf"
echo 'reconcile = { requeue_after = "1h"; };' >>"$T/later.conf"
W=hawatch.ha_requeue
rows_of() { sql "SELECT ha_work_id FROM $W WHERE vm_id IN ($1) ORDER BY vm_id" | paste -sd,; }

# --- setup: six more HA-enabled VMs on host 6 (copies of 88), 105's root volume on local storage
for id in 101 102 103 104 105 106; do
	sql "CREATE TEMPORARY TABLE c AS SELECT * FROM vm_instance WHERE id = 88;
	     UPDATE c SET id = $id, name = 'vm$id', uuid = UUID(), instance_name = 'i-2-$id-VM',
	       host_name = 'vm$id', display_name = 'vm$id', update_count = $id;
	     INSERT INTO vm_instance SELECT * FROM c"
done
sql "INSERT INTO storage_pool (id, name, uuid, pool_type, port, data_center_id, pod_id, cluster_id,
       host_address, path, created, status, scope, hypervisor, managed, parent)
     VALUES (2, 'local-6', UUID(), 'Filesystem', 0, 1, 1, 1, '10.1.1.6', '/var/lib/libvirt/images',
       UTC_TIMESTAMP(), 'Up', 'HOST', 'KVM', 0, 0);
     INSERT INTO volumes (id, account_id, domain_id, pool_id, instance_id, device_id, name, uuid, size,
       data_center_id, volume_type, disk_offering_id, created, state, recreatable)
     VALUES (1105, 2, 1, 2, 105, 0, 'ROOT-105', UUID(), 8589934592, 1, 'ROOT', 1, UTC_TIMESTAMP(),
       'Ready', 0)"

hw reconcile --host 6 --confirm-fenced
expect_rc 0 "reconcile host 6"
ALL="78,80,84,87,88,101,102,103,104,105,106"
MAIN="78,80,84,87"
expect_eq "watched VMs" "$ALL" "$(sql "SELECT vm_id FROM $W WHERE status = 'watching' ORDER BY vm_id" | paste -sd,)"
expect_eq "each watch names its Scheduled row, fenced host and written update_count" 11 \
	"$(sql "SELECT COUNT(*) FROM $W r JOIN op_ha_work w ON w.id = r.ha_work_id
	        JOIN vm_instance v ON v.id = r.vm_id WHERE w.step = 'Scheduled' AND w.instance_id = r.vm_id
	        AND r.host_id = 6 AND w.host_id = 6 AND r.update_count = v.update_count
	        AND w.updated = v.update_count AND r.requeues = 0 AND r.given_up = 0")"
expect_eq "non-HA VM 89: Stopped, not queued, not watched" "Stopped 0 0" \
	"$(sql "SELECT v.state, (SELECT COUNT(*) FROM op_ha_work WHERE instance_id = 89 AND id > 85),
	        (SELECT COUNT(*) FROM $W WHERE vm_id = 89) FROM vm_instance v WHERE v.id = 89" | tr '\t' ' ')"
pass "reconcile remembers the 11 HA rows it queued"

# --- 1. a management server starts; hawatch heals --------------------------------------------
R0=$(rows_of "$ALL")
haw msA --msid 7001 --workers 0 --agent-monitor --live-hosts-file "$LIVE" --ping-interval-ms 3600000
wait_for 10 grep -q "event=ha.marked_investigating rows=11 at=start" "$T/msA.log" \
	|| { cat "$T/msA.log"; fail "MS start did not mark the 11 rows"; }
haw_stop "$HAW_PID" "$T/msA.log"
expect_eq "rows Investigating, unclaimed" 11 "$(sql "SELECT COUNT(*) FROM op_ha_work WHERE id IN ($R0)
	AND step = 'Investigating' AND mgmt_server_id IS NULL AND taken IS NULL")"
hw reconcile --all
expect_rc 0 "reconcile --all (heal)"
expect_eq "rows back to Scheduled" 11 "$(sql "SELECT COUNT(*) FROM op_ha_work WHERE id IN ($R0)
	AND step = 'Scheduled' AND mgmt_server_id IS NULL")"
expect_eq "heals counted" 11 "$(sql "SELECT COUNT(*) FROM $W WHERE heals = 1 AND requeues = 0")"
expect_eq "audit: healed" 11 "$(sql "SELECT COUNT(*) FROM hawatch.audit WHERE action = 'vm.restart_healed'
	AND before_state = 'Investigating' AND after_state = 'Scheduled' AND ha_work_id IN ($R0)")"
grep -qE "^  87 +i-2-87-VM +6 +Stopped +0 +heal " "$T/out" || { cat "$T/out"; fail "table line for 87"; }
pass "management-server start: Investigating rows healed back to Scheduled"

# --- 2. a management server with workers starts: the rows are dropped ------------------------
drop() {	# drop NAME: an MS start marks the watched rows, restart() ends them Done
	local rows
	rows=$(sql "SELECT r.ha_work_id FROM $W r JOIN op_ha_work w ON w.id = r.ha_work_id
	            WHERE r.status = 'watching' AND w.step <> 'Done'" | paste -sd,)
	[ -n "$rows" ] || fail "$1: no open row to drop"
	haw "$1" --msid 7002 --workers 2 --scale 1000 --live-hosts-file "$LIVE"
	wait_for 20 sql_is 0 "SELECT COUNT(*) FROM op_ha_work WHERE id IN ($rows) AND step <> 'Done'" \
		|| { cat "$T/$1.log"; fail "$1: rows not Done"; }
	haw_stop "$HAW_PID" "$T/$1.log"
	for w in ${rows//,/ }; do
		grep -q "event=ha.done work=$w .*exit=vm_left_host step=Investigating" "$T/$1.log" \
			|| fail "$1: row $w not dropped as vm_left_host: $(grep "work=$w " "$T/$1.log")"
	done
}
drop msB1
expect_eq "nothing started" 11 "$(sql "SELECT COUNT(*) FROM vm_instance WHERE id IN ($ALL)
	AND state = 'Stopped' AND host_id IS NULL")"
pass "the next management server start drops every row Done (vm_left_host), VMs Stopped"

# --- 3. controls -------------------------------------------------------------------------------
sql "UPDATE vm_instance SET state = 'Running', host_id = 1, last_host_id = 1, power_state = 'PowerOn',
       update_count = update_count + 3 WHERE id = 88;
     UPDATE vm_instance SET state = 'Expunging', removed = UTC_TIMESTAMP() WHERE id = 101;
     UPDATE vm_instance SET ha_enabled = 0 WHERE id = 102;
     INSERT INTO op_ha_work (instance_id, type, vm_type, state, mgmt_server_id, host_id, created,
       tried, taken, step, time_to_try, updated, reason)
     SELECT 103, 'HA', 'User', 'Stopped', NULL, 6, UTC_TIMESTAMP(), 0, NULL, 'Scheduled',
       $(( $(ticks) + 1000000 )), update_count, 'HostDown' FROM vm_instance WHERE id = 103;
     INSERT INTO async_job (id, user_id, account_id, job_cmd, job_status, created, related, job_type,
       job_dispatcher, job_executing_msid) VALUES (9001, 2, 2, 'com.cloud.vm.VmWorkStart', 0,
       UTC_TIMESTAMP(), '9001', 'VmWork', 'VmWorkJobDispatcher', 7002);
     INSERT INTO vm_work_job (id, step, vm_type, vm_instance_id) VALUES (9001, 'Prepare', 'User', 104);
     UPDATE vm_instance SET update_count = update_count + 2 WHERE id = 106"
pass "controls arranged"

# --- 4. requeue_after not elapsed: nothing re-queued; the controls end -------------------------
n0=$(sql "SELECT COUNT(*) FROM op_ha_work")
HWCONF=$T/later.conf hw reconcile --all --json
expect_rc 3 "reconcile --all, requeue_after 1h"
expect_eq "no row queued" "$n0" "$(sql "SELECT COUNT(*) FROM op_ha_work")"
verdicts() { sql "SELECT vm_id, status, IFNULL(verdict, '-') FROM $W ORDER BY vm_id" | tr '\t' ' ' | paste -sd' '; }
expect_eq "watches after the controls" "78 watching heal 80 watching heal 84 watching heal 87 watching heal 88 running running 101 removed removed 102 not_ha not_ha 103 watching heal 104 watching heal 105 given_up local_storage 106 given_up start_failed" "$(verdicts)"
for v in 78 80 84 87; do
	grep -q "{\"vm_id\":$v,[^}]*\"verdict\":\"requeue_later\"" "$T/out" || fail "JSON $v: $(cat "$T/out")"
done
for v in 103 104; do
	grep -q "{\"vm_id\":$v,[^}]*\"verdict\":\"defer\"" "$T/out" || fail "JSON $v not deferred"
done
grep -q '{"vm_id":105,[^}]*"given_up":true' "$T/out" || fail "JSON 105 not given up"
expect_eq "audit: given up / resolved" "vm.restart_given_up 105 local_storage
vm.restart_given_up 106 start_failed
vm.restart_resolved 88 running
vm.restart_resolved 101 removed
vm.restart_resolved 102 not_ha" "$(sql "SELECT action, vm_id, reason FROM hawatch.audit
	WHERE action IN ('vm.restart_given_up', 'vm.restart_resolved') ORDER BY action, vm_id" | tr '\t' ' ')"
pass "spacing holds; restarted, removed, non-HA VMs resolved; local storage and failed start told"

# --- 5. re-queue, three times ---------------------------------------------------------------
for n in 1 2 3; do
	old=$(rows_of "$MAIN")
	if [ "$n" = 2 ]; then	# CloudStack's cleanup purges Done rows: 80's vanishes
		sql "DELETE FROM op_ha_work WHERE id = $(sql "SELECT ha_work_id FROM $W WHERE vm_id = 80")"
	fi
	hw reconcile --all --json
	expect_rc 0 "re-queue $n"
	new=$(rows_of "$MAIN")
	expect_eq "re-queue $n: one new Scheduled row per unchanged VM" 4 \
		"$(sql "SELECT COUNT(*) FROM op_ha_work w JOIN vm_instance v ON v.id = w.instance_id
		        JOIN $W r ON r.ha_work_id = w.id
		        WHERE w.id IN ($new) AND w.id NOT IN ($old) AND w.type = 'HA' AND w.step = 'Scheduled'
		        AND w.state = 'Stopped' AND w.tried = $n AND w.updated = v.update_count
		        AND w.host_id = 6 AND w.reason = 'HostDown' AND w.mgmt_server_id IS NULL
		        AND w.taken IS NULL AND w.vm_type = v.type AND r.requeues = $n")"
	expect_eq "re-queue $n: controls untouched" 0 "$(sql "SELECT COUNT(*) FROM op_ha_work
		WHERE instance_id IN (88,89,101,102,104,105,106) AND step <> 'Done'")"
	expect_eq "re-queue $n: 103 keeps only its own row" 1 \
		"$(sql "SELECT COUNT(*) FROM op_ha_work WHERE instance_id = 103 AND step <> 'Done'")"
	expect_eq "audit: re-queued" $((4 * n)) \
		"$(sql "SELECT COUNT(*) FROM hawatch.audit WHERE action = 'vm.restart_requeued'")"
	drop "msB$((n + 1))"
done
pass "dropped rows re-queued three times (tried 1, 2, 3), a purged row counted as ended"

# --- 6. given up, told, idempotent; a VM started by hand ends its watch ---------------------
n0=$(sql "SELECT COUNT(*) FROM op_ha_work")
hw reconcile --all --json
expect_rc 3 "reconcile --all after the fourth drop"
expect_eq "no fourth re-queue" "$n0" "$(sql "SELECT COUNT(*) FROM op_ha_work")"
expect_eq "given up" "78 80 84 87 105 106" \
	"$(sql "SELECT vm_id FROM $W WHERE status = 'given_up' AND given_up = 1 ORDER BY vm_id" | paste -sd' ')"
expect_eq "audit: given up after 3 re-queues" 4 "$(sql "SELECT COUNT(*) FROM hawatch.audit
	WHERE action = 'vm.restart_given_up' AND reason = 'given_up' AND vm_id IN ($MAIN)
	AND evidence LIKE '%\"requeues\":3%'")"
grep -q '"given_up":6' "$T/out" || fail "JSON summary: $(head -c 400 "$T/out")"
grep -q '{"vm_id":87,[^}]*"requeues":3,[^}]*"verdict":"given_up","status":"given_up","given_up":true' "$T/out" \
	|| fail "JSON 87: $(grep -o '{"vm_id":87[^}]*}' "$T/out")"
a0=$(sql "SELECT COUNT(*) FROM hawatch.audit")
hw reconcile --all
expect_rc 3 "second pass"
expect_eq "second pass writes nothing" "$a0 $n0" \
	"$(sql "SELECT (SELECT COUNT(*) FROM hawatch.audit), (SELECT COUNT(*) FROM op_ha_work)" | tr '\t' ' ')"
grep -qE "^  87 +i-2-87-VM .*GIVEN UP: " "$T/out" || { cat "$T/out"; fail "table: 87 not shown given up"; }
sql "UPDATE vm_instance SET state = 'Running', host_id = 2, last_host_id = 2, update_count = update_count + 3
     WHERE id = 87"
hw reconcile --all
expect_eq "87 started by hand: watch ends running" "running 1" \
	"$(sql "SELECT status, given_up FROM $W WHERE vm_id = 87" | tr '\t' ' ')"
pass "after 3 re-queues: given up with an alert (audit, JSON, table), idempotent, ends when the VM runs"
