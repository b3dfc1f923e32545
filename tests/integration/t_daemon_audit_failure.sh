#!/bin/bash
# t_daemon_audit_failure.sh -- a fence whose fence_requested audit row
# cannot be written is not sent and not counted; it goes out on the first
# tick the write succeeds (issue 11, "Audit failure burns the fence
# budget").
#
# hawatch.audit is renamed away (inserts fail, as on a read-only or full
# database) and host 2 hangs.  Expected while the write fails: no power-off
# is sent, host 2 stays dead with hold audit_failed and 0 attempts (about
# three minutes of this used to spend the whole budget and leave the host
# unfenceable for good).  Once the table is back: exactly one power-off,
# one host.fence_requested row, hawatch.fence_attempt says attempt 1, and
# the host is fenced and reconciled.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
simcluster_start 3 3
hawatch_start a
for h in 1 2 3; do wait_state a $h alive 20 || fail "host $h never alive"; done
sleep 2		# past startup_grace
wait_for 10 test -n "$(sql "SHOW TABLES FROM hawatch LIKE 'audit'")" || fail "no hawatch schema"

sql "RENAME TABLE hawatch.audit TO hawatch.audit_off"
ipmisim_crash_host h2
wait_for 20 grep -q "event=fence.not_started host=2" "$T/hawatch-a.log" ||
	fail "no fence.not_started: $(tail -20 "$T/hawatch-a.log")"
sleep 5		# many ticks of failing writes
held() { grep -q '{"id":2,[^]]*"state":"dead"[^]]*"hold":"audit_failed"[^]]*"fence_attempts":0' "$T/status-a.json"; }
wait_for 5 held || fail "host 2 not dead/audit_failed/0 attempts: $(cat "$T/status-a.json")"
expect_eq "host 2 power while the audit fails" 1 "$(ipmisim_power h2)"
grep -q 'set power 0' "$(ipmisim_hostdir h2)/chassis.log" && fail "power-off sent without an audit row"
n=$(grep -c "event=fence.not_started host=2" "$T/hawatch-a.log")
[ "$n" -ge 5 ] || fail "the fence was not asked again each tick ($n)"
grep -q "event=alert.raise host=2 .*why=audit_failed" "$T/hawatch-a.log" || fail "no audit_failed alert"
pass "audit write failing: fence not sent, host 2 dead with hold audit_failed, 0 attempts ($n tries)"

sql "RENAME TABLE hawatch.audit_off TO hawatch.audit"
wait_state a 2 fenced 20 || fail "host 2 not fenced once the audit works: $(tail -20 "$T/hawatch-a.log")"
expect_eq "power-offs sent to host 2" 1 "$(grep -c 'set power 0' "$(ipmisim_hostdir h2)/chassis.log")"
expect_eq "fence_requested rows" 1 "$(sql "SELECT COUNT(*) FROM hawatch.audit WHERE host_id = 2 AND action = 'host.fence_requested'")"
expect_eq "recorded attempts" 1 "$(sql "SELECT attempts FROM hawatch.fence_attempt WHERE host_id = 2")"
reconciled() { [ "$(sql "SELECT COUNT(*) FROM vm_instance WHERE last_host_id = 2 AND state = 'Stopped'")" = 3 ]; }
wait_for 20 reconciled || fail "host 2 not reconciled"
expect_eq "hosts 1 and 3 never fenced" "1 1" "$(ipmisim_power h1) $(ipmisim_power h3)"
pass "audit back: one fence sent at once (attempt 1 recorded), host 2 fenced and reconciled"
