#!/bin/bash
# run.sh -- run every integration test tests/integration/t_*.sh in order.
#
# Each test is self-contained: it starts the real servers it needs on
# loopback in its own temporary directory and stops them by PID.  Exit code
# 77 means skipped (the test prints why, by name).  ONLY=pattern runs a subset.
set -u
here=$(cd "$(dirname "$0")" && pwd)
pass=0 failn=0 skipn=0 failed=""
for t in "$here"/t_*.sh; do
	name=$(basename "$t" .sh)
	if [ -n "${ONLY:-}" ] && [[ $name != *$ONLY* ]]; then continue; fi
	start=$(date +%s)
	out=$(bash "$t" 2>&1)
	rc=$?
	dur=$(( $(date +%s) - start ))
	case $rc in
	0)  pass=$((pass + 1)); echo "PASS $name (${dur}s)";;
	77) skipn=$((skipn + 1)); echo "SKIP $name: $(grep -m1 '^SKIP' <<<"$out")";;
	*)  failn=$((failn + 1)); failed="$failed $name"
	    echo "FAIL $name (${dur}s, rc=$rc)"; echo "$out" | tail -40 | sed 's/^/    /';;
	esac
done
echo "integration: $pass passed, $failn failed, $skipn skipped"
[ $failn -eq 0 ] || { echo "failed:$failed"; exit 1; }
