#!/bin/bash
# t_virt_libvirtd.sh -- the libvirt adapter against two real libvirtds (one
# per simulated host, test driver, keeper connections; tests/lib/libvirtd.sh).
#
# Proves: both hosts observed concurrently with their paused domains; a hung
# host (SIGSTOP) reports "timed out" within its deadline on an established
# connection and on a fresh open, while the other host's result still
# arrives (total <= deadline + 2 s); a powered-off host (kill -9) gives a
# clear "Connection refused"; a bogus URI gives a clear error; a domain
# destroyed between list and resume gives "domain vanished".
. "$(dirname "$0")/../lib/common.sh"
. "$TOP/tests/lib/libvirtd.sh"

PROBE=$TOP/build/itest/virtprobe
[ -x "$PROBE" ] || fail "build/itest/virtprobe missing: run make"
lv_require

DEADLINE=3000		# ms, per host
SLACK=2000		# ms, scheduling slack on this shared 2-core machine

# field KEY LINE: value of KEY=... in a key=value line
field() { sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p; s/^$1=\\([^ ]*\\).*/\\1/p" <<<"$2" | head -1; }

lv_start h1
lv_start h2
U1=${LV_URI[h1]}
U2=${LV_URI[h2]}
lv_create h1 i-2-40-VM 6695eb01-f6a4-8304-79aa-97f2502e4040
lv_create h1 i-2-41-VM
lv_create h2 i-2-50-VM 6695eb01-f6a4-8304-79aa-97f2502e5050
lv_create h2 i-2-51-VM
lv_suspend h1 i-2-40-VM
lv_suspend h2 i-2-50-VM
expect_eq "h1 state" "paused (user)" "$(lv_state h1 i-2-40-VM)"
pass "two libvirtds with keepers, one paused domain each"

# --- observe both ------------------------------------------------------------
out=$("$PROBE" -t $DEADLINE "$U1" -u "$U2" observe)
echo "$out" | grep -q '^host=1 rc=ok .* running=2 paused=1 ' || fail "host 1 observe: $out"
echo "$out" | grep -q '^host=2 rc=ok .* running=2 paused=1 ' || fail "host 2 observe: $out"
d1=$(grep '^dom host=1 ' <<<"$out")
expect_eq "h1 paused name" "i-2-40-VM" "$(field name "$d1")"
expect_eq "h1 paused uuid" "6695eb01-f6a4-8304-79aa-97f2502e4040" "$(field uuid "$d1")"
expect_eq "h1 reason" "user/1" "$(field reason "$d1")"
expect_eq "h1 job" "unsupported" "$(field job "$d1")"
grep -q 'note="job info unsupported"' <<<"$d1" || fail "no job-info note: $d1"
expect_eq "h2 paused name" "i-2-50-VM" "$(field name "$(grep '^dom host=2 ' <<<"$out")")"
pass "observe both hosts: paused domain, reason user, job info unsupported"

# --- opt-out marker set through libvirt, seen by the adapter -----------------
lv_virsh h1 metadata i-2-40-VM --uri https://hawatch.example.org/xmlns/optout/1 \
    --key hawatch --set '<optout/>' --live >/dev/null
out=$("$PROBE" -t $DEADLINE "$U1" observe)
expect_eq "marker" "present" "$(field marker "$(grep '^dom ' <<<"$out")")"
lv_virsh h1 metadata i-2-40-VM --uri https://hawatch.example.org/xmlns/optout/1 \
    --remove --live >/dev/null
out=$("$PROBE" -t $DEADLINE "$U1" observe)
expect_eq "marker removed" "absent" "$(field marker "$(grep '^dom ' <<<"$out")")"
pass "opt-out metadata marker read over the wire"

# --- host 1 hangs while connections are open (reused across sweeps) ----------
rm -f "$T/stopped"
# rounds: 1 before the hang, 2 in flight when it hangs, 3 right after (the
# abandoned call still holds the connection), 4 after keepalive (2 s x 2)
# has declared the old connection dead: a reopen, which hangs in turn.
"$PROBE" -t $DEADLINE "$U1" -u "$U2" observe waitfile "$T/stopped" \
    observe observe sleep 7000 observe > "$T/long.out" 2>"$T/long.err" &
lp=$!
track $lp
wait_for 10 grep -q '^observe total_ms' "$T/long.out" || fail "first round missing"
lv_sigstop h1
touch "$T/stopped"
wait_for 30 eval '! running '$lp || fail "long-lived probe did not finish"
wait $lp || fail "long-lived probe exit: $(cat "$T/long.err")"
mapfile -t rounds < <(grep '^observe total_ms' "$T/long.out")
[ ${#rounds[@]} -eq 4 ] || fail "expected 4 rounds: $(cat "$T/long.out")"
h1=($(grep '^host=1 ' "$T/long.out" | sed 's/.* rc=\([^ ]*\).*/\1/'))
h2=($(grep '^host=2 ' "$T/long.out" | sed 's/.* rc=\([^ ]*\).*/\1/'))
expect_eq "round 1 host 1" ok "${h1[0]}"
expect_eq "round 2 host 1 (hung, established conn)" timeout "${h1[1]}"
[[ ${h1[2]} == timeout || ${h1[2]} == busy || ${h1[2]} == conn-lost ]] ||
	fail "round 3 host 1: ${h1[2]}"
expect_eq "round 4 host 1 (dead conn dropped, reopen hangs)" timeout "${h1[3]}"
expect_eq "host 2 every round" "ok ok ok ok" "${h2[*]}"
grep '^host=1 rc=timeout' "$T/long.out" | head -1 | grep -q 'observe timed out after 3000 ms' ||
	fail "timeout text: $(grep '^host=1 rc=timeout' "$T/long.out")"
grep '^host=1 rc=timeout' "$T/long.out" | tail -1 | grep -q 'open timed out after 3000 ms' ||
	fail "round 4 should reopen: $(grep '^host=1 ' "$T/long.out" | tail -1)"
grep -q 'event=virt.conn_lost host=1 reason=keepalive' "$T/long.err" ||
	fail "keepalive did not close the hung connection: $(cat "$T/long.err")"
for r in 1 2 3; do
	t=$(field total_ms "${rounds[$r]}")
	[ "$t" -le $((DEADLINE + SLACK)) ] || fail "round $((r + 1)) took $t ms"
done
pass "hung host on a live connection: timeout in $(field total_ms "${rounds[1]}") ms, host 2 unaffected (round 3: ${h1[2]}; round 4: keepalive dropped it, reopen timed out)"

# --- a fresh open to the hung daemon -----------------------------------------
start=$(date +%s%N)
out=$("$PROBE" -t $DEADLINE "$U1" -u "$U2" observe)
wall=$(( ($(date +%s%N) - start) / 1000000 ))
echo "$out" | grep -q '^host=1 rc=timeout .*open timed out after 3000 ms' ||
	fail "fresh open to hung host: $out"
echo "$out" | grep -q '^host=2 rc=ok .* paused=1 ' || fail "host 2 with host 1 hung: $out"
tobs=$(field total_ms "$(grep '^observe total_ms' <<<"$out")")
[ "$tobs" -le $((DEADLINE + SLACK)) ] || fail "concurrent observe took $tobs ms"
[ "$wall" -le $((DEADLINE + SLACK + 1000)) ] || fail "probe process took $wall ms"
out=$("$PROBE" -t 1500 "$U1" open)
echo "$out" | grep -q '^open host=1 rc=timeout .*open timed out after 1500 ms' ||
	fail "open to hung host: $out"
t=$(field elapsed_ms "$out")
[ "$t" -le $((1500 + SLACK)) ] || fail "open took $t ms"
# the unix socket hangs the same way
out=$("$PROBE" -t 1500 "${LV_UNIX_URI[h1]}" open)
echo "$out" | grep -q 'rc=timeout' || fail "unix open to hung host: $out"
pass "fresh open to a hung libvirtd times out (observe $tobs ms, process $wall ms, open $t ms); host 2 still observed"

lv_sigcont h1
out=$("$PROBE" -t $DEADLINE "$U1" observe)
echo "$out" | grep -q '^host=1 rc=ok .* paused=1 ' || fail "after SIGCONT: $out"
pass "host 1 answers again after SIGCONT"

# --- a domain destroyed between list and resume ------------------------------
lv_suspend h1 i-2-41-VM
uuid=$(lv_uuid h1 i-2-41-VM)
rm -f "$T/destroyed"
"$PROBE" -t $DEADLINE "$U1" observe waitfile "$T/destroyed" resume "$uuid" \
    > "$T/vanish.out" &
vp=$!
track $vp
wait_for 10 grep -q '^observe total_ms' "$T/vanish.out" || fail "no observe before destroy"
grep -q "^dom host=1 name=i-2-41-VM uuid=$uuid " "$T/vanish.out" || fail "i-2-41-VM not listed"
lv_destroy h1 i-2-41-VM
touch "$T/destroyed"
wait $vp || fail "vanish probe exit"
grep -q "^resume host=1 dom=$uuid rc=vanished .*domain vanished: $uuid" "$T/vanish.out" ||
	fail "vanished: $(grep '^resume' "$T/vanish.out")"
expect_eq "i-2-40-VM untouched" "paused (user)" "$(lv_state h1 i-2-40-VM)"
pass "domain destroyed between list and resume: domain vanished, nothing else touched"

# --- resume over the wire, then the adapter's view ---------------------------
out=$("$PROBE" -t $DEADLINE -s 500 "$U2" resume i-2-50-VM@1)
echo "$out" | grep -q '^resume host=1 dom=i-2-50-VM rc=resumed state=running reason=unpaused' ||
	fail "resume on h2: $out"
expect_eq "h2 state" "running (unpaused)" "$(lv_state h2 i-2-50-VM)"
pass "resume through libvirtd: resumed and re-read as running"

# --- power-off: kill -9 ------------------------------------------------------
lv_kill h2
out=$("$PROBE" -t $DEADLINE "$U1" -u "$U2" observe)
echo "$out" | grep -q '^host=2 rc=unreachable .*Connection refused' || fail "killed host: $out"
echo "$out" | grep -q '^host=1 rc=ok ' || fail "host 1 with host 2 dead: $out"
t=$(field elapsed_ms "$(grep '^host=2 ' <<<"$out")")
[ "$t" -le 1000 ] || fail "refused took $t ms"
pass "killed libvirtd: unreachable with 'Connection refused' in $t ms"

# --- bogus URIs ---------------------------------------------------------------
out=$("$PROBE" -t $DEADLINE "bogus+nosuch://127.0.0.1/x" observe)
echo "$out" | grep -q '^host=1 rc=failed .*open bogus+nosuch://127.0.0.1/x: ' ||
	fail "bogus URI: $out"
out=$("$PROBE" -t $DEADLINE "test+unix:///default?socket=$T/nonexistent-sock" observe)
echo "$out" | grep -q '^host=1 rc=unreachable .*No such file or directory' ||
	fail "missing socket: $out"
pass "bogus URI and missing socket: clear errors ($(field err "$out" | head -c 60)...)"

# --- URI templates -------------------------------------------------------------
expect_eq "expand" "expand uri=qemu+tls://10.1.2.3/system" \
    "$("$PROBE" expand 'qemu+tls://{ip}/system' 10.1.2.3)"
expect_eq "expand v6" "expand uri=qemu+tls://[fd00::7]/system" \
    "$("$PROBE" expand 'qemu+tls://{ip}/system' fd00::7)"
"$PROBE" expand 'qemu+tls://{ip}/system' '10.0.0.1/x?socket=/etc' | grep -q 'rc=error .*bad character' ||
	fail "bad ip accepted"
pass "URI template expansion"
