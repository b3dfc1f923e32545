#!/bin/bash
# t_heartbeat_local.sh -- heartbeat reads from a local directory pool: the
# same semantics as over NFS (values and mtimes, changes seen on the next
# round, garbage, missing), plus what only a directory can do: a FIFO or a
# subdirectory in place of the file, a missing KVMHA or pool directory, and
# a directory whose every access hangs (a FUSE mount whose server never
# answers, standing in for a hard NFS mount of a dead filer): that pool is
# UNKNOWN by the deadline, then "busy" until the stuck read returns, while
# the other pool in the same call is read normally.
source "$(dirname "$0")/../lib/common.sh"

HBPROBE=$TOP/build/itest/hbprobe
[ -x "$HBPROBE" ] || fail "missing $HBPROBE (run make)"
DEADLINE=1500		# ms per hb_read_all call
SLACK=1500		# ms allowed over it on a loaded 2-core machine

POOL=$T/pool
KV=$POOL/KVMHA
mkdir -p "$KV"
IPS=10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4

probe_start() {
	coproc PROBE { exec "$HBPROBE" --step --deadline-ms "$DEADLINE" "$@" \
	    2>"$T/probe.err"; }
	PROBE_PID_KEPT=$PROBE_PID
	track "$PROBE_PID"
}

round() {
	local line
	echo go >&"${PROBE[1]}"
	: > "$T/round.out"
	while IFS= read -r -t 30 line <&"${PROBE[0]}"; do
		echo "$line" >> "$T/round.out"
		if [[ $line == "end round="* ]]; then
			cp "$T/round.out" "$T/${line#end }.out"	# kept on failure
			return 0
		fi
	done
	cat "$T/probe.err" >&2
	fail "hbprobe gave no complete round"
}

col() {
	awk -v ip="$1" -v n="$2" -v pool="pool=${3:-0}" \
	    '$1 == ip && $5 == pool { print $n; exit }' "$T/round.out"
}
err_of() { grep "^$1 .* pool=${2:-0} " "$T/round.out" | sed -n 's/.* err=//p'; }
elapsed() { sed -n 's/^round=[0-9]* elapsed_ms=\([0-9]*\).*/\1/p' "$T/round.out"; }
pool_line() { grep "^pool=${1:-0} " "$T/round.out"; }

# ---- values and mtimes; changes seen on the next round ----
echo 1700000001 > "$KV/hb-10.0.0.1" && touch -d @1700000001.125 "$KV/hb-10.0.0.1"
printf '1700000002' > "$KV/hb-10.0.0.2"		# no newline: also valid
printf '1700000003 \t\r\n\n' > "$KV/hb-10.0.0.3"	# trailing whitespace: valid
probe_start "$POOL" "$IPS"
round
expect_eq "10.0.0.1" "OK 1700000001 1700000001125" "$(col 10.0.0.1 2) $(col 10.0.0.1 3) $(col 10.0.0.1 4)"
expect_eq "10.0.0.2 (no newline)" "OK 1700000002" "$(col 10.0.0.2 2) $(col 10.0.0.2 3)"
expect_eq "10.0.0.3 (whitespace)" "OK 1700000003" "$(col 10.0.0.3 2) $(col 10.0.0.3 3)"
expect_eq "10.0.0.4" MISSING "$(col 10.0.0.4 2)"
pool_line | grep -q 'readable=1 ' || fail "pool not readable: $(pool_line)"
pass "values and mtimes read ($(elapsed) ms)"

echo 1700000101 > "$KV/hb-10.0.0.1" && touch -d @1700000101.500 "$KV/hb-10.0.0.1"
echo 1700000102 > "$KV/.tmp" && mv "$KV/.tmp" "$KV/hb-10.0.0.2"
echo 1700000104 > "$KV/hb-10.0.0.4"
round
expect_eq "10.0.0.1 rewritten" "1700000101 1700000101500" "$(col 10.0.0.1 3) $(col 10.0.0.1 4)"
expect_eq "10.0.0.2 renamed" 1700000102 "$(col 10.0.0.2 3)"
expect_eq "10.0.0.4 created" "OK 1700000104" "$(col 10.0.0.4 2) $(col 10.0.0.4 3)"
pass "rewrite, rename and create seen on the next round"

# ---- garbage, in every shape the parser must refuse ----
printf 'hello\n' > "$KV/hb-10.0.0.1"
: > "$KV/hb-10.0.0.2"
printf '17\0000000000\n' > "$KV/hb-10.0.0.3"
printf '%040d\n' 1 > "$KV/hb-10.0.0.4"
round
for ip in 10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4; do
	expect_eq "$ip garbage" GARBAGE "$(col $ip 2)"
done
err_of 10.0.0.1 | grep -q 'not a digit' || fail "letters: $(err_of 10.0.0.1)"
err_of 10.0.0.2 | grep -q 'empty' || fail "empty: $(err_of 10.0.0.2)"
err_of 10.0.0.3 | grep -q 'offset 2 (11 bytes, NUL bytes)' || fail "NUL: not length and class: $(err_of 10.0.0.3)"
err_of 10.0.0.4 | grep -q 'too long' || fail "long: $(err_of 10.0.0.4)"
expect_eq "garbage mtime kept" 1 "$([ "$(col 10.0.0.1 4)" -gt 0 ] && echo 1)"
pool_line | grep -q 'readable=1 .*garbage=4 ' || fail "garbage counts: $(pool_line)"
pass "garbage: letters, empty, NUL byte, too long ($(err_of 10.0.0.3))"

# not a regular file: a FIFO must not block the open (O_NONBLOCK)
rm -f "$KV/hb-10.0.0.1" "$KV/hb-10.0.0.2"
mkfifo "$KV/hb-10.0.0.1"
mkdir "$KV/hb-10.0.0.2"
rm -f "$KV/hb-10.0.0.3"
round
expect_eq "fifo" GARBAGE "$(col 10.0.0.1 2)"
expect_eq "directory" GARBAGE "$(col 10.0.0.2 2)"
err_of 10.0.0.1 | grep -q 'not a regular file (fifo)' || fail "fifo: $(err_of 10.0.0.1)"
expect_eq "removed" MISSING "$(col 10.0.0.3 2)"
[ "$(elapsed)" -lt "$DEADLINE" ] || fail "FIFO round hit the deadline"
pass "FIFO and directory in place of a file: GARBAGE, no blocking"

# missing KVMHA directory: every host MISSING; missing pool directory: UNKNOWN
mv "$KV" "$POOL/KVMHA.away"
round
expect_eq "no KVMHA" MISSING "$(col 10.0.0.1 2)"
mv "$POOL" "$T/pool.away"
round
expect_eq "no pool dir" UNKNOWN "$(col 10.0.0.1 2)"
pool_line | grep -q 'readable=0 ' || fail "missing pool readable: $(pool_line)"
mv "$T/pool.away" "$POOL" && mv "$POOL/KVMHA.away" "$KV"
echo 1700000201 > "$KV/hb-10.0.0.3"
round
expect_eq "back" "OK 1700000201" "$(col 10.0.0.3 2) $(col 10.0.0.3 3)"
pass "missing KVMHA (MISSING) and missing pool directory (UNKNOWN)"
exec {PROBE[1]}>&-
wait "$PROBE_PID_KEPT" 2>/dev/null || true

# ---- a directory that hangs ----
command -v python3 >/dev/null || { echo "note: no python3, hung-directory part skipped"; exit 0; }
[ -c /dev/fuse ] || { echo "note: no /dev/fuse, hung-directory part skipped"; exit 0; }
STUCK=$T/stuck
mkdir -p "$STUCK"
# A FUSE mount whose server never answers INIT: every access to it blocks
# (killably) until the server's /dev/fuse fd closes.
python3 - "$STUCK" > "$T/fuse.out" 2>&1 <<'EOF' &
import ctypes, os, signal, sys
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open("/dev/fuse", os.O_RDWR)
opts = ("fd=%d,rootmode=40000,user_id=0,group_id=0" % fd).encode()
if libc.mount(b"hawatch-hang", sys.argv[1].encode(), b"fuse", 0, opts) != 0:
    sys.exit("mount: " + os.strerror(ctypes.get_errno()))
print("mounted", flush=True)
signal.pause()
EOF
FUSE_PID=$!
track "$FUSE_PID"
unmount_stuck() { umount -l "$STUCK" 2>/dev/null || true; }
T_CLEANUP_HOOKS+=(unmount_stuck)
wait_for 10 grep -q -e mounted -e mount: "$T/fuse.out" || fail "fuse helper silent"
grep -q mounted "$T/fuse.out" || { echo "note: $(cat "$T/fuse.out"); hung-directory part skipped"; exit 0; }

rm -rf "$KV/hb-10.0.0.1" "$KV/hb-10.0.0.2"	# the FIFO: writing would block
echo 1700000301 > "$KV/hb-10.0.0.1"
probe_start "$STUCK" "$POOL" "$IPS"
round
expect_eq "stuck pool" UNKNOWN "$(col 10.0.0.1 2 0)"
err_of 10.0.0.1 0 | grep -q deadline || fail "stuck reason: $(err_of 10.0.0.1 0)"
expect_eq "healthy pool beside it" "OK 1700000301" "$(col 10.0.0.1 2 1) $(col 10.0.0.1 3 1)"
e=$(elapsed)
echo "stuck round: ${e} ms (deadline $DEADLINE)"
[ "$e" -ge $((DEADLINE - 100)) ] || fail "stuck round too fast: ${e} ms"
[ "$e" -le $((DEADLINE + SLACK)) ] || fail "stuck round took ${e} ms"
pass "hung directory: UNKNOWN by the deadline, other pool OK in the same call"

round		# still stuck: this call waits for that worker, then "busy"
expect_eq "busy pool" UNKNOWN "$(col 10.0.0.1 2 0)"
pool_line 0 | grep -q 'busy=1 ' || fail "not busy: $(pool_line 0)"
err_of 10.0.0.1 0 | grep -q 'busy: a read started' || fail "busy reason: $(err_of 10.0.0.1 0)"
expect_eq "healthy pool, second round" OK "$(col 10.0.0.1 2 1)"
e=$(elapsed)
[ "$e" -le $((DEADLINE + SLACK)) ] || fail "busy round took ${e} ms"
nthreads=$(ls /proc/"$PROBE_PID_KEPT"/task | wc -l)
[ "$nthreads" -le 2 ] || fail "hbprobe has $nthreads threads: stuck reads piling up"
pass "still stuck: pool busy in ${e} ms, still one stuck thread ($nthreads threads)"

kill "$FUSE_PID"	# connection aborted: the stuck read fails and returns
wait "$FUSE_PID" 2>/dev/null || true
sleep 0.2
round
pool_line 0 | grep -q 'busy=0 ' || fail "still busy after abort: $(pool_line 0)"
expect_eq "aborted mount" UNKNOWN "$(col 10.0.0.1 2 0)"
unmount_stuck
round
expect_eq "unmounted: empty dir, no KVMHA" MISSING "$(col 10.0.0.1 2 0)"
pass "stuck read returned: pool no longer busy ($(err_of 10.0.0.1 0))"

exec {PROBE[1]}>&-
wait "$PROBE_PID_KEPT" 2>/dev/null || true
