#!/bin/bash
# t_daemon_total_loss.sh -- total power loss: BMC and host both gone.
#
# Without self_fence_after the host cannot be proven off: it is not
# reconciled (S2) and `hawatch status` shows the alert.  With the opt-in
# self_fence_after (here 9 s, just above the simulated agent's worst case
# of 0.5 + 2 x (1 + 0.5) + 5 = 8.5 s) it is reconciled once that time has
# passed since its last heartbeat.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
simcluster_start 3 2

run_case() {	# run_case NAME: host 2 loses BMC and power under daemon NAME
	hawatch_start "$1" "$T/$1.conf"
	for h in 1 2 3; do wait_state "$1" $h alive 20 || fail "host $h never alive"; done
	sleep 2
	ipmisim_kill_bmc h2
	ipmisim_crash_host h2
}

simcluster_conf "$T/a.conf" a
run_case a
wait_state a 2 unfenceable 30 || fail "host 2 not unfenceable: $(cat "$T/status-a.json.txt")"
sleep 4
expect_eq "VMs of host 2 without self-fence" 2 "$(vms_running_on 2)"
"$HAWATCH" --config "$T/a.conf" status >"$T/st.out" 2>&1 || true
grep -E "^2 .* unfenceable .* bmc_unreachable" "$T/st.out" >/dev/null \
	|| fail "alert not visible in status: $(cat "$T/st.out")"
grep -q "bmc_unreachable" "$T/st.out" || fail "no alert line"
pass "BMC and host gone: not reconciled, alert visible in status"

kill -TERM "$(hawatch_pid a)"; sleep 1
SIM_DAEMON_EXTRA='self_fence_after = "9s";' simcluster_conf "$T/b.conf" b
hawatch_start b "$T/b.conf"
wait_state b 2 fenced 40 || fail "host 2 not self-fenced: $(cat "$T/status-b.json.txt"; tail -20 "$T/hawatch-b.log")"
grep -q "to=fenced why=self_fence_elapsed" "$T/hawatch-b.log" || fail "not fenced by self_fence_elapsed"
gone() { [ "$(vms_running_on 2)" = 0 ]; }
wait_for 10 gone || fail "host 2 not reconciled after self_fence_after"
expect_eq "fence record" self-fence "$(sql "SELECT source FROM hawatch.fenced_host WHERE host_id = 2")"
pass "with self_fence_after: reconciled once the agent's worst case has passed"
