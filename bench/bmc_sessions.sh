#!/bin/bash
# bench/bmc_sessions.sh -- what polling costs each BMC: session handshakes
# per minute and the cost of one poll, with kept sessions (fence/ipmi.h)
# and, for comparison, with a fresh session per poll (the behaviour before).
#
# BMCS (default 10) real ipmi_sim BMCs on loopback, polled every second by
# the daemon's own BMC pool (build/itest/ipmiprobe poll, 4 workers) for
# SAMPLE seconds (default 60) with the default session timeouts (1990 ms,
# 500 ms retransmission: the 1 s poll stays inside the reuse window).
# Handshakes are counted on our side of the wire: every
# ipmi_ctx_open_outofband_2_0() call (bmc_pool_stats.opens); ipmi_sim logs
# no session events.  Poll cost: wall time inside one poll, and the probe
# process's CPU time per poll.  Not a test: prints figures.
source "$(dirname "$0")/../tests/lib/common.sh"
source "$TOP/tests/lib/ipmisim.sh"
ipmisim_require
BMCS=${BMCS:-10}
SAMPLE=${SAMPLE:-60}
P=$TOP/build/itest/ipmiprobe
[ -x "$P" ] || fail "$P missing: run make"

addrs= files=
for i in $(seq 1 "$BMCS"); do
	ipmisim_start_host "h$i" "" 1000 >/dev/null
	addrs+="${addrs:+,}127.0.0.1:$(ipmisim_port "h$i")"
	files+="${files:+,}$(ipmisim_pass_file "h$i")"
done
run() {	# run REUSE: one sampling run, prints its stats line
	"$P" poll "$addrs" admin "$files" --workaround opensesspriv \
	    --workers 4 --interval-ms 1000 --duration-ms "$((SAMPLE * 1000))" \
	    --snapshot-ms 1000 --reuse "$1" 2>"$T/probe-$1.err" | grep '^stats '
}
field() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
# handshakes after each BMC's first one, per minute per BMC: the steady state
steady() { awk -v o="$1" -v n="$BMCS" -v s="$SAMPLE" 'BEGIN { printf "%.2f", (o - n) / n / (s / 60) }'; }
printf '%-16s %-6s %-7s %-8s %-9s %-28s %-13s %s\n' sessions bmcs polls opens reused \
    handshakes_per_min_per_bmc poll_wall_ms cpu_us_per_poll
for reuse in 1 0; do
	s=$(run "$reuse") || fail "probe failed: $(tail -3 "$T/probe-$reuse.err")"
	printf '%-16s %-6s %-7s %-8s %-9s %-28s %-13s %s\n' \
	    "$([ "$reuse" = 1 ] && echo kept || echo fresh-per-poll)" "$BMCS" \
	    "$(field polls "$s")" "$(field opens "$s")" "$(field reads_reused "$s")" \
	    "$(field handshakes_per_min_per_bmc "$s") ($(steady "$(field opens "$s")") steady)" \
	    "$(awk -v u="$(field poll_wall_us "$s")" 'BEGIN { printf "%.2f", u / 1000 }')" \
	    "$(field cpu_us_per_poll "$s")"
done
