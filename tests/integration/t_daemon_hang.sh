#!/bin/bash
# t_daemon_hang.sh -- a hung host (heartbeat stops, BMC still on) is fenced
# and then reconciled; when it comes back it is not fenced again.
#
# Host 2's heartbeat writer dies while its BMC keeps reporting "on".  After
# dead_after (S1: other hosts still beat on the same pool) hawatch powers
# it off through the BMC, reads the power back until off, records the fence
# with its evidence, and reconciles the host.  Then the host is powered on
# again: its heartbeat returns, hawatch reports it and clears the fence
# record; when the heartbeat stops again soon after, it is not fenced again
# (rearm_after), so no fence loop.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
simcluster_start 3 3
hawatch_start a
for h in 1 2 3; do wait_state a $h alive 20 || fail "host $h never alive"; done
sleep 2		# past startup_grace

ipmisim_crash_host h2
wait_state a 2 fenced 30 || fail "hung host 2 not fenced: $(cat "$T/status-a.json.txt"; tail -20 "$T/hawatch-a.log")"
expect_eq "host 2 BMC power" 0 "$(ipmisim_power h2)"
expect_eq "power-offs sent to host 2" 1 "$(grep -c 'set power 0' "$(ipmisim_hostdir h2)/chassis.log")"
grep -qE 'set (reset|shutdown)' "$(ipmisim_hostdir h2)/chassis.log" && fail "hawatch cycled or reset a host"
reconciled() { [ "$(sql "SELECT COUNT(*) FROM vm_instance WHERE last_host_id = 2 AND state = 'Stopped'")" = 3 ]; }
wait_for 20 reconciled || fail "host 2 not reconciled after the fence"
expect_eq "hosts 1 and 3 never fenced" "1 1" "$(ipmisim_power h1) $(ipmisim_power h3)"
expect_eq "fence audit" "host.fence_requested
host.fence_result" "$(sql "SELECT action FROM hawatch.audit WHERE host_id = 2 AND action LIKE 'host.fence%' ORDER BY id")"
sql "SELECT evidence FROM hawatch.audit WHERE action = 'host.fence_requested'" | grep -q '"why":"hb_dead"' \
	|| fail "fence evidence: $(sql "SELECT evidence FROM hawatch.audit WHERE action = 'host.fence_requested'")"
expect_eq "fence result" off_confirmed "$(sql "SELECT reason FROM hawatch.audit WHERE action = 'host.fence_result'")"
pass "hung host fenced (one power-off, read back off), audited, reconciled"

# the host comes back: reported, fence record cleared, not fenced again
ipmisim_power_on h2
wait_state a 2 returned 20 || fail "returned host not reported: $(cat "$T/status-a.json.txt")"
grep -q "event=host.returned host=2" "$T/hawatch-a.log" || fail "return not logged"
expect_eq "fence record cleared" 1 "$(sql "SELECT COUNT(*) FROM hawatch.fenced_host WHERE host_id = 2 AND cleared_at IS NOT NULL")"
ipmisim_crash_host h2
sleep 8		# two dead_after periods
expect_eq "host 2 not fenced again within rearm_after" 1 \
	"$(grep -c 'set power 0' "$(ipmisim_hostdir h2)/chassis.log")"
expect_eq "one fence request in the audit" 1 "$(sql "SELECT COUNT(*) FROM hawatch.audit WHERE action = 'host.fence_requested'")"
pass "heartbeat returned after the fence: reported, and no fence loop"
