#!/bin/bash
# t_ipmi.sh -- the BMC adapter (fence/ipmi.c, fence/bmc_pool.c) against real
# ipmi_sim BMCs, through build/itest/ipmiprobe.
#
# Three simulated hosts (heartbeat writer + one ipmi_sim each).  Checks:
# status; fence = one "set power 0", writer dead, heartbeat frozen, never a
# cycle/reset; fence of an off host sends nothing; wrong password / unknown
# user / missing workaround give distinct errors without leaking the
# password; a hung or dead BMC is "timeout" within the session timeout; a
# pool keeps polling healthy hosts at the interval while one BMC hangs, runs
# a deduplicated fence; 100 sequential sessions do not exhaust the BMC's
# session table; valgrind finds no leaks in the probe.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/ipmisim.sh"
ipmisim_require

P=$TOP/build/itest/ipmiprobe
[ -x "$P" ] || fail "$P missing: run make"

# 990/250: fails at a stable 1.0 s (retransmit boundary, reference/ipmi.md)
SESS_MS=990
W=(--workaround opensesspriv --session-timeout-ms $SESS_MS --retrans-ms 250)

# probe ARGS...: run ipmiprobe; sets $out (stdout), $err (stderr), $rc
probe() {
	rc=0
	out=$("$P" "$@" 2>"$T/probe.err") || rc=$?
	err=$(cat "$T/probe.err")
}
# field KEY: value of KEY=... (space-free values) in $out
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$out" | head -1; }
addr() { echo "127.0.0.1:$(ipmisim_port "$1")"; }
hb_mtime() { stat -c %.9Y "$(cat "$(ipmisim_hostdir "$1")/hb.target")"; }
nset() { grep -c "set $2" "$(ipmisim_hostdir "$1")/chassis.log" || true; }

for h in h1 h2 h3; do
	ipmisim_start_host "$h" "" 200 >/dev/null
done
PW1=$(cat "$(ipmisim_pass_file h1)")

# --- (1) status ----------------------------------------------------------
probe status "$(addr h1)" admin "$(ipmisim_pass_file h1)" "${W[@]}"
expect_eq "h1 status rc" 0 "$rc"
expect_eq "h1 status" on "$(field status)"
probe status "$(addr h1)" admin "$(ipmisim_pass_file h1)" "${W[@]}" --priv admin
expect_eq "h1 status as admin" on "$(field status)"
pass "status reads on"

# --- (2) fence a running host -----------------------------------------------
m0=$(hb_mtime h1); sleep 0.5
[ "$(hb_mtime h1)" != "$m0" ] || fail "h1 heartbeat not moving before fence"
wpid=$(cat "$T/hosts/h1/writer.pid")
running "$wpid" || fail "h1 writer $wpid not running before fence"
probe off "$(addr h1)" admin "$(ipmisim_pass_file h1)" "${W[@]}" \
    --fence-timeout-ms 5000
expect_eq "fence rc" 0 "$rc"
expect_eq "fence result" off_confirmed "$(field fence)"
expect_eq "fence first" on "$(field first)"
expect_eq "fence control_sent" 1 "$(field control_sent)"
expect_eq "h1 power file" 0 "$(ipmisim_power h1)"
writer_gone() { ! running "$wpid"; }
wait_for 2 writer_gone || fail "h1 writer $wpid still alive after fence"
m0=$(hb_mtime h1); sleep 0.7
expect_eq "h1 heartbeat frozen" "$m0" "$(hb_mtime h1)"
expect_eq "h1 'set power 0' count" 1 "$(nset h1 'power 0')"
expect_eq "h1 'set power 1' count (boot only: no cycle)" 1 "$(nset h1 'power 1')"
expect_eq "h1 reset/shutdown count" 0 "$(nset h1 '\(reset\|shutdown\)')"
pass "fence: off confirmed, writer dead, heartbeat frozen, one power-down"

# --- (3) fence an already-off host ----------------------------------------
n0=$(wc -l < "$T/hosts/h1/chassis.log")
probe off "$(addr h1)" admin "$(ipmisim_pass_file h1)" "${W[@]}"
expect_eq "refence result" off_confirmed "$(field fence)"
expect_eq "refence control_sent" 0 "$(field control_sent)"
expect_eq "refence reads" 2 "$(field reads)"
expect_eq "refence sent no command" "$n0" "$(wc -l < "$T/hosts/h1/chassis.log")"
pass "fence of an off host: confirmed by two reads, no command"

# --- (4) credentials ----------------------------------------------------------
WRONG=wrong$RANDOM$RANDOM
(umask 077; echo "$WRONG" > "$T/wrong.pass")
probe status "$(addr h2)" admin "$T/wrong.pass" "${W[@]}"
expect_eq "wrong password rc" 1 "$rc"
expect_eq "wrong password" auth_password "$(field status)"
[[ $out == *"$(addr h2)"*"password invalid"* ]] || fail "unclear message: $out"
probe off "$(addr h2)" admin "$T/wrong.pass" "${W[@]}"
expect_eq "fence wrong password" auth_error "$(field fence)"
expect_eq "fence wrong password control_sent" 0 "$(field control_sent)"
[[ "$out$err" != *"$WRONG"* ]] || fail "password leaked: $out $err"
expect_eq "h2 power unchanged" 1 "$(ipmisim_power h2)"
ipmisim_writer_alive h2 || fail "h2 writer died"
probe status "$(addr h2)" nosuchuser "$(ipmisim_pass_file h2)" "${W[@]}"
expect_eq "unknown user" auth_user "$(field status)"
[[ $out == *"username invalid"* ]] || fail "unclear message: $out"
probe status "$(addr h2)" admin "$(ipmisim_pass_file h2)" \
    --session-timeout-ms $SESS_MS --retrans-ms 250
expect_eq "no opensesspriv" privilege "$(field status)"
[[ $out == *opensesspriv* ]] || fail "privilege error lacks the hint: $out"
[[ "$out$err" != *"$PW1"* && "$out$err" != *"$(cat "$(ipmisim_pass_file h2)")"* ]] \
    || fail "password leaked: $out $err"
pass "auth errors: password / user / privilege distinct, nothing leaked"

# --- (5) hung BMC -----------------------------------------------------------------
ipmisim_stop_bmc h2
probe status "$(addr h2)" admin "$(ipmisim_pass_file h2)" "${W[@]}"
expect_eq "hung status" timeout "$(field status)"
e=$(field elapsed_ms)
[ "$e" -ge 900 ] && [ "$e" -le 2500 ] || fail "hung status took ${e} ms"
probe off "$(addr h2)" admin "$(ipmisim_pass_file h2)" "${W[@]}" \
    --fence-timeout-ms 3000
expect_eq "hung fence" failed_unknown "$(field fence)"
e=$(field elapsed_ms)
[ "$e" -le 3500 ] || fail "hung fence took ${e} ms"
ipmisim_cont_bmc h2
sleep 0.3	# let the BMC drain what queued up while it was stopped
probe status "$(addr h2)" admin "$(ipmisim_pass_file h2)" "${W[@]}"
expect_eq "re-query after resume rc" 0 "$rc"
if [ "$(ipmisim_power h2)" = 1 ]; then want=on; else want=off; fi
expect_eq "re-query reports the true power state" "$want" "$(field status)"
pass "hung BMC: timeout in ${e} ms, fence failed_unknown, re-query true ($want)"

# --- host crash with its BMC alive ------------------------------------------
wpid=$(cat "$T/hosts/h3/writer.pid")
ipmisim_crash_host h3
wait_for 2 writer_gone || fail "h3 writer survived the crash"
probe status "$(addr h3)" admin "$(ipmisim_pass_file h3)" "${W[@]}"
expect_eq "crashed host's BMC still reports" on "$(field status)"
pass "host crash: writer gone, BMC alive and still reports on"

# --- (7) pool: one hung BMC does not stall the others ----------------------
ipmisim_stop_bmc h2
probe poll "$(addr h1),$(addr h2),$(addr h3)" admin \
    "$(ipmisim_pass_file h1),$(ipmisim_pass_file h2),$(ipmisim_pass_file h3)" \
    "${W[@]}" --workers 2 --interval-ms 300 --duration-ms 3800 \
    --fence 3@2400 --fence-timeout-ms 1200
ipmisim_cont_bmc h2
echo "$out" > "$T/poll.out"; echo "$err" > "$T/poll.err"
expect_eq "poll rc" 0 "$rc"
fin() { grep "^final .*host=$1 " <<<"$out" | sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p"; }
s1=$(fin 1 power_seq)
[ "$s1" -ge 7 ] || fail "host 1 only $s1 readings in 3.8 s at 300 ms"
expect_eq "host 1 status" off "$(fin 1 status)"
expect_eq "host 2 status" timeout "$(fin 2 status)"
[ "$(fin 2 power_seq)" -ge 1 ] || fail "host 2 never reported"
# Before the fence (t < 2400 ms, two hung polls of host 2 at 1 s each),
# host 1's readings keep arriving at the 300 ms interval: a pool that let
# the hung BMC hold more than one worker would show gaps of 1000 ms or more.
gap=$(grep '^view .*host=1 ' <<<"$out" | sed 's/^view t=\([0-9]*\).*/\1/' |
    awk '$1 < 2400 && NR > 1 && $1 - p > m { m = $1 - p }
	{ p = $1 } END { print m + 0 }')
[ "$gap" -gt 0 ] && [ "$gap" -le 800 ] || fail "host 1 readings stalled ${gap} ms"
grep -q "^fence_request .*host=3 rc=0 again=1" <<<"$out" ||
    fail "fence request not queued once and deduplicated"
expect_eq "host 3 fence" off_confirmed "$(fin 3 fence)"
expect_eq "host 3 fence_seq" 1 "$(fin 3 fence_seq)"
expect_eq "host 3 status after fence" off "$(fin 3 status)"
expect_eq "h3 'set power 0' count" 1 "$(nset h3 'power 0')"
expect_eq "bmc.error lines for host 2 (once per change)" 1 \
    "$(grep -c 'event=bmc.error host=2 ' <<<"$err")"
grep -q 'event=fence.done host=3 .*result=off_confirmed' <<<"$err" ||
    fail "no fence.done log"
us=$(sed -n 's/^done snapshot_max_us=\([0-9]*\).*/\1/p' <<<"$out")
[ "$us" -le 50000 ] || fail "snapshot blocked ${us} us"
fm=$(sed -n 's/.*free_ms=\([0-9]*\).*/\1/p' <<<"$out")
[ "$fm" -le 2500 ] || fail "pool free took ${fm} ms"
pass "pool: host 1 $s1 readings (max gap ${gap} ms) while host 2 hung; fence deduplicated; free ${fm} ms"

# --- (7b) kept sessions: one handshake per BMC, re-open after an error ----
# h1 (off since the fence) and h3 (on), polled every 300 ms for 4 s: each
# BMC is opened once and then read over its kept session; a BMC that hangs
# for 1.5 s (the reused session times out) is re-opened, and readings
# resume.
ipmisim_power_on h1 >/dev/null
( sleep 1.5; ipmisim_stop_bmc h3; sleep 1.5; ipmisim_cont_bmc h3 ) &
stopper=$!
probe poll "$(addr h1),$(addr h3)" admin \
    "$(ipmisim_pass_file h1),$(ipmisim_pass_file h3)" "${W[@]}" \
    --workers 2 --interval-ms 300 --duration-ms 4500
wait "$stopper"
st() { sed -n "s/^stats .*\b$1=\([^ ]*\).*/\1/p" <<<"$out"; }
expect_eq "poll rc" 0 "$rc"
[ "$(st polls)" -ge 20 ] || fail "only $(st polls) polls: $out"
# h1 opens once; h3 once, then after the hang: its failed reused read
# re-opens once at once, and every poll while hung opens afresh
[ "$(st reopen_error)" -ge 1 ] || fail "no re-open after the hang: $(grep ^stats <<<"$out")"
[ "$(st reads_reused)" -ge 10 ] || fail "sessions not kept: $(grep ^stats <<<"$out")"
[ "$(st opens)" -lt $(( $(st polls) / 2 )) ] || fail "a handshake per poll: $(grep ^stats <<<"$out")"
expect_eq "sessions open at the end" 2 "$(st sessions_open)"
if [ "$(ipmisim_power h3)" = 1 ]; then want=on; else want=off; fi
expect_eq "host 3 (id 2) reads again after its hang" "$want" "$(fin 2 status)"
pass "kept sessions: $(st opens) handshakes for $(st polls) polls, $(st reads_reused) reused, re-opened after a hang"

# --- (7c) event-driven confirmation ---------------------------------------
# Poll interval 5 s, run 8 s.  h1 is powered off right after its first
# reading, so its regular polls in the run are at about 0 s and 5 s: only
# one of them can read off.  Two "get power 0" lines on the BMC mean the
# change was confirmed by an extra read, within one interval.
touch "$(ipmisim_hostdir h1)/log.gets"
: >"$T/probe.fifo.out"
"$P" poll "$(addr h1)" admin "$(ipmisim_pass_file h1)" "${W[@]}" \
    --workers 1 --interval-ms 5000 --duration-ms 8000 >"$T/probe.fifo.out" \
    2>"$T/probe.err" &
ppid=$!
first_read() { grep -q "^view .*host=1 .*power_seq=1 " "$T/probe.fifo.out"; }
wait_for 5 first_read || fail "no first reading: $(cat "$T/probe.fifo.out")"
ipmipower --config-file="$(ipmisim_hostdir h1)/freeipmi.conf" \
    -h "$(addr h1)" --off >/dev/null
wait "$ppid" || fail "probe failed: $(tail -3 "$T/probe.err")"
out=$(cat "$T/probe.fifo.out")
rm -f "$(ipmisim_hostdir h1)/log.gets"
log1=$(ipmisim_hostdir h1)/chassis.log
# the lines after the last "set power 0" (the fence of (2) sent one too)
after=$(awk '/set power 0/ { b = ""; next } { b = b $0 "\n" } END { printf "%s", b }' "$log1")
expect_eq "off readings after the power-off (regular poll + confirmation)" 2 \
    "$(grep -c 'get power 0' <<<"$after")"
expect_eq "no other reading in between" 0 "$(grep -c 'get power 1' <<<"$after")"
expect_eq "pool confirms" 1 "$(st confirms)"
[ "$(grep -c '^wake ' <<<"$out")" -ge 1 ] || fail "wake fd never fired: $out"
expect_eq "final status" off "$(fin 1 status)"
pass "confirmation: first off reading confirmed by a second within one 5 s interval, wake fd fired"

# --- (6) dead BMC --------------------------------------------------------------
ipmisim_kill_bmc h2
probe status "$(addr h2)" admin "$(ipmisim_pass_file h2)" "${W[@]}"
expect_eq "dead BMC status" timeout "$(field status)"
e=$(field elapsed_ms)
[ "$e" -le 2500 ] || fail "dead BMC status took ${e} ms"
pass "dead BMC: timeout in ${e} ms"

# --- (8) no leaked sessions ------------------------------------------------------
ipmisim_power_on h3
ipmisim_writer_alive h3 || fail "power on did not restart the h3 writer"
m0=$(hb_mtime h3); sleep 0.5
[ "$(hb_mtime h3)" != "$m0" ] || fail "h3 heartbeat not moving after power on"
# ipmi_sim refuses new sessions after about 50 unclosed ones
probe status "$(addr h3)" admin "$(ipmisim_pass_file h3)" "${W[@]}" --repeat 100
expect_eq "sequential sessions that succeeded ($out)" 100 "$(field ok)"
expect_eq "h3 status after 100 sessions" on "$(field status)"
pass "100 sequential sessions all succeeded"

# --- valgrind --------------------------------------------------------------------
if command -v valgrind >/dev/null 2>&1; then
	vg=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect
	    --error-exitcode=99)
	rc=0
	"${vg[@]}" "$P" status "$(addr h3)" admin "$(ipmisim_pass_file h3)" \
	    "${W[@]}" > "$T/vg.out" 2>&1 || rc=$?
	expect_eq "valgrind status rc ($(tail -5 "$T/vg.out"))" 0 "$rc"
	rc=0
	"${vg[@]}" "$P" off "$(addr h3)" admin "$(ipmisim_pass_file h3)" \
	    "${W[@]}" > "$T/vg.out" 2>&1 || rc=$?
	expect_eq "valgrind off rc ($(tail -5 "$T/vg.out"))" 0 "$rc"
	rc=0
	"${vg[@]}" "$P" poll "$(addr h1),$(addr h3)" admin \
	    "$(ipmisim_pass_file h1),$(ipmisim_pass_file h3)" "${W[@]}" \
	    --duration-ms 1500 --fence 1@200 > "$T/vg.out" 2>&1 || rc=$?
	expect_eq "valgrind poll rc ($(tail -5 "$T/vg.out"))" 0 "$rc"
	pass "valgrind: status, off, poll without errors or leaks"
fi
