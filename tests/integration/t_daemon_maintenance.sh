#!/bin/bash
# t_daemon_maintenance.sh -- hosts hawatch must leave alone.
#
# Host 2 is excluded by an operator (`hawatch maintenance on`), host 3 is
# in CloudStack Maintenance.  Both hang: neither is fenced nor reconciled.
# After `hawatch maintenance off`, host 2 is watched again from fresh
# evidence and, still hung, is fenced and reconciled.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
simcluster_start 4 2
"$HAWATCH" --config "$T/hawatch.conf" maintenance on --host 2 --reason "disk swap" >"$T/out" 2>&1 \
	|| fail "maintenance on: $(cat "$T/out")"
sql "UPDATE host SET resource_state = 'Maintenance' WHERE id = 3"
hawatch_start a
wait_state a 2 ignored 20 || fail "host 2 not ignored: $(cat "$T/status-a.json.txt")"
wait_state a 3 ignored 20 || fail "host 3 not ignored"
sleep 2
ipmisim_crash_host h2
ipmisim_crash_host h3
sleep 8
expect_eq "excluded and maintenance hosts not fenced" "1 1" "$(ipmisim_power h2) $(ipmisim_power h3)"
expect_eq "their VMs untouched" "2 2" "$(vms_running_on 2) $(vms_running_on 3)"
"$HAWATCH" --config "$T/hawatch.conf" maintenance list >"$T/out" 2>&1
grep -qE "^2 .*disk swap" "$T/out" || fail "maintenance list: $(cat "$T/out")"
pass "operator exclusion and CloudStack Maintenance: nothing fenced"

"$HAWATCH" --config "$T/hawatch.conf" maintenance off --host 2 >"$T/out" 2>&1 || fail "maintenance off"
wait_state a 2 fenced 30 || fail "host 2 not fenced after maintenance off: $(cat "$T/status-a.json.txt")"
gone() { [ "$(vms_running_on 2)" = 0 ]; }
wait_for 10 gone || fail "host 2 not reconciled"
expect_eq "host 3 still untouched" 1 "$(ipmisim_power h3)"
expect_eq "audit of the exclusion" "host.excluded
host.included" "$(sql "SELECT action FROM hawatch.audit WHERE action LIKE 'host.%cluded' ORDER BY id")"
pass "after maintenance off the hung host is fenced and reconciled"
