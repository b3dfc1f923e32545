#!/bin/bash
# t_valgrind.sh -- the hawatch binary under valgrind: no memory errors, no
# definite or indirect leaks, on the paths operators run: config-check,
# reconcile (plan, real transaction, JSON, refusal, bad input), status, and
# the daemon for a few ticks (scraped once) against a simulated cluster
# ended by SIGTERM.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
command -v valgrind >/dev/null || skip "t_valgrind: valgrind not installed"
VG="valgrind -q --suppressions=$TOP/tests/valgrind.supp --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99"
vg() {	# vg EXPECTED_RC ARGS...
	local want=$1 rc=0
	shift
	$VG "$HAWATCH" --config "$T/hawatch.conf" "$@" >"$T/vg.out" 2>"$T/vg.err" || rc=$?
	[ "$rc" = 99 ] && fail "valgrind errors for: $*
$(cat "$T/vg.err")"
	[ "$rc" = "$want" ] || fail "exit $rc (want $want) for: $* ($(tail -3 "$T/vg.err"))"
}
simcluster_start 2 3
vg 0 config-check
vg 4 reconcile --host 1 --dry-run
vg 0 reconcile --host 1 --confirm-fenced --dry-run
vg 4 reconcile --host 1 --json
vg 1 reconcile --host 999 --confirm-fenced
vg 2 reconcile --host abc
vg 0 reconcile --host 2 --confirm-fenced --json
vg 3 reconcile --all
vg 3 reconcile --release-claims
vg 0 maintenance on --host 1
vg 0 maintenance list
vg 1 status
pass "CLI paths: no memory errors, no leaks"

MPORT=$(free_port tcp)	# the metrics endpoint too (its thread, a scrape)
printf 'metrics = { listen = "127.0.0.1:%s"; };\n' "$MPORT" >>"$T/hawatch.conf"
$VG "$HAWATCH" --config "$T/hawatch.conf" run >"$T/vg-run.log" 2>&1 &
pid=$!
track $pid
wait_for 60 test -f "$T/status-a.json" || fail "daemon under valgrind never ticked: $(tail "$T/vg-run.log")"
sleep 4
# polled: under valgrind on a loaded machine one scrape may come too early
scraped() {
	curl -s --max-time 10 -o "$T/scrape.out" -w '%{http_code}' "http://127.0.0.1:$MPORT/metrics" \
		>"$T/scrape.code" 2>/dev/null && grep -q '^hawatch_host_state{' "$T/scrape.out"
}
wait_for 30 scraped || fail "expected hawatch_host_state{ in a metrics scrape of the daemon under valgrind within 30 s;" \
	"last answer: HTTP $(cat "$T/scrape.code" 2>/dev/null) $(head -c 300 "$T/scrape.out" 2>/dev/null)"
kill -TERM $pid
rc=0; wait $pid || rc=$?
[ "$rc" = 99 ] && fail "valgrind errors in the daemon: $(grep -v '^ts=' "$T/vg-run.log" | head -40)"
[ "$rc" = 0 ] || fail "daemon exit $rc under valgrind: $(tail -5 "$T/vg-run.log")"
pass "daemon: ticks, a metrics scrape, SIGTERM, no memory errors, no leaks"
