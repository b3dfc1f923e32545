#!/bin/bash
# t_heartbeat_nfs.sh -- heartbeat reads over NFSv4 (NFSv3 with NFS_VERSION=3,
# see ganesha_nfs_version) with libnfs against a real
# nfs-ganesha on loopback: values and mtimes, changes seen on the next round,
# garbage and missing files, a hung server (SIGSTOP) and a dead one (kill -9,
# then restarted on the same port), a port with nothing listening, an
# export subdirectory, and an NFS pool read in the same call as a local one.
#
# hbprobe runs as a coprocess in --step mode: one round per line we send, so
# the test changes files between rounds and one long-lived libnfs context
# (and its stat cache) sees every change.  Round times are measured by
# hbprobe itself; the slack allowed over the deadline is generous on purpose.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/ganesha.sh"
ganesha_nfs_version "$@"	# NFS_VERSION=3: t_heartbeat_nfs_v3.sh

HBPROBE=$TOP/build/itest/hbprobe
[ -x "$HBPROBE" ] || fail "missing $HBPROBE (run make)"
DEADLINE=2000		# ms per hb_read_all call
SLACK=1500		# ms allowed over it on a loaded 2-core machine

ganesha_start a
PORT=$GANESHA_PORT
KV=$GANESHA_EXPORT/KVMHA
LOCAL=$T/localpool
mkdir -p "$KV" "$LOCAL/KVMHA"
IPS=10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4

# hb IP VALUE [MTIME_EPOCH.FRAC] -- write a heartbeat like the agent does
hb() {
	echo "$2" > "$KV/hb-$1"
	[ -z "${3:-}" ] || touch -d "@$3" "$KV/hb-$1"
}

probe_start() {
	coproc PROBE { exec "$HBPROBE" --step --deadline-ms "$DEADLINE" \
	    --rpc-timeout-ms 3000 --mount-timeout-ms 3000 "$@" 2>"$T/probe.err"; }
	PROBE_PID_KEPT=$PROBE_PID	# bash unsets PROBE_PID when it exits
	track "$PROBE_PID"
}

# round: run one round, output in $T/round.out
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

# col IP N [POOL]: column N (2 status, 3 value, 4 mtime_ms) of IP's row
col() {
	awk -v ip="$1" -v n="$2" -v pool="pool=${3:-0}" \
	    '$1 == ip && $5 == pool { print $n; exit }' "$T/round.out"
}
elapsed() { sed -n 's/^round=[0-9]* elapsed_ms=\([0-9]*\).*/\1/p' "$T/round.out"; }
statuses() { awk -v pool="pool=${1:-0}" '$5 == pool { print $2 }' "$T/round.out" | sort -u | tr '\n' ' '; }

# ---- (1) values and mtimes; a rewrite is seen on the next round ----
hb 10.0.0.1 1700000001 1700000001.125
hb 10.0.0.2 1700000002 1700000002.250
hb 10.0.0.3 1700000003
echo 1700000009 > "$LOCAL/KVMHA/hb-10.0.0.1"
probe_start "$GANESHA_URL" "$LOCAL" "$IPS"
round
expect_eq "10.0.0.1 status" OK "$(col 10.0.0.1 2)"
expect_eq "10.0.0.1 value" 1700000001 "$(col 10.0.0.1 3)"
expect_eq "10.0.0.1 mtime_ms" 1700000001125 "$(col 10.0.0.1 4)"
expect_eq "10.0.0.2 mtime_ms" 1700000002250 "$(col 10.0.0.2 4)"
expect_eq "10.0.0.4 status" MISSING "$(col 10.0.0.4 2)"
expect_eq "local pool 10.0.0.1" OK "$(col 10.0.0.1 2 1)"
pass "values and mtimes read over NFSv4 ($(elapsed) ms)"

round	# unchanged files: served behind a fresh stat, same answers
expect_eq "10.0.0.1 value (unchanged)" 1700000001 "$(col 10.0.0.1 3)"

# same size, new content and mtime: the stat key changes, content re-read
hb 10.0.0.1 1700000101 1700000101.500
# replaced by rename (new inode), as an atomic writer would do
echo 1700000102 > "$KV/.tmp" && touch -d @1700000102 "$KV/.tmp" && mv "$KV/.tmp" "$KV/hb-10.0.0.2"
round
expect_eq "10.0.0.1 value after rewrite" 1700000101 "$(col 10.0.0.1 3)"
expect_eq "10.0.0.1 mtime after rewrite" 1700000101500 "$(col 10.0.0.1 4)"
expect_eq "10.0.0.2 value after rename" 1700000102 "$(col 10.0.0.2 3)"
# content changes while the mtime is put back: ctime still differs
hb 10.0.0.1 1700000111 1700000101.500
round
expect_eq "10.0.0.1 value, mtime restored" 1700000111 "$(col 10.0.0.1 3)"
pass "rewrites seen on the next round (in place, rename, mtime restored)"

# ---- (2) garbage and missing ----
printf 'hello\n' > "$KV/hb-10.0.0.3"
: > "$KV/hb-10.0.0.2"
round
expect_eq "10.0.0.3 garbage" GARBAGE "$(col 10.0.0.3 2)"
grep -q '^10.0.0.3 .*pool=0 .*err=.*not a digit' "$T/round.out" || fail "no reason for garbage: $(cat "$T/round.out")"
expect_eq "10.0.0.2 empty" GARBAGE "$(col 10.0.0.2 2)"
expect_eq "10.0.0.4 missing" MISSING "$(col 10.0.0.4 2)"
hb 10.0.0.3 1700000303
rm -f "$KV/hb-10.0.0.1"
round
expect_eq "10.0.0.3 fixed" OK "$(col 10.0.0.3 2)"
expect_eq "10.0.0.3 value" 1700000303 "$(col 10.0.0.3 3)"
expect_eq "10.0.0.1 removed" MISSING "$(col 10.0.0.1 2)"
hb 10.0.0.1 1700000401
hb 10.0.0.2 1700000402
pass "garbage and missing files"

# a symlink to a good heartbeat (another host's) and a directory are never
# read through: GARBAGE, not a regular file; the reason shows no content
ln -s hb-10.0.0.1 "$KV/hb-10.0.0.4"
printf '\033[31mboom\n' > "$KV/hb-10.0.0.3"
round
expect_eq "symlink in place of hb-10.0.0.4" GARBAGE "$(col 10.0.0.4 2)"
grep -q '^10.0.0.4 .*pool=0 .*err="not a regular file (symlink)"' "$T/round.out" || fail "symlink: $(grep '^10.0.0.4' "$T/round.out")"
grep -q '^10.0.0.3 .*pool=0 .*err="not a digit at offset 0 (10 bytes, control characters)"' "$T/round.out" || fail "escape: $(grep '^10.0.0.3' "$T/round.out")"
rm -f "$KV/hb-10.0.0.4"
mkdir "$KV/hb-10.0.0.4"
hb 10.0.0.3 1700000403
round
grep -q '^10.0.0.4 GARBAGE .*pool=0 .*err="not a regular file (directory)"' "$T/round.out" || fail "directory: $(grep '^10.0.0.4' "$T/round.out")"
rmdir "$KV/hb-10.0.0.4"
pass "symlink and directory: GARBAGE, never followed; garbage reason shows length and class only"

# ---- (3) hung server: UNKNOWN by the deadline, the local pool unharmed ----
kill -STOP "$GANESHA_PID"
# kill(2) returns before every thread has stopped: wait until all have
all_stopped() { ! sed 's/.*) //' /proc/"$1"/task/*/stat | cut -c1 | grep -qv T; }
wait_for 5 all_stopped "$GANESHA_PID" || fail "ganesha did not stop"
round
expect_eq "NFS rows while hung" "UNKNOWN " "$(statuses 0)"
expect_eq "local pool while NFS hung" OK "$(col 10.0.0.1 2 1)"
# RPC timeout (3 s) > deadline (2 s): the deadline ends the round and the
# unanswered RPCs stay in the context for later rounds to discard
grep -q '^10.0.0.1 UNKNOWN .*pool=0 .*deadline' "$T/round.out" || fail "hung: $(cat "$T/round.out")"
e=$(elapsed)
echo "hung round: ${e} ms (deadline $DEADLINE)"
[ "$e" -ge $((DEADLINE - 100)) ] || fail "hung round too fast (${e} ms): did it wait at all?"
[ "$e" -le $((DEADLINE + SLACK)) ] || fail "hung round took ${e} ms > deadline $DEADLINE + $SLACK"
# a new context cannot even mount: also bounded by the deadline
"$HBPROBE" --deadline-ms 1000 --mount-timeout-ms 3000 "$GANESHA_URL" "$IPS" > "$T/fresh.out"
grep -q '^10.0.0.1 UNKNOWN .*mount in progress' "$T/fresh.out" || fail "fresh mount on hung server: $(cat "$T/fresh.out")"
e=$(sed -n 's/^round=0 elapsed_ms=\([0-9]*\).*/\1/p' "$T/fresh.out")
echo "fresh mount on hung server: ${e} ms (deadline 1000)"
[ "$e" -le $((1000 + SLACK)) ] || fail "fresh mount round took ${e} ms"
kill -CONT "$GANESHA_PID"
ok=""
for i in 1 2 3 4 5; do
	round
	if [ "$(col 10.0.0.1 2)" = OK ]; then ok=$i; break; fi
done
[ -n "$ok" ] || fail "not OK again after SIGCONT: $(cat "$T/round.out")"
expect_eq "10.0.0.1 value after CONT" 1700000401 "$(col 10.0.0.1 3)"
pass "hung server: UNKNOWN within deadline+${SLACK} ms, OK again ${ok} round(s) after SIGCONT"

# ---- (4) dead server, restarted on the same port: new context ----
ganesha_kill9 a
round
expect_eq "NFS rows while dead" "UNKNOWN " "$(statuses 0)"
expect_eq "local pool while NFS dead" OK "$(col 10.0.0.1 2 1)"
echo "dead server: $(grep '^pool=0' "$T/round.out")"
e=$(elapsed)
[ "$e" -le $((DEADLINE + SLACK)) ] || fail "dead-server round took ${e} ms"
round		# still dead: a fresh mount is refused
expect_eq "NFS rows, still dead" "UNKNOWN " "$(statuses 0)"
ganesha_start a "$PORT"
hb 10.0.0.1 1700000501
ok=""
for i in 1 2 3 4 5; do
	round
	if [ "$(col 10.0.0.1 2)" = OK ]; then ok=$i; break; fi
	sleep 0.2
done
[ -n "$ok" ] || fail "not OK after restart: $(cat "$T/round.out")"
expect_eq "10.0.0.1 after restart" 1700000501 "$(col 10.0.0.1 3)"
pass "dead server: UNKNOWN, OK ${ok} round(s) after restart on port $PORT"

# restart while the context is idle between rounds: seen in one round
ganesha_stop a
ganesha_start a "$PORT"
round
expect_eq "restart between rounds" OK "$(col 10.0.0.1 2)"
pass "server restarted between rounds: OK in the next round (fresh context in-call)"

# ---- (5) nothing listening: UNKNOWN fast, no hang ----
nport=$(free_port tcp)
"$HBPROBE" --deadline-ms 5000 "$(ganesha_url_ports /export "$nport" "$nport")" "$IPS" > "$T/refused.out"
grep -q '^10.0.0.1 UNKNOWN ' "$T/refused.out" || fail "refused: $(cat "$T/refused.out")"
e=$(sed -n 's/^round=0 elapsed_ms=\([0-9]*\).*/\1/p' "$T/refused.out")
echo "nothing listening: ${e} ms, $(grep '^pool=0' "$T/refused.out")"
[ "$e" -lt 2000 ] || fail "refused connection took ${e} ms (deadline 5000)"
pass "nothing listening on $nport: UNKNOWN in ${e} ms"

# ---- (5b) black hole: SYNs dropped (nft, our port on lo only) ----
# A synchronous mount would block 134 s here (deps.md 1.6); ours is async
# and bounded by the call's deadline.
NFT_TABLE=hawatch_hb_$$
nft_off() { nft delete table inet "$NFT_TABLE" 2>/dev/null || true; }
bport=$(free_port tcp)
if command -v nft >/dev/null && nft add table inet "$NFT_TABLE" 2>/dev/null; then
	T_CLEANUP_HOOKS+=(nft_off)
	nft add chain inet "$NFT_TABLE" input \
	    '{ type filter hook input priority -10; policy accept; }'
	nft add rule inet "$NFT_TABLE" input iifname lo tcp dport "$bport" drop
	"$HBPROBE" --deadline-ms 1500 --rounds 2 --interval-ms 0 \
	    "$(ganesha_url_ports /export "$bport" "$bport")" "$IPS" > "$T/hole.out"
	nft_off
	grep -q '^10.0.0.1 UNKNOWN .*round=1 .*mount in progress' "$T/hole.out" ||
	    fail "black hole: $(cat "$T/hole.out")"
	for r in 0 1; do
		e=$(sed -n "s/^round=$r elapsed_ms=\([0-9]*\).*/\1/p" "$T/hole.out")
		[ "$e" -le $((1500 + SLACK)) ] || fail "black-hole round $r took ${e} ms"
	done
	pass "black-holed port: UNKNOWN by the deadline, two rounds"
else
	echo "note: nft unavailable, black-hole case skipped"
fi

# ---- (6) export subdirectory and a bad export path ----
mkdir -p "$GANESHA_EXPORT/sub/KVMHA"
echo 1700000601 > "$GANESHA_EXPORT/sub/KVMHA/hb-10.0.0.9"
"$HBPROBE" "$(ganesha_url a /sub)" 10.0.0.9 > "$T/sub.out"
grep -q '^10.0.0.9 OK 1700000601 ' "$T/sub.out" || fail "subdir: $(cat "$T/sub.out")"
"$HBPROBE" "$(ganesha_url a /nonexistent)" 10.0.0.9 > "$T/bad.out"
grep -q '^10.0.0.9 UNKNOWN .*mount' "$T/bad.out" || fail "bad export: $(cat "$T/bad.out")"
pass "export subdirectory read; missing export path is UNKNOWN ($(grep -o 'err=.*' "$T/bad.out" | head -1))"

exec {PROBE[1]}>&-	# EOF: hbprobe prints its summary and exits
wait "$PROBE_PID_KEPT" 2>/dev/null || true
