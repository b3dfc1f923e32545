#!/bin/sh
# check.sh -- run spin on the protocol model (make model / make model-bad).
#
#   check.sh good   every property of hawatch.pml, exhaustively; fails if
#                   any check reports an error or a truncated search
#   check.sh bad    hawatch_bad.pml must violate "never on two hosts";
#                   succeeds only when spin finds that counterexample, and
#                   writes the readable trail to build/model/
#
# Everything is generated in build/model/ (pan.c, pan, trails); the source
# tree is never written.  MODEL_DEFS passes extra -D bounds to spin, e.g.
# MODEL_DEFS="-DREQUEUE_MAX=2 -DFENCE_MAX=2" for a deeper (slower) run.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
src="$top/docs/model"
out="$top/build/model"
defs=${MODEL_DEFS:-}
command -v spin >/dev/null || { echo "model: spin is not installed (make deps)" >&2; exit 2; }
mkdir -p "$out"
cp "$src/hawatch.pml" "$src/hawatch_bad.pml" "$out/"
cd "$out"

# run NAME MODEL "spin -D flags" "cc flags" "pan flags": prints one summary
# line; returns pan's error count through $errs, fails on a cut search.
run() {
	name=$1 model=$2 sdefs=$3 ccflags=$4 panflags=$5
	rm -f pan pan.* "$model.trail" _spin_nvr.tmp
	# shellcheck disable=SC2086
	spin $defs $sdefs -a "$model" >spin.log 2>&1 ||
		{ cat spin.log >&2; echo "model: $name: spin -a failed" >&2; exit 2; }
	# shellcheck disable=SC2086
	cc -O2 -w $ccflags -o pan pan.c ||
		{ echo "model: $name: compiling pan failed" >&2; exit 2; }
	# shellcheck disable=SC2086
	./pan -m1000000 $panflags >"$name.out" 2>&1 || true
	errs=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$name.out" | tail -n 1)
	states=$(sed -n 's/^ *\([0-9.e+]*\) states, stored.*/\1/p' "$name.out" | head -n 1)
	depth=$(sed -n 's/.*depth reached \([0-9]*\).*/\1/p' "$name.out" | tail -n 1)
	secs=$(sed -n 's/^pan: elapsed time \([0-9.e+-]*\) .*/\1/p' "$name.out" | tail -n 1)
	if [ -z "$errs" ]; then
		cat "$name.out" >&2
		echo "model: $name: pan printed no result" >&2
		exit 2
	fi
	printf '%-22s errors: %s  states: %s  depth: %s  time: %ss\n' \
	    "$name" "$errs" "$states" "$depth" "$secs"
	if grep -q 'max search depth too small' "$name.out"; then
		echo "model: $name: search truncated (raise -m)" >&2
		exit 1
	fi
}

case ${1:-good} in
good)
	fail=0
	# asserts: never on two hosts (S1/S2), no write under another's token
	# (S4), no second reconcile, nothing else writes a Starting VM
	run safety hawatch.pml "" "-DSAFETY -DNOCLAIM" ""
	[ "$errs" = 0 ] || fail=1
	# liveness, acceptance cycles under weak fairness (6 processes)
	run off_reconciled hawatch.pml "" "-DNFAIR=3" "-a -f -N off_reconciled"
	[ "$errs" = 0 ] || fail=1
	run restarted_or_told hawatch.pml "" "-DNFAIR=3" "-a -f -N restarted_or_told"
	[ "$errs" = 0 ] || fail=1
	rm -f pan pan.* _spin_nvr.tmp spin.log
	if [ "$fail" != 0 ]; then
		echo "model: FAILED (outputs and trails in build/model/)" >&2
		exit 1
	fi
	echo "model: all checks passed"
	;;
bad)
	# Breadth-first search, so the trail is a shortest counterexample.
	run bad_no_corroboration hawatch_bad.pml "" "-DSAFETY -DNOCLAIM -DBFS" ""
	if [ "$errs" = 0 ] || ! grep -q 'assertion violated  !(phys1)' \
	    bad_no_corroboration.out; then
		echo "model-bad: spin did NOT find the two-hosts counterexample" >&2
		exit 1
	fi
	# shellcheck disable=SC2086
	spin $defs -t -p hawatch_bad.pml >bad_no_corroboration.trail.raw 2>&1
	# keep the steps that change something, drop bookkeeping lines
	# proc ids: 0 init, 1 env, 2-3 hawatch instances 0-1, 4-5 management servers
	grep -E '^ *[0-9]+:	proc  [1-5] |mismapped = 1' bad_no_corroboration.trail.raw |
	    grep -vE '\[(else|\.\(goto\)|\(1\)|skip|r = 0|snap = 255)\]' |
	    grep -v 'valid end state' |
	    awk -F'\t' '{
		split($2, p, " "); id = p[2]
		who = (id == 0) ? "init" : (id == 1) ? "env" : (id <= 3) ? "hawatch#" (id - 2) : "ms#" (id - 3)
		sub(/^ */, "", $1); sub(/.*hawatch(_bad)?\.pml:/, "l.", $2)
		sub(/ \(state [0-9]*\)/, "", $2)
		printf "%4s %-10s %-6s %s\n", $1, who, $2, $3 }' \
	    >bad_no_corroboration.trail.txt
	grep -E 'assertion violated' bad_no_corroboration.trail.raw |
	    head -n 1 >>bad_no_corroboration.trail.txt
	echo "model-bad: counterexample found as expected; trail:" \
	    "build/model/bad_no_corroboration.trail.txt"
	# Vacuity check of the token property: without the token check a
	# stale leader's write must land while the other instance leads.
	run bad_no_token hawatch.pml "-DBAD_NO_TOKEN" "-DSAFETY -DNOCLAIM -DBFS" ""
	if [ "$errs" = 0 ] || ! grep -q 'lock_owner==0' bad_no_token.out; then
		echo "model-bad: the token assert is vacuous (no violation without the check)" >&2
		exit 1
	fi
	rm -f pan pan.* _spin_nvr.tmp spin.log
	echo "model-bad: both known-bad rules are caught"
	;;
*)
	echo "usage: $0 good|bad" >&2
	exit 2
	;;
esac
