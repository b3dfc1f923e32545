#!/bin/bash
# t_daemon_two.sh -- two hawatch instances: one leads, the other takes over.
#
# Instances a and b watch the same cluster.  Exactly one holds the
# leadership lock; only it fences or writes (S4).  Host 3 is powered off
# and reconciled once.  The leader is killed with SIGKILL: the standby
# takes over within a few seconds, and host 2, powered off next, is
# reconciled by the new leader.  The audit shows every VM reconciled
# exactly once, each by the instance that led at the time.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
simcluster_start 3 3
simcluster_conf "$T/a.conf" a
simcluster_conf "$T/b.conf" b
hawatch_start a "$T/a.conf"
hawatch_start b "$T/b.conf"
for n in a b; do for h in 1 2 3; do wait_state $n $h alive 20 || fail "$n: host $h never alive"; done; done
leaders() { grep -l '"leader":true' "$T"/status-a.json "$T"/status-b.json 2>/dev/null | wc -l; }
wait_for 10 test "$(leaders)" = 1 || fail "expected exactly one leader"
lead=$(grep -l '"leader":true' "$T"/status-a.json "$T"/status-b.json | sed 's/.*status-\(.\).json/\1/')
other=$([ "$lead" = a ] && echo b || echo a)
expect_eq "leader row" "$lead" "$(sql "SELECT instance FROM hawatch.leader")"
pass "exactly one leader ($lead), the other ($other) stands by"

ipmipower --config-file="$(ipmisim_hostdir h3)/freeipmi.conf" -h "127.0.0.1:$(ipmisim_port h3)" --off >/dev/null
host3_done() { [ "$(vms_running_on 3)" = 0 ]; }
wait_for 20 host3_done || fail "host 3 not reconciled"
wait_state "$other" 3 fenced 10 || fail "standby does not see host 3 fenced"
sleep 2	# both instances keep ticking on the fenced host
grep -q "event=reconcile.done" "$T/hawatch-$other.log" && fail "the standby reconciled"
pass "host 3 reconciled by the leader only"

kill -KILL "$(hawatch_pid "$lead")"
t0=$SECONDS
wait_for 20 grep -q '"leader":true' "$T/status-$other.json" || fail "standby never took over"
echo "takeover after $((SECONDS - t0)) s"
grep -q "event=leader.acquired instance=$other" "$T/hawatch-$other.log" || fail "takeover not logged"
ipmipower --config-file="$(ipmisim_hostdir h2)/freeipmi.conf" -h "127.0.0.1:$(ipmisim_port h2)" --off >/dev/null
host2_done() { [ "$(vms_running_on 2)" = 0 ]; }
wait_for 20 host2_done || fail "host 2 not reconciled by the new leader"
pass "leader killed: $other took over and reconciled host 2"

expect_eq "audit rows per VM" "" \
	"$(sql "SELECT vm_id FROM hawatch.audit WHERE vm_id IS NOT NULL GROUP BY vm_id HAVING COUNT(*) <> 1")"
expect_eq "host 3 reconciled by the first leader" "hawatch:$lead" \
	"$(sql "SELECT DISTINCT actor FROM hawatch.audit WHERE host_id = 3")"
expect_eq "host 2 reconciled by the second leader" "hawatch:$other" \
	"$(sql "SELECT DISTINCT actor FROM hawatch.audit WHERE host_id = 2")"
expect_eq "one HA row per re-queued VM" "" \
	"$(sql "SELECT instance_id FROM op_ha_work GROUP BY instance_id HAVING COUNT(*) <> 1")"
pass "no double actions in the audit"
