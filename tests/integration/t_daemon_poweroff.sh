#!/bin/bash
# t_daemon_poweroff.sh -- a host powered off through its BMC is reconciled.
#
# `hawatch run` watches 3 simulated hosts (heartbeats on nfs-ganesha,
# ipmi_sim BMCs, MariaDB).  Powering host 2 off through its BMC kills its
# heartbeat writer; two "off" readings confirm it (S2, no heartbeat
# timeout needed), and the daemon reconciles it: its VMs Stopped and
# re-queued, a fence record and audit rows written, hosts 1 and 3 untouched.
# Also: `hawatch status` shows the state, power, heartbeat age and the last
# action, and names the leader; SIGTERM ends the daemon cleanly.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
simcluster_start 3 5
hawatch_start a
wait_for 20 test -f "$T/status-a.json" || fail "daemon wrote no status: $(tail "$T/hawatch-a.log")"
for h in 1 2 3; do wait_state a $h alive 20 || fail "host $h never alive: $(cat "$T/status-a.json.txt")"; done

ipmipower --config-file="$(ipmisim_hostdir h2)/freeipmi.conf" -h "127.0.0.1:$(ipmisim_port h2)" --off >/dev/null
wait_state a 2 fenced 20 || fail "host 2 not fenced after power off: $(cat "$T/status-a.json.txt")"
done_reconcile() { [ "$(sql "SELECT COUNT(*) FROM vm_instance WHERE last_host_id = 2 AND state = 'Stopped' AND host_id IS NULL AND power_state = 'PowerOff'")" = 5 ]; }
wait_for 20 done_reconcile || fail "host 2's VMs not reconciled: $(tail -20 "$T/hawatch-a.log")"
expect_eq "HA rows for host 2's HA-enabled VMs" 4 \
	"$(sql "SELECT COUNT(*) FROM op_ha_work WHERE host_id = 2 AND step = 'Scheduled' AND reason = 'HostDown' AND type = 'HA'")"
expect_eq "hosts 1 and 3 untouched" 10 "$(sql "SELECT COUNT(*) FROM vm_instance WHERE host_id IN (1,3) AND state = 'Running'")"
expect_eq "fence record" "bmc" "$(sql "SELECT source FROM hawatch.fenced_host WHERE host_id = 2 AND cleared_at IS NULL")"
expect_eq "audit rows for host 2" "host.confirmed_fenced 1
vm.stopped 1
vm.stopped_requeued 4" "$(sql "SELECT action, COUNT(*) FROM hawatch.audit WHERE host_id = 2 GROUP BY action ORDER BY action" | tr '\t' ' ')"
grep -qE "event=core.transition host=2 from=[a-z]+ to=fenced why=power_off_confirmed" "$T/hawatch-a.log" \
	|| fail "transition not logged"
grep -q "event=reconcile.done host=2 reconciled=5 requeued=4" "$T/hawatch-a.log" || fail "reconcile not logged"
grep -c "set power 0" "$(ipmisim_hostdir h2)/chassis.log" | grep -qx 1 || fail "hawatch sent a power command to an already-off host"
pass "power-off confirmed by the BMC: host 2 reconciled, others untouched"

# the change was confirmed by an extra read and woke the round at once,
# over kept sessions (one handshake per BMC at start, none per poll)
bmcj=$(grep -o '"bmc":{[^}]*}' "$T/status-a.json")
jn() { grep -o "\"$1\":[0-9]*" <<<"$bmcj" | cut -d: -f2; }
[ "$(jn confirms)" -ge 1 ] || fail "no confirming read: $bmcj"
[ "$(jn woken_ticks)" -ge 1 ] || fail "no woken round: $bmcj"
[ "$(jn reads_reused)" -gt "$(jn opens)" ] || fail "sessions not kept: $bmcj"
pass "event-driven: confirming read and woken rounds; sessions kept ($bmcj)"

# the Done gate keeps running: a VM a racing writer puts back Running is repaired
sql "UPDATE vm_instance SET state = 'Running', host_id = 2, update_count = update_count + 1 WHERE id = 2001"
vm2001_stopped() { [ "$(sql "SELECT state FROM vm_instance WHERE id = 2001")" = Stopped ]; }
wait_for 10 vm2001_stopped || fail "VM put back Running on the fenced host was not reconciled again"
pass "Done gate: a VM recorded Running on the fenced host again is reconciled again"

hw_status() { "$HAWATCH" --config "$T/hawatch.conf" status "$@" >"$T/st.out" 2>&1; }
hw_status || fail "status failed: $(cat "$T/st.out")"
grep -q "^leader: a " "$T/st.out" || fail "status does not name the leader: $(cat "$T/st.out")"
grep -E "^2 +sim02 .* fenced .* off .* reconciled [0-9]+ VMs" "$T/st.out" >/dev/null \
	|| fail "status line for host 2: $(cat "$T/st.out")"
hw_status --json || fail "status --json failed"
grep -q '"leader":{"instance":"a"' "$T/st.out" || fail "json leader: $(head -c 300 "$T/st.out")"
grep -q '"id":2,[^]]*"state":"fenced"' "$T/st.out" || fail "json host 2 state"
pass "hawatch status shows states, power, heartbeat ages, last action and the leader"

kill -TERM "$(hawatch_pid a)"
wait_for 10 bash -c "! kill -0 $(hawatch_pid a) 2>/dev/null" || fail "daemon did not exit on SIGTERM"
grep -q "event=leader.released" "$T/hawatch-a.log" || fail "leadership not released on SIGTERM"
grep -q "event=daemon.stopped" "$T/hawatch-a.log" || fail "no clean stop"
pass "SIGTERM: leadership released, clean exit"
