#!/bin/bash
# t_heartbeat_nfs_stale.sh -- a libnfs context whose handles went stale
# heals (issue 11).  After a filer failover, or the exported directory
# being replaced, the connection stays up but the root handle the context
# mounted is gone: every call fails with ESTALE, never with a timeout.
# After one such round the reader must rebuild the context, so the pool is
# blind only while the server is really unreachable.
#
# Here the pool is an export subdirectory (nfs://.../export/sub); replacing
# sub/ (rm -rf, mkdir) makes the mounted handle stale while ganesha runs on.
# NFS_VERSION=3 runs the same story over NFSv3 (see t_heartbeat_nfs3.sh).
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/ganesha.sh"
ganesha_nfs_version "$@"	# NFS_VERSION=3: the _v3 variant

HBPROBE=$TOP/build/itest/hbprobe
[ -x "$HBPROBE" ] || fail "missing $HBPROBE (run make)"
ganesha_start s
SUB=$GANESHA_EXPORT/sub
mkdir -p "$SUB/KVMHA"
echo 1700000001 > "$SUB/KVMHA/hb-10.0.0.1"

coproc PROBE { exec "$HBPROBE" --step --deadline-ms 2000 --rpc-timeout-ms 3000 \
    "$(ganesha_url s /sub)" 10.0.0.1 2>"$T/probe.err"; }
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
row() { grep '^10.0.0.1 ' "$T/round.out"; }

round
[[ $(row) == "10.0.0.1 OK 1700000001 "* ]] || fail "first round: $(row)"

# the directory behind the mounted handle is replaced
rm -rf "$SUB"
mkdir -p "$SUB/KVMHA"
echo 1700000002 > "$SUB/KVMHA/hb-10.0.0.1"
round
echo "stale round: $(row)"
if [ "${NFS_VERSION:-4}" = 3 ]; then
	# ganesha's v3 answers lookups in the removed directory with NOENT,
	# and its MOUNT keeps resolving sub/ to it: never MISSING (that would
	# read as "host stopped writing"), UNKNOWN, and the context rebuilt
	[[ $(row) == "10.0.0.1 UNKNOWN "*"export root removed"* ]] || fail "v3 stale round: $(row)"
	round
	[[ $(row) == "10.0.0.1 UNKNOWN "* ]] || fail "v3 stale round 2: $(row)"
	grep -q 'event=hb.nfs.rebuild' "$T/probe.err" || fail "v3: no rebuild logged"
	ganesha_stop s
	ganesha_start s "$GANESHA_PORT"
	healed=""
	for i in 1 2 3; do
		round
		[[ $(row) == "10.0.0.1 OK 1700000002 "* ]] && { healed=$i; break; }
	done
	[ -n "$healed" ] || fail "v3: not OK after the server restarted: $(row)"
	pass "v3 stale root: UNKNOWN (never MISSING), rebuilt, OK $healed round(s) after the server's restart"
else
	[[ $(row) == "10.0.0.1 UNKNOWN "* || $(row) == "10.0.0.1 OK 1700000002 "* ]] ||
		fail "stale round: $(row)"
	healed=""
	for i in 1 2 3; do
		[[ $(row) == "10.0.0.1 OK 1700000002 "* ]] && { healed=$i; break; }
		round
	done
	[ -n "$healed" ] || fail "context never healed: $(row); $(grep -c hb.nfs.rebuild "$T/probe.err") rebuilds logged"
	grep -q 'event=hb.nfs.rebuild' "$T/probe.err" || [ "$healed" = 1 ] ||
		fail "healed without a logged rebuild?"
	pass "stale root handle: OK again within $healed round(s) (context rebuilt: $(grep -o 'reason=.*' "$T/probe.err" | head -1))"
fi
exec {PROBE[1]}>&-
wait "$PROBE_PID_KEPT" 2>/dev/null || true
