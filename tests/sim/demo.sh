#!/bin/bash
# demo.sh -- `make demo`: hawatch on a built-in simulated cluster.
#
# Starts a simulated CloudStack KVM cluster on loopback (MariaDB with
# CloudStack's tables, 4 hosts x 5 VMs, heartbeats on nfs-ganesha, one
# ipmi_sim BMC and one libvirtd (test driver) per host holding its VMs'
# domains), `hawatch run`, and a stand-in for CloudStack's HA workers
# (build/itest/haworker, docs/haworker.md) whose restarts create the domain
# on the new host.  Then:
#   1. powers host 2 off through its BMC;
#   2. starts a second management server in the middle of the HA restarts:
#      its start() marks hawatch's unclaimed rows Investigating and restart()
#      drops them Done (the VMs have no host); hawatch re-queues them
#      (restart assurance, S10) and every HA-enabled VM runs again;
#   3. prints the timeline: power off, detected, confirmed off, reconciled,
#      management server started, dropped, re-queued, restarted elsewhere by
#      the HA workers, with offsets in ms;
#   4. prints host 2's vm_instance and op_ha_work rows before and after;
#   5. shows a backup that fails and leaves a VM paused (what #12821's
#      nasbackup.sh did: it never resumes), and hawatch resuming it;
#   6. hangs host 3 right after its console printed a kernel panic: hawatch
#      fences it, and `hawatch console --host 3` prints the panic line it
#      captured over SOL before the power-off (every simulated host has a
#      console: SIM_SOL=all, each BMC on its own 127.0.0.N:623);
#   7. stops everything it started.
# Exits non-zero if anything it shows did not happen.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/libvirtd.sh"
SIM_SWEEP="enabled = true; interval = \"1s\"; pause_grace = \"3s\"; resume_settle = \"300ms\";
  open_timeout = \"2s\"; call_timeout = \"3s\";
  uri_template = \"test+unix:///default?socket=$T/lvip/{ip}/libvirt-sock\";"
SIM_SOL=all
source "$TOP/tests/lib/simcluster.sh"
HAWORKER=$TOP/build/itest/haworker

step() { printf '\n== %s\n' "$*"; }
rows() {
	echo "vm_instance (VMs that ran on host 2):"
	sql "SELECT id, instance_name, state, IFNULL(host_id,'NULL'), IFNULL(last_host_id,'NULL'), power_state,
	     update_count, ha_enabled FROM vm_instance WHERE id DIV 1000 = 2 ORDER BY id" |
		awk 'BEGIN { printf "  %-5s %-11s %-9s %-5s %-5s %-9s %-6s %s\n", "id", "name", "state", "host", "last", "power", "upd", "ha" }
		     { printf "  %-5s %-11s %-9s %-5s %-5s %-9s %-6s %s\n", $1, $2, $3, $4, $5, $6, $7, $8 }'
	echo "op_ha_work (their HA rows):"
	local n
	n=$(sql "SELECT COUNT(*) FROM op_ha_work WHERE instance_id DIV 1000 = 2")
	if [ "$n" = 0 ]; then echo "  (none)"; return; fi
	sql "SELECT id, instance_id, type, step, reason, state, updated, IFNULL(mgmt_server_id,'NULL'), tried
	     FROM op_ha_work WHERE instance_id DIV 1000 = 2 ORDER BY id" |
		awk 'BEGIN { printf "  %-4s %-5s %-4s %-10s %-9s %-8s %-7s %-11s %s\n", "id", "vm", "type", "step", "reason", "state", "updated", "mgmt_srv", "tried" }
		     { printf "  %-4s %-5s %-4s %-10s %-9s %-8s %-7s %-11s %s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
}
# timeline_events: "ts who event..." lines, in time order, of the management
# servers' HA decisions (who: their msid) and hawatch's restart assurance
# (who: hw); a log without such lines adds none
timeline_events() {
	local ms='event=ha.done work=[0-9]+ vm=2[0-9]{3} exit=(vm_left_host|cancelled_host_up)|event=ha.started vm=2[0-9]{3} '
	{
		grep -hE "event=ms.up msid=2222|event=ha.marked_investigating .*at=start|$ms" "$T/haworker2.log" | sed 's/^/2222 /' || true
		grep -hE "$ms" "$T/haworker.log" | sed 's/^/1111 /' || true
		grep -hE "event=restart.(requeued|healed|resolved) vm=2[0-9]{3} " "$A" | sed 's/^/hw /' || true
	} | sed -E 's/^([0-9a-z]+) ts=([^ ]*) .*event=/\2 \1 /' | sort -s -k1,1
}
kv() {	# kv KEY LINE: the value of KEY=value in LINE ("?" when absent)
	[[ " $2" =~ \ $1=([^ ]+) ]] && echo "${BASH_REMATCH[1]}" || echo "?"
}
log_ms() {	# log_ms FILE PATTERN: wall ms of the first matching line
	local line ts
	line=$(grep -m1 -E "$2" "$1") || return 1
	ts=${line#ts=}; ts=${ts%% *}
	date -d "$ts" +%s%3N
}

step "starting a simulated cluster: MariaDB, nfs-ganesha, 4 hosts x 5 VMs, 4 ipmi_sim BMCs with serial consoles, 4 libvirtd"
t_setup=$SECONDS
simcluster_start 4 5
echo 'reconcile = { requeue_max = 3; requeue_after = "2s"; };' >>"$T/hawatch.conf"
simcluster_libvirt
sim_live_hosts
sim_start_hook "$T/start-hook"
"$HAWORKER" --msid 1111 --db-host 127.0.0.1 --db-port "$DB_PORT" --db-user cloud --db-password-file "$DB_PASS_FILE" \
	--investigator db --live-hosts-file "$T/live-hosts" --start-hook "$T/start-hook" \
	--scale 100 --workers 1 --work-delay-ms 2000 >"$T/haworker.log" 2>&1 &
track $!
hawatch_start a
for h in 1 2 3 4; do wait_state a $h alive 30 || fail "host $h never alive"; done
sleep 2.5	# past startup_grace
echo "  up in $((SECONDS - t_setup)) s"
"$HAWATCH" --config "$T/hawatch.conf" status | sed 's/^/  /'

step "before: host 2 runs 5 VMs (4 with HA)"
rows

step "powering host 2 off through its BMC (ipmipower --off)"
t0=$(date +%s%3N)
ipmipower --config-file="$(ipmisim_hostdir h2)/freeipmi.conf" -h "$(ipmisim_addr h2):$(ipmisim_port h2)" --off
sim_live_hosts	# (its libvirtd died with the power: domains gone)
queued() { [ "$(sql "SELECT COUNT(*) FROM op_ha_work WHERE instance_id DIV 1000 = 2 AND type = 'HA'")" -ge 4 ]; }
wait_for 20 queued || fail "host 2's VMs were not re-queued: $(tail -5 "$T/hawatch-a.log")"
# a management server starts now (CloudStack 4.22: start() marks unclaimed Scheduled rows
# Investigating; restart() then ends them Done because the VM has no host)
"$HAWORKER" --msid 2222 --db-host 127.0.0.1 --db-port "$DB_PORT" --db-user cloud --db-password-file "$DB_PASS_FILE" \
	--investigator db --live-hosts-file "$T/live-hosts" --start-hook "$T/start-hook" \
	--scale 100 --workers 2 >"$T/haworker2.log" 2>&1 &
track $!
restarted() { [ "$(sql "SELECT COUNT(*) FROM vm_instance WHERE id DIV 1000 = 2 AND ha_enabled = 1
                       AND state = 'Running' AND host_id <> 2")" = 4 ]; }
wait_for 40 restarted || fail "the HA-enabled VMs of host 2 were not restarted elsewhere: $(tail -5 "$T/haworker.log")"

step "timeline (ms after the power-off)"
A=$T/hawatch-a.log
t_det=$(log_ms "$A" "event=bmc.power host=2 .*power=off") || fail "power-off never detected"
t_fen=$(log_ms "$A" "event=core.transition host=2 .*to=fenced") || fail "never confirmed off"
t_rec=$(log_ms "$A" "event=reconcile.done host=2 ") || fail "never reconciled"
printf '  %+7d  power off (BMC chassis control, the simulated host loses power)\n' 0
printf '  %+7d  detected: the BMC reads off\n' $((t_det - t0))
printf '  %+7d  confirmed off: second off reading -> host 2 fenced (%s)\n' $((t_fen - t0)) \
	"$(grep -m1 -oE 'event=core.transition host=2 .*to=fenced why=[a-z_]+' "$A" | sed 's/.*why=//')"
printf '  %+7d  reconciled: %s\n' $((t_rec - t0)) \
	"$(grep -m1 -oE 'event=reconcile.done host=2 reconciled=[0-9]+ requeued=[0-9]+' "$A" | sed 's/.*host=2 //')"
timeline_events | while read -r ts who ev; do
	case $ev in
	ms.up*) what="a second management server (msid 2222) starts in the middle of the HA restarts";;
	ha.marked_investigating*) what="its start() marks unclaimed rows Investigating: $(kv rows "$ev")";;
	ha.done*) what="restart() on msid $who drops vm=$(kv vm "$ev") Done unstarted (exit=$(kv exit "$ev"))";;
	ha.started*) what="restarted elsewhere by the HA workers: vm=$(kv vm "$ev") host=$(kv host "$ev")";;
	restart.requeued*) what="hawatch re-queues vm=$(kv vm "$ev") (restart assurance, requeue=$(kv requeue "$ev"))";;
	restart.healed*) what="hawatch heals vm=$(kv vm "$ev")'s row back to Scheduled";;
	restart.resolved*) what="hawatch sees vm=$(kv vm "$ev") running again: watch ended";;
	*) continue;;
	esac
	printf '  %+7d  %s\n' $(( $(date -d "$ts" +%s%3N) - t0 )) "$what"
done
[ "$t_fen" -ge "$t0" ] && [ "$t_rec" -ge "$t_fen" ] || fail "timeline out of order"
grep -q "event=ha.marked_investigating rows=[1-9]" "$T/haworker2.log" \
	|| fail "the second management server's start marked no row: $(grep marked "$T/haworker2.log")"

step "after: VMs Stopped by hawatch and re-queued; CloudStack's HA workers restarted them"
rows
expect_eq "non-HA VM stays Stopped" "Stopped" "$(sql "SELECT state FROM vm_instance WHERE id = 2005")"
expect_eq "HA rows all Done" 0 "$(sql "SELECT COUNT(*) FROM op_ha_work WHERE instance_id DIV 1000 = 2 AND step <> 'Done'")"
expect_eq "audit" "host.confirmed_fenced 1
vm.stopped 1
vm.stopped_requeued 4" "$(sql "SELECT action, COUNT(*) FROM hawatch.audit WHERE host_id = 2
	AND action NOT LIKE 'vm.restart_%' GROUP BY action ORDER BY action" | tr '\t' ' ')"
ended() { [ "$(sql "SELECT COUNT(*) FROM hawatch.ha_requeue WHERE status = 'running' AND host_id = 2")" = 4 ]; }
wait_for 10 ended || fail "restart watches not ended: $(sql "SELECT vm_id, status, verdict FROM hawatch.ha_requeue")"
echo "restart assurance (hawatch.ha_requeue, audit vm.restart_*):"
sql "SELECT vm_id, requeues, heals, status FROM hawatch.ha_requeue WHERE host_id = 2 ORDER BY vm_id" |
	awk 'BEGIN { printf "  %-5s %-8s %-5s %s\n", "vm", "requeues", "heals", "status" }
	     { printf "  %-5s %-8s %-5s %s\n", $1, $2, $3, $4 }'
[ "$(sql "SELECT COUNT(*) FROM hawatch.audit WHERE action IN ('vm.restart_requeued', 'vm.restart_healed')")" -ge 1 ] \
	|| fail "no row was re-queued or healed: the management-server start dropped nothing"

step "the restarted VMs run on their new hosts (libvirt)"
for v in 2001 2002 2003 2004; do
	h=$(sql "SELECT host_id FROM vm_instance WHERE id = $v")
	printf '  i-2-%s-VM on host %s: %s\n' "$v" "$h" "$(lv_state "h$h" "i-2-$v-VM")"
	lv_state "h$h" "i-2-$v-VM" | grep -q running || fail "VM $v not running on host $h"
done

step "a NAS backup of i-2-1001-VM fails: its target filled up, the script exits and never resumes the VM"
sql "INSERT INTO backups (uuid, vm_id, external_id, type, date, status, backup_offering_id, account_id, domain_id,
     zone_id, name) VALUES (UUID(), 1001, 'i-2-1001-VM/demo', 'FULL', UTC_TIMESTAMP(), 'Error', 1, 2, 1, 1, 'demo')" 2>/dev/null ||
	echo "  (backups row not recorded: $(sql "SELECT 1" >/dev/null && echo schema differs))"
tp=$(date +%s%3N)
lv_suspend h1 i-2-1001-VM
echo "  libvirt: i-2-1001-VM $(lv_state h1 i-2-1001-VM); CloudStack still says: $(sql "SELECT state, power_state FROM vm_instance WHERE id = 1001" | tr '\t' ' ')"
resumed() { lv_state h1 i-2-1001-VM | grep -q running; }
wait_for 20 resumed || fail "hawatch did not resume the paused VM: $(grep sweep "$A" | tail -3)"
printf '  %+7d  paused\n' 0
wait_for 5 grep -q "event=sweep.resume host=1 domain=i-2-1001-VM" "$A" || fail "no sweep.resume line"
tr_=$(log_ms "$A" "event=sweep.resume host=1 domain=i-2-1001-VM")
printf '  %+7d  resumed by hawatch after pause_grace (3 s): %s\n' $((tr_ - tp)) "$(lv_state h1 i-2-1001-VM)"
audited() { [ -n "$(sql "SELECT id FROM hawatch.audit WHERE action = 'vm.resumed' AND vm_id = 1001")" ]; }
wait_for 10 audited || fail "resume not audited"
echo "  audit: $(sql "SELECT action, vm_id, reason FROM hawatch.audit WHERE action = 'vm.resumed'" | tr '\t' ' ')"

step "host 3 hangs right after a kernel panic on its serial console (its BMC still reads on)"
ipmisim_console h3 "[ 4711.020] nfs: server 10.9.0.250 not responding, still trying"
ipmisim_console h3 "[ 4731.101] INFO: task qemu-kvm:2117 blocked for more than 120 seconds."
ipmisim_console h3 "[ 4731.102] Kernel panic - not syncing: hung_task: blocked tasks"
sleep 0.3
th=$(date +%s%3N)
ipmisim_crash_host h3
wait_state a 3 fenced 30 || fail "host 3 not fenced: $(grep 'host=3 ' "$A" | tail -5)"
sim_live_hosts
t_hf=$(log_ms "$A" "event=core.transition host=3 .*to=fenced") || fail "host 3 never fenced"
printf '  %+7d  hung (heartbeat stops; the BMC still reads on)\n' 0
printf '  %+7d  fenced: powered off through its BMC and read back off\n' $((t_hf - th))
stored() { [ "$(sql "SELECT COUNT(*) FROM hawatch.console_log WHERE host_id = 3")" -ge 1 ]; }
wait_for 10 stored || fail "no console capture stored for host 3: $(grep 'console' "$A" | tail -5)"
echo "  fence audit: $(sql "SELECT evidence FROM hawatch.audit WHERE host_id = 3 AND action = 'host.fence_result'" | grep -o '"console":{[^}]*}')"
echo "  hawatch console --host 3 (the console before the power-off, captured over SOL):"
"$HAWATCH" --config "$T/hawatch.conf" console --host 3 >"$T/console-3.out" 2>/dev/null || fail "hawatch console --host 3 failed"
tail -4 "$T/console-3.out" | sed 's/^/    /'
grep -q "Kernel panic - not syncing: hung_task: blocked tasks" "$T/console-3.out" || fail "panic line not captured: $(cat "$T/console-3.out")"

step "hawatch status"
"$HAWATCH" --config "$T/hawatch.conf" status | sed 's/^/  /'
echo
echo "demo: OK (stopping everything it started)"
