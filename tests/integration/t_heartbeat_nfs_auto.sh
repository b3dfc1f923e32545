#!/bin/bash
# t_heartbeat_nfs_auto.sh -- a pool URL with no NFS version (CloudStack's
# pool rows name none) works against a v4-only and a v3-only server, as
# the agent's kernel mount does: the reader tries v4, and a mount the
# server refuses switches to v3 within the same round.  Both servers run in
# the test's own network namespace (v3 needs rpcbind, see netns.sh).
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/ganesha.sh"
export NFS_VERSION=auto
ganesha_nfs_version "$@"

HBPROBE=$TOP/build/itest/hbprobe
[ -x "$HBPROBE" ] || fail "missing $HBPROBE (run make)"
GANESHA_PROTOCOLS=4 ganesha_start four
GANESHA_PROTOCOLS=3 ganesha_start three
for n in four three; do
	mkdir -p "$(ganesha_dir $n)/export/KVMHA"
done
echo 1700000004 > "$(ganesha_dir four)/export/KVMHA/hb-10.0.0.1"
echo 1700000003 > "$(ganesha_dir three)/export/KVMHA/hb-10.0.0.1"
U4=$(ganesha_url four)
U3=$(ganesha_url three)
[[ $U4 != *version=* && $U3 != *version=* ]] || fail "URLs name a version: $U4 $U3"

"$HBPROBE" --rounds 3 --interval-ms 100 --deadline-ms 5000 "$U4" "$U3" 10.0.0.1 > "$T/out" 2> "$T/err" ||
	fail "hbprobe: $(cat "$T/err")"
for r in 0 1 2; do
	expect_eq "v4-only server, round $r" "OK 1700000004" \
	    "$(awk -v r="round=$r" '$5 == "pool=0" && $6 == r { print $2, $3 }' "$T/out")"
	expect_eq "v3-only server, round $r" "OK 1700000003" \
	    "$(awk -v r="round=$r" '$5 == "pool=1" && $6 == r { print $2, $3 }' "$T/out")"
done
pass "no version in the URL: v4-only and v3-only servers both read from the first round"

# the v3-only server dies and comes back: found again on v3
coproc PROBE { exec "$HBPROBE" --step --deadline-ms 3000 "$U3" 10.0.0.1 2>"$T/probe.err"; }
PROBE_PID_KEPT=$PROBE_PID
track "$PROBE_PID"
round() {
	local line
	echo go >&"${PROBE[1]}"
	: > "$T/round.out"
	while IFS= read -r -t 30 line <&"${PROBE[0]}"; do
		echo "$line" >> "$T/round.out"
		[[ $line == "end round="* ]] && return 0
	done
	fail "hbprobe gave no complete round: $(cat "$T/probe.err")"
}
round
grep -q '^10.0.0.1 OK 1700000003 ' "$T/round.out" || fail "before restart: $(cat "$T/round.out")"
ganesha_kill9 three
round
grep -q '^10.0.0.1 UNKNOWN ' "$T/round.out" || fail "while dead: $(cat "$T/round.out")"
GANESHA_PROTOCOLS=3 ganesha_start three "$(ganesha_port three)"
ok=""
for i in 1 2 3; do
	round
	grep -q '^10.0.0.1 OK 1700000003 ' "$T/round.out" && { ok=$i; break; }
done
[ -n "$ok" ] || fail "v3-only server not read after restart: $(cat "$T/round.out")"
pass "v3-only server restarted: OK $ok round(s) later"
exec {PROBE[1]}>&-
wait "$PROBE_PID_KEPT" 2>/dev/null || true
