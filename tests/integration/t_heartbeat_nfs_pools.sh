#!/bin/bash
# t_heartbeat_nfs_pools.sh -- several pools (exports) on one NFS server,
# read by one process: a zone whose clusters each have a primary pool on
# the same filer.  Each pool has its own libnfs context; NFSv4 contexts of
# one process must not share a client identity, or the server takes the
# second SETCLIENTID for the first client rebooting (NFS4ERR_STALE_CLIENTID
# at mount, then NFS4ERR_EXPIRED for good).  Every row must be OK, in every
# round, for every pool, and keep being OK over rounds (leases stay valid).
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/ganesha.sh"

HBPROBE=$TOP/build/itest/hbprobe
[ -x "$HBPROBE" ] || fail "missing $HBPROBE (run make)"
NPOOLS=5
PER=40			# hosts per pool

GANESHA_EXPORTS=$NPOOLS ganesha_start z
urls=()
for k in $(seq 1 $NPOOLS); do
	if [ "$k" = 1 ]; then d=$GANESHA_EXPORT; urls+=("$(ganesha_url z)")
	else d=$GANESHA_DIR/export$k; urls+=("$(ganesha_url z "$k")"); fi
	mkdir -p "$d/KVMHA"
	for i in $(seq 1 $PER); do
		echo $((1700000000 + k * 1000 + i)) > "$d/KVMHA/hb-10.$k.0.$i"
	done
done
# each pool reads the hosts of every pool: only its own are there
ips=$(for k in $(seq 1 $NPOOLS); do for i in $(seq 1 $PER); do echo "10.$k.0.$i"; done; done | paste -sd,)

"$HBPROBE" --rounds 4 --interval-ms 200 --deadline-ms 5000 "${urls[@]}" "$ips" > "$T/out" 2> "$T/err" ||
	fail "hbprobe: $(cat "$T/err")"
for r in 0 1 2 3; do
	for p in $(seq 0 $((NPOOLS - 1))); do
		line=$(grep "^pool=$p round=$r " "$T/out")
		[[ $line == *" ok=$PER "* && $line == *" unknown=0 "* ]] ||
		    fail "pool $p round $r: $line ($(grep "pool=$p round=$r" "$T/out" | grep -m1 UNKNOWN))"
	done
done
# values come from the right export
expect_eq "10.3.0.7 on pool 2" "OK 1700003007" "$(awk '$1 == "10.3.0.7" && $5 == "pool=2" && $6 == "round=3" { print $2, $3 }' "$T/out")"
expect_eq "10.3.0.7 on pool 0" "MISSING" "$(awk '$1 == "10.3.0.7" && $5 == "pool=0" && $6 == "round=3" { print $2 }' "$T/out")"
pass "$NPOOLS pools on one NFSv4 server: every row OK in every round"

# Without attachment lists every pool reads every host: the others' files
# are "missing" there (at 10,000 hosts on 5 pools: 8,000 per pool).
expect_eq "pool 0 missing rows, no lists" $(( (NPOOLS - 1) * PER )) \
    "$(sed -n 's/^pool=0 round=3 .* missing=\([0-9]*\) .*/\1/p' "$T/out")"

# With storage_pool_host_ref lists each pool reads only its own hosts.
groups=$(for k in $(seq 1 $NPOOLS); do seq 1 $PER | sed "s/^/10.$k.0./" | paste -sd,; done | paste -sd';')
"$HBPROBE" --attached --rounds 3 --interval-ms 100 --deadline-ms 5000 "${urls[@]}" "$groups" > "$T/att" 2> "$T/err" ||
	fail "hbprobe --attached: $(cat "$T/err")"
for r in 0 1 2; do
	for p in $(seq 0 $((NPOOLS - 1))); do
		line=$(grep "^pool=$p round=$r " "$T/att")
		[[ $line == *" ok=$PER garbage=0 missing=0 unknown=0 "* ]] ||
		    fail "attached: pool $p round $r: $line"
	done
done
expect_eq "10.3.0.7 read on pool 2 only" "OK 1700003007 pool=2" \
    "$(awk '$1 == "10.3.0.7" && $6 == "round=2" { print $2, $3, $5 }' "$T/att")"
pass "attached hosts only: each pool reads its own $PER, none missing"
