#!/bin/bash
# t_daemon_restarts.sh -- restart assurance in the daemon (S10): a management server that starts
# in the middle of the HA restarts drops hawatch's rows, and every VM still ends Running.
#
# `hawatch run` watches 3 simulated hosts; the HA-worker fixture (build/itest/haworker) plays
# CloudStack's management servers with mark-investigating ON (CloudStack 4.22's behaviour).
# Host 2 is powered off through its BMC; the daemon fences and reconciles it, queueing one
# Scheduled HostDown row per HA-enabled VM.  Then a management server starts: its start()
# marks the rows Investigating and its workers' restart() ends them Done (host 2 investigates
# Up for Host HA, or "VM no longer on host": host_id NULL) -- unless the daemon heals first.  The daemon
# re-queues the dropped ones (reconcile.requeue_after 1s) and the same server starts them.
# Outcome: every VM of host 2 that is HA-enabled is Running on a live host, each watch ended
# "running", the drops and re-queues (or heals) are in the logs and the audit, nothing was
# given up; the non-HA VM stays Stopped and was never watched.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
HAWORKER=$TOP/build/itest/haworker
[ -x "$HAWORKER" ] || fail "$HAWORKER not built (make)"
simcluster_start 3 5
echo 'reconcile = { requeue_max = 3; requeue_after = "1s"; };' >>"$T/hawatch.conf"
LIVE=$T/live
printf '1\n3\n' >"$LIVE"
hawatch_start a
for h in 1 2 3; do wait_state a $h alive 20 || fail "host $h never alive: $(cat "$T/status-a.json.txt")"; done
ha_vms=$(sql "SELECT id FROM vm_instance WHERE host_id = 2 AND ha_enabled = 1 AND removed IS NULL ORDER BY id" | paste -sd,)
non_ha=$(sql "SELECT id FROM vm_instance WHERE host_id = 2 AND ha_enabled = 0 AND removed IS NULL ORDER BY id" | paste -sd,)
[ -n "$ha_vms" ] && [ -n "$non_ha" ] || fail "inventory: HA [$ha_vms] non-HA [$non_ha] on host 2"
nha=$(tr ',' '\n' <<<"$ha_vms" | wc -l)

ipmipower --config-file="$(ipmisim_hostdir h2)/freeipmi.conf" -h "127.0.0.1:$(ipmisim_port h2)" --off >/dev/null
queued() { [ "$(sql "SELECT COUNT(*) FROM hawatch.ha_requeue r JOIN op_ha_work w ON w.id = r.ha_work_id
                     WHERE r.vm_id IN ($ha_vms) AND w.step = 'Scheduled'")" = "$nha" ]; }
wait_for 30 queued || fail "host 2 not reconciled and queued: $(tail -20 "$T/hawatch-a.log")"
pass "host 2 fenced, its $nha HA-enabled VMs re-queued and watched"

# a management server starts now, in the middle of the HA restarts
: >"$T/ms.log"
"$HAWORKER" --msid 7100 --db-host 127.0.0.1 --db-port "$DB_PORT" --db-user cloud \
	--db-password-file "$DB_PASS_FILE" --workers 2 --scale 1000 --live-hosts-file "$LIVE" \
	2>"$T/ms.log" &
MS=$!
track "$MS"
wait_for 10 grep -q "event=ha.marked_investigating rows=$nha at=start" "$T/ms.log" \
	|| { cat "$T/ms.log"; fail "the management server's start did not mark the $nha rows"; }
grep -q "mark_investigating=on" "$T/ms.log" || fail "fixture not running with mark-investigating on"
all_running() { [ "$(sql "SELECT COUNT(*) FROM vm_instance WHERE id IN ($ha_vms) AND state = 'Running'
                          AND host_id IN (1, 3)")" = "$nha" ]; }
wait_for 40 all_running || {
	sql "SELECT id, state, IFNULL(host_id,'-'), update_count FROM vm_instance WHERE id IN ($ha_vms)" >&2
	sql "SELECT * FROM hawatch.ha_requeue" >&2
	tail -30 "$T/ms.log" >&2
	fail "not every HA-enabled VM of host 2 is Running again"
}
# restart() of an Investigating row: checkAndCancelWorkIfNeeded (host 2 investigates Up: Host
# HA says Available) or "VM no longer on host" (host_id NULL) -- both end it Done, unstarted
dropped=$(grep -cE "event=ha.done .*exit=(vm_left_host|cancelled_host_up) step=Investigating" "$T/ms.log" || true)
[ "$dropped" -ge 1 ] || fail "no row was dropped by restart(): the scenario did not happen"
fixed=$(sql "SELECT COUNT(*) FROM hawatch.audit WHERE action IN ('vm.restart_requeued', 'vm.restart_healed')")
[ "$fixed" -ge "$dropped" ] || fail "$dropped rows dropped but only $fixed re-queued or healed"
grep -q "event=restart.requeued\|event=restart.healed" "$T/hawatch-a.log" || fail "daemon logged no re-queue/heal"
pass "management-server start dropped $dropped rows; hawatch re-queued/healed $fixed; all $nha VMs Running"

ended() { [ "$(sql "SELECT COUNT(*) FROM hawatch.ha_requeue WHERE vm_id IN ($ha_vms) AND status = 'running'")" = "$nha" ]; }
wait_for 10 ended || fail "watches not ended running: $(sql "SELECT vm_id, status, verdict FROM hawatch.ha_requeue")"
expect_eq "nothing given up" 0 "$(sql "SELECT COUNT(*) FROM hawatch.ha_requeue WHERE given_up = 1")"
expect_eq "audit: watches resolved running" "$nha" "$(sql "SELECT COUNT(*) FROM hawatch.audit
	WHERE action = 'vm.restart_resolved' AND reason = 'running'")"
expect_eq "non-HA VMs Stopped, never watched" "0 0" "$(sql "SELECT
	(SELECT COUNT(*) FROM vm_instance WHERE id IN ($non_ha) AND state <> 'Stopped'),
	(SELECT COUNT(*) FROM hawatch.ha_requeue WHERE vm_id IN ($non_ha))" | tr '\t' ' ')"
"$HAWATCH" --config "$T/hawatch.conf" status --json >"$T/st.out" 2>&1 || fail "status --json: $(cat "$T/st.out")"
grep -q '"restarts":{"watching":0,"given_up":\[\]}' "$T/st.out" || fail "status restarts: $(grep -o '"restarts":{[^}]*}' "$T/st.out")"
pass "every watch ended running, none given up; status shows no restart outstanding"

kill -TERM "$MS"
wait "$MS" || true
