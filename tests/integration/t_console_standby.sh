#!/bin/bash
# t_console_standby.sh -- with two instances, only the leader captures a
# suspect host's console over SOL; the standby opens no SOL session.
#
# A BMC serves one SOL session at a time (hawatch never steals one by
# default): a standby that opened its own capture when the host turned
# suspect would hold the session the leader needs for its fence evidence,
# and keep holding it after the fence.  Instances a and b watch two hosts
# with serial consoles (ipmi_sim SOL, each BMC on its own 127.0.0.N:623);
# host 2 prints a panic line and hangs.  Asserted: the leader fences it and
# stores a capture that holds the panic line, with live SOL; the standby
# never starts a capture; afterwards an operator's ipmiconsole gets the
# host's live SOL session (nobody left one open).
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
ipmisim_require
command -v socat >/dev/null || skip "socat not installed"
command -v ipmiconsole >/dev/null || PATH=$PATH:/usr/sbin
SIM_SOL=all
SIM_REARM=5m
simcluster_start 2 1
simcluster_conf "$T/a.conf" a
simcluster_conf "$T/b.conf" b
hawatch_start a "$T/a.conf"
for h in 1 2; do wait_state a $h alive 20 || fail "a: host $h never alive"; done
wait_for 10 grep -q '"leader":true' "$T/status-a.json" || fail "a never led"
hawatch_start b "$T/b.conf"
for h in 1 2; do wait_state b $h alive 20 || fail "b: host $h never alive"; done
grep -q '"leader":true' "$T/status-b.json" && fail "b leads while a runs"
sleep 2		# past both instances' startup_grace

ipmisim_console h2 "Kernel panic - not syncing: standby test"
sleep 0.3
ipmisim_crash_host h2
wait_state a 2 fenced 30 || fail "host 2 not fenced by the leader: $(grep 'host=2 ' "$T/hawatch-a.log" | tail -5)"
wait_state b 2 fenced 10 || fail "the standby does not see host 2 fenced"
row() { [ "$(sql "SELECT COUNT(*) FROM hawatch.console_log WHERE host_id = 2")" -ge 1 ]; }
wait_for 10 row || fail "no console capture stored for host 2: $(grep console "$T/hawatch-a.log")"
"$HAWATCH" --config "$T/a.conf" console --host 2 2>/dev/null | grep -q "not syncing: standby test" \
	|| fail "the leader's capture lacks the panic line: $(grep console "$T/hawatch-a.log")"
grep -q "event=console.captured host=2 .*source=history+live" "$T/hawatch-a.log" \
	|| fail "expected the leader's capture of host 2 with live SOL (history+live): $(grep 'console' "$T/hawatch-a.log")"
expect_eq "console captures started by the standby" "" "$(grep 'event=console.capture_start' "$T/hawatch-b.log")"
pass "host 2: the leader captured its console (history+live), the standby opened no SOL session"

# no SOL session left open on host 2's BMC: an operator's console connects
setsid script -q -c "ipmiconsole -h $(ipmisim_addr h2) -u admin -p $(cat "$(ipmisim_pass_file h2)") -W $SIM_SOL_WA" /dev/null \
	</dev/null >"$T/operator.out" 2>&1 &
track $!
wait_for 15 grep -q "SOL established" "$T/operator.out" \
	|| fail "expected host 2's SOL free after the fence, an operator's ipmiconsole got: $(cat "$T/operator.out")"
pass "host 2's SOL session is free after the fence"
