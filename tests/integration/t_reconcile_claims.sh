#!/bin/bash
# t_reconcile_claims.sh -- HA work held by a dead management server.
#
# Rows claimed by a management server that is dead by CloudStack's own test
# (removed set, or last_update older than ms_dead_after by the DATABASE
# clock: 2222 is stale, 3333 is removed though it heartbeats) and not in
# Done/Cancelled/Error are released as CloudStack's releaseWorkItems would
# (mgmt_server_id and taken cleared).  Rows of a live server are untouched,
# whatever its state: 1111 is PreparingForMaintenance, still heartbeats and
# keeps its claim.  Final rows are untouched.  --dry-run writes nothing; a second run
# has nothing to do; --all releases them too.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/reconcile.sh"
seed_db

add_rows() {
	sql "DELETE FROM op_ha_work WHERE id >= 200;
	     INSERT IGNORE INTO mshost (id, msid, runid, name, uuid, state, version, service_ip, service_port,
	       last_update, removed, alert_count) VALUES
	     (4, 3333, 1774900000004, 'ms-removed', 'e5000000-0000-4000-8000-000000000004', 'Up', '4.22.0.0',
	      '10.1.0.14', 9090, UTC_TIMESTAMP(), UTC_TIMESTAMP() - INTERVAL 1 MINUTE, 0);
	     UPDATE mshost SET state = 'PreparingForMaintenance' WHERE msid = 1111;
	     INSERT INTO op_ha_work (id, instance_id, type, vm_type, state, mgmt_server_id, host_id, created,
	       tried, taken, step, time_to_try, updated, reason) VALUES
	     (200, 92, 'HA', 'User', 'Running', 2222, 1, UTC_TIMESTAMP(), 1, UTC_TIMESTAMP(), 'Investigating', 1, 7, 'HostDown'),
	     (201, 93, 'HA', 'User', 'Running', 2222, 2, UTC_TIMESTAMP(), 1, UTC_TIMESTAMP(), 'Scheduled', 1, 7, 'HostDown'),
	     (202, 92, 'HA', 'User', 'Running', 1111, 1, UTC_TIMESTAMP(), 1, UTC_TIMESTAMP(), 'Investigating', 1, 7, 'HostDown'),
	     (203, 93, 'HA', 'User', 'Running', 2222, 2, UTC_TIMESTAMP(), 1, UTC_TIMESTAMP(), 'Done', 1, 7, 'HostDown'),
	     (204, 93, 'HA', 'User', 'Running', 2222, 2, UTC_TIMESTAMP(), 1, UTC_TIMESTAMP(), 'Error', 1, 7, 'HostDown'),
	     (205, 94, 'HA', 'User', 'Running', 2222, 3, UTC_TIMESTAMP(), 1, UTC_TIMESTAMP(), 'Cancelled', 1, 7, 'HostDown'),
	     (206, 94, 'HA', 'User', 'Running', 3333, 3, UTC_TIMESTAMP(), 1, UTC_TIMESTAMP(), 'Scheduled', 1, 7, 'HostDown')"
}
claims() {
	sql "SELECT id, IFNULL(mgmt_server_id,'NULL'), IF(taken IS NULL,'NULL','set') FROM op_ha_work
	     WHERE id >= 200 ORDER BY id"
}
add_rows
before=$(claims)

hw reconcile --release-claims --dry-run
expect_rc 0 "dry run"
expect_eq "rows after dry run" "$before" "$(claims)"
grep -q "would release" "$T/out" || fail "dry run does not show the plan: $(cat "$T/out")"

hw reconcile --release-claims --json
expect_rc 0 "release"
expect_eq "rows after release" "200	NULL	NULL
201	NULL	NULL
202	1111	set
203	2222	set
204	2222	set
205	2222	set
206	NULL	NULL" "$(claims)"
expect_eq "audit rows" "ha.claim_released	200	92
ha.claim_released	201	93
ha.claim_released	206	94" \
	"$(sql "SELECT action, ha_work_id, vm_id FROM hawatch.audit ORDER BY id")"
sql "SELECT evidence FROM hawatch.audit WHERE ha_work_id = 200" | grep -q '"msid":2222' \
	|| fail "audit evidence lacks the dead msid"
pass "dead (stale, removed) servers' open claims released; PreparingForMaintenance server's and final rows untouched"

hw reconcile --release-claims
expect_rc 3 "second run"

# the live server goes quiet too: --all releases its claim
sql "UPDATE mshost SET last_update = UTC_TIMESTAMP() - INTERVAL 10 MINUTE WHERE msid = 1111"
hw reconcile --all
expect_rc 0 "--all"
expect_eq "claim of the now-dead 1111" "202	NULL	NULL" "$(claims | grep '^202')"
pass "--all releases claims too"
