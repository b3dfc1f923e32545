#!/bin/bash
# t_daemon_sweep.sh -- `hawatch run` resumes a domain left paused.
#
# Each simulated host also runs a libvirtd (test driver) holding its VMs'
# domains.  A domain that CloudStack records Running on its host is paused
# (as a failed backup script leaves it): the daemon's sweeper resumes it
# after pause_grace, and audits it.  An opted-out domain stays paused.  A
# powered-off (fenced) host is never swept.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/libvirtd.sh"
SIM_SWEEP="enabled = true; interval = \"1s\"; pause_grace = \"2s\"; resume_settle = \"300ms\";
  open_timeout = \"2s\"; call_timeout = \"3s\"; optout = [ \"i-2-2002-VM\" ];
  uri_template = \"test+unix:///default?socket=$T/lvip/{ip}/libvirt-sock\";"
source "$TOP/tests/lib/simcluster.sh"
simcluster_start 2 2
mkdir -p "$T/lvip"
for h in 1 2; do
	lv_start "h$h"
	sock=${LV_UNIX_URI[h$h]#*socket=}
	ln -s "$(dirname "$sock")" "$T/lvip/$(sim_ip $h)"
	for v in 1 2; do lv_create "h$h" "i-2-$((h * 1000 + v))-VM" >/dev/null; done
done
hawatch_start a
for h in 1 2; do wait_state a $h alive 20 || fail "host $h never alive"; done

lv_suspend h1 i-2-1001-VM
lv_suspend h2 i-2-2002-VM
t0=$SECONDS
resumed() { lv_state h1 i-2-1001-VM | grep -q running; }
wait_for 20 resumed || fail "paused domain not resumed: $(lv_state h1 i-2-1001-VM); $(grep sweep "$T/hawatch-a.log" | tail -5)"
echo "resumed after $((SECONDS - t0)) s (pause_grace 2 s, interval 1 s)"
[ $((SECONDS - t0)) -ge 2 ] || fail "resumed before pause_grace"
audited() { [ "$(sql "SELECT action, vm_id FROM hawatch.audit WHERE action LIKE 'vm.resum%' ORDER BY id" | paste -sd,)" = "vm.resume_requested	1001,vm.resumed	1001" ]; }
wait_for 10 audited || fail "audit of the resume: $(sql "SELECT action, vm_id FROM hawatch.audit")"
sql "SELECT evidence FROM hawatch.audit WHERE action = 'vm.resumed'" | grep -q '"reason":"user"\|user' \
	|| fail "resume evidence lacks the pause reason"
sleep 3
lv_state h2 i-2-2002-VM | grep -q paused || fail "opted-out domain was resumed"
"$HAWATCH" --config "$T/hawatch.conf" status >"$T/st.out" 2>&1 || true
grep -q "^sweeper: [0-9]* runs" "$T/st.out" || fail "status lacks the sweeper line: $(cat "$T/st.out")"
pass "paused domain resumed after the grace and audited; opted-out one left paused"

# a fenced host is never swept
lv_suspend h2 i-2-2001-VM
# a powered-off host's libvirt cannot answer: hawatch's path to it goes (the
# test keeps its own socket to read the domain's state); were it to answer,
# the BMC's "off" would be contradicted and the host held (issue 11, S2)
rm "$T/lvip/$(sim_ip 2)"
ipmipower --config-file="$(ipmisim_hostdir h2)/freeipmi.conf" -h "127.0.0.1:$(ipmisim_port h2)" --off >/dev/null
wait_state a 2 fenced 20 || fail "host 2 not fenced"
sleep 4
lv_state h2 i-2-2001-VM | grep -q paused || fail "a domain on a fenced host was resumed"
pass "a fenced host is not swept"
