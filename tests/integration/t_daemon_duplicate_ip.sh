#!/bin/bash
# t_daemon_duplicate_ip.sh -- two hosts recorded with one private IP share
# one heartbeat file: hawatch holds both and never fences the live one
# when its twin dies (issue 11, "Duplicate IPs").
#
# Host 3 is recorded with host 2's private IP, so hawatch reads host 2's
# hb-<ip> file for both.  Host 2 then hangs (its heartbeat writer dies, its
# BMC stays on).  Before the fix both went dead on the shared file and
# were fenced -- host 3 while it ran.  Now both are held from the first
# tick (unknown, hold duplicate_ip, one duplicate_ip alert each), `status`
# and `status --json` say so, and nobody is powered off, audited as fenced
# or reconciled; host 1 stays alive.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
simcluster_start 3 3
sql "UPDATE host SET private_ip_address = '$(sim_ip 2)' WHERE id = 3"
hawatch_start a
wait_state a 1 alive 20 || fail "host 1 never alive: $(tail -20 "$T/hawatch-a.log")"
dup() { grep -q "{\"id\":$1,[^]]*\"duplicate_ip\":true" "$T/status-a.json"; }
wait_for 10 dup 2 || fail "host 2 not shown duplicate_ip: $(cat "$T/status-a.json")"
dup 3 || fail "host 3 not shown duplicate_ip"
for h in 2 3; do
	grep -q "{\"id\":$h,[^]]*\"state\":\"unknown\"[^]]*\"hold\":\"duplicate_ip\"" "$T/status-a.json" ||
		fail "host $h not held: $(cat "$T/status-a.json")"
done
sleep 2		# past startup_grace

ipmisim_crash_host h2
sleep 10	# more than two dead_after periods
expect_eq "power of hosts 1-3" "1 1 1" "$(ipmisim_power h1) $(ipmisim_power h2) $(ipmisim_power h3)"
for h in 2 3; do
	grep -q 'set power 0' "$(ipmisim_hostdir h$h)/chassis.log" && fail "host $h powered off"
done
expect_eq "fence audit rows" 0 "$(sql "SELECT COUNT(*) FROM hawatch.audit WHERE action LIKE 'host.fence%'")"
expect_eq "VMs still Running on host 3" 3 "$(vms_running_on 3)"
expect_eq "VMs still Running on host 2" 3 "$(vms_running_on 2)"
for h in 2 3; do
	expect_eq "duplicate_ip alerts for host $h" 1 \
		"$(grep -c "event=alert.raise host=$h .*why=duplicate_ip" "$T/hawatch-a.log")"
done
expect_eq "host 1" alive "$(host_state a 1)"
pass "host 3 shares host 2's IP: both held, host 2 hangs, nobody fenced or reconciled"

"$HAWATCH" --config "$T/hawatch.conf" status >"$T/st.out" 2>&1 || fail "status: $(cat "$T/st.out")"
grep -E "^3 +sim03 +$(sim_ip 2) +unknown .* duplicate_ip" "$T/st.out" >/dev/null ||
	fail "status line for host 3: $(cat "$T/st.out")"
grep -q "^duplicate IPs (one heartbeat file, held, never fenced): 2 ($(sim_ip 2)), 3 ($(sim_ip 2))" "$T/st.out" ||
	fail "status duplicate list: $(cat "$T/st.out")"
"$HAWATCH" --config "$T/hawatch.conf" status --json >"$T/st.out" 2>&1 || fail "status --json"
grep -q '"id":3,[^]]*"duplicate_ip":true' "$T/st.out" || fail "json: $(head -c 600 "$T/st.out")"
pass "status and status --json report the duplicate IP"
