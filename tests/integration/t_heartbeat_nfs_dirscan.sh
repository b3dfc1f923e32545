#!/bin/bash
# t_heartbeat_nfs_dirscan.sh -- a pool read through one listing of KVMHA/
# (--dirscan-min 1 forces what the daemon does from 256 hosts a pool on):
# values, MISSING for a host with no entry, GARBAGE for a symlink, a
# directory and bad content, and every rewrite seen on the next round:
# in place, by rename, and with the mtime put back (the ctime moved).
# NFS_VERSION=3 runs it over v3 (READDIRPLUS) in its own namespace.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/ganesha.sh"
ganesha_nfs_version "$@"

HBPROBE=$TOP/build/itest/hbprobe
[ -x "$HBPROBE" ] || fail "missing $HBPROBE (run make)"
ganesha_start d
KV=$GANESHA_EXPORT/KVMHA
mkdir -p "$KV"
echo 1700000001 > "$KV/hb-10.0.0.1"
touch -d @1700000001.5 "$KV/hb-10.0.0.1"
echo hello > "$KV/hb-10.0.0.2"
ln -s hb-10.0.0.1 "$KV/hb-10.0.0.3"
mkdir "$KV/hb-10.0.0.4"

coproc PROBE { exec "$HBPROBE" --step --dirscan-min 1 --dirscan-v4 --deadline-ms 3000 "$GANESHA_URL" \
    10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,10.0.0.5 2>"$T/probe.err"; }
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
row() { grep "^$1 " "$T/round.out" | cut -d' ' -f2-4; }
err() { grep "^$1 " "$T/round.out" | sed -n 's/.* err=//p'; }

round
expect_eq "10.0.0.1" "OK 1700000001 1700000001500" "$(row 10.0.0.1)"
expect_eq "10.0.0.2 reason" '"not a digit at offset 0 (6 bytes, text)"' "$(err 10.0.0.2)"
expect_eq "10.0.0.3 symlink" '"not a regular file (symlink)"' "$(err 10.0.0.3)"
expect_eq "10.0.0.4 directory" '"not a regular file (directory)"' "$(err 10.0.0.4)"
expect_eq "10.0.0.5 no entry" "MISSING 0 0" "$(row 10.0.0.5)"
round
expect_eq "10.0.0.1 unchanged" "OK 1700000001 1700000001500" "$(row 10.0.0.1)"

echo 1700000011 > "$KV/hb-10.0.0.1"		# same size, mtime put back
touch -d @1700000001.5 "$KV/hb-10.0.0.1"
echo 1700000005 > "$KV/.tmp" && mv "$KV/.tmp" "$KV/hb-10.0.0.5"
round
expect_eq "10.0.0.1 rewritten, mtime restored" "OK 1700000011" "$(row 10.0.0.1 | cut -d' ' -f1-2)"
expect_eq "10.0.0.5 created by rename" "OK 1700000005" "$(row 10.0.0.5 | cut -d' ' -f1-2)"
rm "$KV/hb-10.0.0.5"
round
expect_eq "10.0.0.5 removed" "MISSING 0 0" "$(row 10.0.0.5)"
pass "KVMHA listing (NFS_VERSION=${NFS_VERSION:-4}): values, missing, not regular, every rewrite seen"
exec {PROBE[1]}>&-
wait "$PROBE_PID_KEPT" 2>/dev/null || true
