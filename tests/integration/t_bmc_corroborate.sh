#!/bin/bash
# t_bmc_corroborate.sh -- a BMC mapped to the wrong host never fences a live
# one; the contradiction persists in hawatch.alerts until an operator clears
# it with `hawatch alerts clear` (audited), across daemon restarts.
#
# Three simulated hosts, each with an ipmi_sim BMC and a libvirtd (test
# driver) that its BMC power drives, so hawatch has a libvirt endpoint per
# host (sweep.uri_template with {ip}).  Host 2's BMC entry points at host
# 3's BMC (oobm row and password).  Host 3 is powered off: host 3's own
# libvirt goes silent and it is fenced at once (the fast path); host 2's
# entry reads off too, but host 2's libvirt answers the probe, so host 2 is
# held with bmc_contradiction and its VMs stay Running.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/libvirtd.sh"
lv_require
SIM_SWEEP="enabled = true; interval = \"1h\";
  uri_template = \"test+unix:///default?socket=$T/lvip/{ip}/libvirt-sock\";"
source "$TOP/tests/lib/simcluster.sh"
ipmisim_require
simcluster_start 3 3
simcluster_libvirt
# host 2's BMC entry: host 3's BMC (address in oobm, password in the conf)
sql "UPDATE oobm SET port = '$(ipmisim_port h3)' WHERE host_id = 2"
sed -i "s|$(ipmisim_pass_file h2)|$(ipmisim_pass_file h3)|" "$T/hawatch.conf"
hw() { "$HAWATCH" --config "$T/hawatch.conf" "$@"; }

hawatch_start a
for h in 1 2 3; do wait_state a $h alive 20 || fail "host $h never alive: $(cat "$T/status-a.json.txt" 2>/dev/null)"; done

t0=$SECONDS
ipmipower --config-file="$(ipmisim_hostdir h3)/freeipmi.conf" -h "127.0.0.1:$(ipmisim_port h3)" --off >/dev/null
wait_state a 3 fenced 20 || fail "host 3 not fenced after power off: $(tail -20 "$T/hawatch-a.log")"
[ $((SECONDS - t0)) -le 8 ] || fail "fast path slow: host 3 fenced after $((SECONDS - t0))s"
grep -qE "event=bmc.probe host=3 .*result=silent" "$T/hawatch-a.log" || fail "host 3 fenced without a silent probe"
pass "powered-off host 3: libvirt silent, fenced within $((SECONDS - t0))s"

open_rows() { sql "SELECT COUNT(*) FROM hawatch.alerts WHERE host_id = 2 AND kind = 'bmc_contradiction' AND cleared_at IS NULL"; }
contra_open() { [ "$(open_rows)" = 1 ]; }
wait_for 15 contra_open || fail "no open bmc_contradiction row for host 2: $(grep -E 'host=2|bmc' "$T/hawatch-a.log" | tail -10)"
grep -qE "event=alert.raise host=2 .*why=bmc_contradiction" "$T/hawatch-a.log" || fail "alert not logged"
grep -qE "event=bmc.probe host=2 .*result=answered" "$T/hawatch-a.log" || fail "host 2's answering probe not logged"
sleep 3
expect_eq "host 2 never fenced" "" "$(grep -E "core.transition host=2 .*to=(fenced|fencing)" "$T/hawatch-a.log")"
expect_eq "host 2's VMs still Running" 3 "$(vms_running_on 2)"
expect_eq "host 2 held alive" alive "$(host_state a 2)"
expect_eq "no fence record for host 2" 0 "$(sql "SELECT COUNT(*) FROM hawatch.fenced_host WHERE host_id = 2")"
pass "host 2 (live, BMC entry names host 3): bmc_contradiction, not fenced"

hw alerts >"$T/al.out" 2>&1 || fail "alerts list: $(cat "$T/al.out")"
grep -qE "^[0-9]+ +2 +bmc_contradiction .* OPEN +\"libvirt answered while the BMC read off\"" "$T/al.out" || fail "alerts list: $(cat "$T/al.out")"
hw alerts --json >"$T/al.json" 2>&1 || fail "alerts --json"
grep -q '"host":2,"kind":"bmc_contradiction"' "$T/al.json" || fail "alerts json: $(cat "$T/al.json")"
grep -q '"open":true' "$T/al.json" || fail "alerts json open: $(cat "$T/al.json")"
pass "hawatch alerts [--json] lists the open row"

rc=0; hw alerts clear --host 2 --kind duplicate_ip >/dev/null 2>&1 || rc=$?; expect_eq "unknown kind" 2 "$rc"
rc=0; hw alerts clear --host 2 >/dev/null 2>&1 || rc=$?; expect_eq "no --kind" 2 "$rc"
rc=0; hw alerts clear --host 1 --kind bmc_contradiction >/dev/null 2>&1 || rc=$?; expect_eq "nothing open on host 1" 3 "$rc"
pass "alerts clear refuses bad input (exit 2) and says when nothing is open (exit 3)"

# restart while the alert is open: the row restores the latch
kill -TERM "$(hawatch_pid a)"
wait_for 10 bash -c "! kill -0 $(hawatch_pid a) 2>/dev/null" || fail "daemon did not stop"
: >"$T/hawatch-a.log"
hawatch_start a
wait_for 15 grep -qE "event=alert.raise host=2 .*why=bmc_contradiction" "$T/hawatch-a.log" || fail "latch not restored after restart: $(tail "$T/hawatch-a.log")"
sleep 3
expect_eq "still one open row" 1 "$(open_rows)"
expect_eq "host 2 never fenced after restart" "" "$(grep -E "core.transition host=2 .*to=(fenced|fencing)" "$T/hawatch-a.log")"
expect_eq "VMs still Running after restart" 3 "$(vms_running_on 2)"
pass "restart: the open row restores bmc_contradiction"

first=$(sql "SELECT id FROM hawatch.alerts WHERE host_id = 2 AND cleared_at IS NULL")
hw alerts clear --host 2 --kind bmc_contradiction --reason "checked the oobm row" >"$T/cl.out" 2>&1 || fail "clear: $(cat "$T/cl.out")"
expect_eq "row closed" "checked the oobm row" "$(sql "SELECT reason FROM hawatch.alerts WHERE id = $first AND cleared_by IS NOT NULL")"
expect_eq "audit row" "alert.cleared checked the oobm row alerts" \
	"$(sql "SELECT action, reason, command FROM hawatch.audit WHERE host_id = 2 AND action = 'alert.cleared'" | tr '\t' ' ')"
wait_for 10 grep -qE "event=alert.clear host=2 .*why=bmc_contradiction" "$T/hawatch-a.log" || fail "daemon did not read the clear back"
# the mapping is still wrong: the contradiction comes back, as a new row
reraised() { [ "$(sql "SELECT COUNT(*) FROM hawatch.alerts WHERE host_id = 2 AND cleared_at IS NULL AND id > $first")" = 1 ]; }
wait_for 15 reraised || fail "contradiction not raised again on a still-wrong BMC"
expect_eq "host 2 never fenced" "" "$(grep -E "core.transition host=2 .*to=(fenced|fencing)" "$T/hawatch-a.log")"
expect_eq "VMs still Running at the end" 3 "$(vms_running_on 2)"
pass "operator clear read back by the running daemon (audited); a still-wrong BMC is flagged again"

# the BMC identity: Get System GUID from ipmi_sim (lan.conf guid = port)
P=$TOP/build/itest/ipmiprobe
g=$(printf '%032x' "$(ipmisim_port h1)")
u="${g:0:8}-${g:8:4}-${g:12:4}-${g:16:4}-${g:20:12}"
out=$("$P" guid "127.0.0.1:$(ipmisim_port h1)" admin "$(ipmisim_pass_file h1)" --workaround opensesspriv --uuid "$u" 2>&1) || fail "guid: $out"
[[ $out == *"match=1"* ]] || fail "h1's GUID does not match its lan.conf guid $u: $out"
out=$("$P" guid "127.0.0.1:$(ipmisim_port h1)" admin "$(ipmisim_pass_file h1)" --workaround opensesspriv \
	--uuid "$(printf '%032x' "$(ipmisim_port h2)")" 2>&1) || fail "guid: $out"
[[ $out == *"match=0"* ]] || fail "h1's GUID matches h2's: $out"
pass "IPMI Get System GUID against ipmi_sim: own guid matches ($out), another host's does not"
