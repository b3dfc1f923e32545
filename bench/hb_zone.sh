#!/bin/bash
# hb_zone.sh -- the heartbeat round at zone scale (issue 14): 10,000 hosts
# as 5 clusters x 2,000, one primary pool per cluster, all five exports on
# one nfs-ganesha on loopback, read by hbprobe (one libnfs context per
# pool, NFSv4, each its own client).  Agents write every 60 s: a writer
# rewrites a sixtieth of the files each second, and rounds run once a
# second, as the daemon's tick does.
#
#   bench/hb_zone.sh [ROUNDS]        (default 20)
#
# Rows:
#   attached   each pool reads only its 2,000 hosts (hb_read_hosts with
#              storage_pool_host_ref lists), through one listing of
#              KVMHA/ per pool (dirscan, the default from 256 hosts):
#              the daemon's shape
#              (v3 only by default, see hb_nfs_job.c)
#   perfile    the same, one LOOKUP+GETATTR per file (--dirscan-min 0)
#   listv4     the listing forced over NFSv4 too (--dirscan-v4)
#   all        each pool reads all 10,000 (hb_read_all, no lists) per
#              file: 8,000 "missing" per pool, the shape before lists
#              (fewer rounds)
# Columns: round p50/p99/max over the steady rounds (round 0, the mounts
# and first reads, apart), unknown rows in the last round, and hbprobe's
# peak resident set (VmHWM).  Targets: p50 <= 500 ms, VmHWM <= 128 MiB.
# A benchmark, not a test: it asserts nothing.
source "$(dirname "$0")/../tests/lib/common.sh"
source "$TOP/tests/lib/ganesha.sh"
ganesha_nfs_version	# NFS_VERSION=3: the same over NFSv3

ROUNDS=${1:-20}
CLUSTERS=${CLUSTERS:-5}
PER=${PER:-2000}
HBPROBE=$TOP/build/itest/hbprobe
[ -x "$HBPROBE" ] || fail "missing $HBPROBE (run make)"

GANESHA_EXPORTS=$CLUSTERS ganesha_start zone >/dev/null
ip_of() { echo "10.$1.$(($2 / 250)).$(($2 % 250 + 1))"; }
urls=()
for c in $(seq 1 "$CLUSTERS"); do
	if [ "$c" = 1 ]; then d=$GANESHA_EXPORT; urls+=("$(ganesha_url zone)")
	else d=$GANESHA_DIR/export$c; urls+=("$(ganesha_url zone "$c")"); fi
	mkdir -p "$d/KVMHA"
	(cd "$d/KVMHA" && for i in $(seq 0 $((PER - 1))); do
		echo "hb-$(ip_of "$c" "$i")"; done | xargs touch)
	for i in $(seq 0 $((PER - 1))); do ip_of "$c" "$i"; done > "$T/ips.$c"
	ls "$d/KVMHA" > "$T/files.$c"
done
# each file gets a first value
for c in $(seq 1 "$CLUSTERS"); do
	d=$GANESHA_EXPORT; [ "$c" = 1 ] || d=$GANESHA_DIR/export$c
	(cd "$d/KVMHA" && xargs -a "$T/files.$c" tee <<<"$(date +%s)" >/dev/null)
done
groups=$(for c in $(seq 1 "$CLUSTERS"); do paste -sd, "$T/ips.$c"; done | paste -sd';')
cat "$T"/ips.* | paste -sd, > "$T/all"
echo "$groups" > "$T/groups"

# writer: every second a sixtieth of each pool's files, in turn
slice=$((PER / 60 + 1))
(k=0; while :; do
	for c in $(seq 1 "$CLUSTERS"); do
		d=$GANESHA_EXPORT; [ "$c" = 1 ] || d=$GANESHA_DIR/export$c
		sed -n "$((k * slice + 1)),$(((k + 1) * slice))p" "$T/files.$c" |
		    (cd "$d/KVMHA" && xargs -r tee <<<"$(date +%s)" >/dev/null)
	done
	k=$(( (k + 1) % 60 )); sleep 1
done) &
track $!

summary() { sed -n "s/^summary .*[ ]$1=\([0-9.]*\).*/\1/p" "$2"; }
unknown() { awk -v r="round=$(($2 - 1))" '$1 ~ /^pool=/ && $2 == r { sub("unknown=", "", $9); n += $9 } END { print n + 0 }' "$1"; }
missing() { awk -v r="round=$(($2 - 1))" '$1 ~ /^pool=/ && $2 == r { sub("missing=", "", $8); n += $8 } END { print n + 0 }' "$1"; }

printf "%-9s %6s %6s %9s %8s %8s %8s %8s %8s %8s\n" shape hosts pools first_ms \
    p50_ms p99_ms max_ms unknown missing hwm_kb
run() {	# run NAME ROUNDS ARGS...
	local name=$1 n=$2
	shift 2
	"$HBPROBE" --quiet --rounds "$n" --interval-ms 1000 --deadline-ms 5000 \
	    "$@" > "$T/$name.out" 2> "$T/$name.err"
	printf "%-9s %6s %6s %9s %8s %8s %8s %8s %8s %8s\n" "$name" \
	    $((CLUSTERS * PER)) "$CLUSTERS" "$(summary first_ms "$T/$name.out")" \
	    "$(summary p50_ms "$T/$name.out")" "$(summary p99_ms "$T/$name.out")" \
	    "$(summary max_ms "$T/$name.out")" "$(unknown "$T/$name.out" "$n")" \
	    "$(missing "$T/$name.out" "$n")" "$(summary hwm_kb "$T/$name.out")"
}
run attached "$ROUNDS" --attached "${urls[@]}" "@$T/groups"
run perfile "$ROUNDS" --attached --dirscan-min 0 "${urls[@]}" "@$T/groups"
run listv4 "$ROUNDS" --attached --dirscan-v4 "${urls[@]}" "@$T/groups"
run all $((ROUNDS / 4 + 2)) --dirscan-min 0 "${urls[@]}" "@$T/all"
