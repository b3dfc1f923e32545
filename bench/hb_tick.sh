#!/bin/bash
# hb_tick.sh -- cost of one heartbeat tick (hb_read_all over NFSv4) as the
# number of hosts grows: 100, 500 and 2000 heartbeat files on one
# nfs-ganesha on loopback, read by hbprobe through one long-lived libnfs
# context.  A benchmark, not a test: it asserts nothing and `make check`
# does not run it.
#
#   bench/hb_tick.sh [ROUNDS]        (default 30 rounds per size)
#
# Columns:
#   hosts           heartbeat files read per tick
#   first_ms        first tick: mount + stat + open/read/close of every file
#   p50_ms p99_ms   steady ticks (files unchanged: one stat per file, the
#                   content comes from the per-pool cache)
#   churn_p50_ms    steady ticks where 1/12 of the files changed since the
#                   last tick (agents write every 60 s, a 5 s tick)
#   nocache_p50_ms  every file read every tick (hb_opts.always_read)
#   rss_kb          hbprobe's resident set after the steady run
# Ticks run back to back (--interval-ms 0); times are hbprobe's own, in ms.
# ganesha shares the 2 cores with hbprobe; on loopback it is the bottleneck.
source "$(dirname "$0")/../tests/lib/common.sh"
source "$TOP/tests/lib/ganesha.sh"

ROUNDS=${1:-30}
HBPROBE=$TOP/build/itest/hbprobe
[ -x "$HBPROBE" ] || fail "missing $HBPROBE (run make)"

ganesha_start bench
KV=$GANESHA_EXPORT/KVMHA
mkdir -p "$KV"

ip_of() { echo "10.$(($1 / 62500 % 256)).$(($1 / 250 % 250)).$(($1 % 250 + 1))"; }

# summary FIELD FILE: the value of FIELD= on hbprobe's summary line
summary() { sed -n "s/^summary .*[ ]$1=\([0-9.]*\).*/\1/p" "$2"; }

# churn_run N ROUNDS: one probe in --step mode; before each step after the
# first, rewrite N/12 files; sets CHURN to the steady p50
churn_run() {
	local n=$1 rounds=$2 r i k line
	coproc CH { exec "$HBPROBE" --step --quiet --deadline-ms 10000 \
	    "$GANESHA_URL" "@$T/ips.$n" > "$T/churn.$n"; }
	local pid=$CH_PID
	local out=${CH[1]}
	track "$pid"
	for r in $(seq 0 "$rounds"); do
		if [ "$r" -gt 0 ]; then
			for k in $(seq 1 $((n / 12))); do
				i=$(( (r * (n / 12) + k) % n ))
				echo $((1800000000 + r)) > "$KV/hb-$(ip_of "$i")"
			done
		fi
		echo go >&"$out"
		# wait until hbprobe has finished this step
		for _ in $(seq 1 600); do
			[ "$(grep -c '^end round=' "$T/churn.$n" 2>/dev/null)" -gt "$r" ] && break
			sleep 0.02
		done
	done
	exec {out}>&-
	wait "$pid" 2>/dev/null || true
	CHURN=$(summary p50_ms "$T/churn.$n")
}

printf "%-7s %9s %8s %8s %13s %15s %8s\n" hosts first_ms p50_ms p99_ms \
    churn_p50_ms nocache_p50_ms rss_kb
made=0
for n in 100 500 2000; do
	for i in $(seq "$made" $((n - 1))); do
		echo $((1700000000 + i)) > "$KV/hb-$(ip_of "$i")"
	done
	made=$n
	for i in $(seq 0 $((n - 1))); do ip_of "$i"; done > "$T/ips.$n"
	"$HBPROBE" --quiet --rounds "$ROUNDS" --interval-ms 0 \
	    --deadline-ms 10000 "$GANESHA_URL" "@$T/ips.$n" > "$T/steady.$n"
	"$HBPROBE" --quiet --rounds "$((ROUNDS / 3 + 2))" --interval-ms 0 \
	    --deadline-ms 10000 --no-cache "$GANESHA_URL" "@$T/ips.$n" \
	    > "$T/nocache.$n"
	grep -q "unknown=0 " "$T/steady.$n" || echo "warning: UNKNOWN rows at $n hosts" >&2
	churn_run "$n" "$((ROUNDS / 3 + 2))"
	printf "%-7s %9s %8s %8s %13s %15s %8s\n" "$n" \
	    "$(summary first_ms "$T/steady.$n")" \
	    "$(summary p50_ms "$T/steady.$n")" \
	    "$(summary p99_ms "$T/steady.$n")" \
	    "$CHURN" \
	    "$(summary p50_ms "$T/nocache.$n")" \
	    "$(summary rss_kb "$T/steady.$n")"
done
