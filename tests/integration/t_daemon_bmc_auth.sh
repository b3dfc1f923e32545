#!/bin/bash
# t_daemon_bmc_auth.sh -- a wrong BMC password: a clear error, no fence.
#
# hawatch is given a wrong password for host 2's BMC.  The status and the
# log say "password invalid" for that host; when host 2 then hangs it is
# declared unfenceable with an alert, never fenced and never reconciled.
# The password itself appears nowhere.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
simcluster_start 3 2
echo -n "wrong-password" >"$T/bad.pass"; chmod 600 "$T/bad.pass"
sed -i "s|$(ipmisim_pass_file h2)|$T/bad.pass|" "$T/hawatch.conf"
hawatch_start a
for h in 1 2 3; do wait_state a $h alive 20 || fail "host $h never alive"; done
wait_for 10 grep -q "event=bmc.error host=2.*password invalid" "$T/hawatch-a.log" \
	|| fail "no clear BMC error: $(grep bmc "$T/hawatch-a.log" | head)"
wait_for 5 grep -q '"id":2,[^]]*"power":"auth_error"' "$T/status-a.json" || fail "status lacks the auth error"  # written by the tick after the reading
sleep 2
ipmisim_crash_host h2
wait_state a 2 unfenceable 30 || fail "host 2 not unfenceable: $(cat "$T/status-a.json.txt")"
"$HAWATCH" --config "$T/hawatch.conf" status >"$T/st.out" 2>&1 || true
grep -E "^2 .* unfenceable .* bmc_auth" "$T/st.out" >/dev/null || fail "status: $(cat "$T/st.out")"
sleep 3
expect_eq "host 2 not fenced" 0 "$(grep -c 'set power 0' "$(ipmisim_hostdir h2)/chassis.log")"
expect_eq "host 2 not reconciled" 2 "$(vms_running_on 2)"
grep -rq "wrong-password" "$T"/hawatch-a.log "$T"/status-a.json* "$T/st.out" && fail "password leaked"
pass "wrong BMC password: clear error and alert, nothing fenced"
