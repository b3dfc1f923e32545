#!/bin/sh
# run-unit.sh -- run each unit-test binary given; fail if any fails.
# Unit tests are check(1) suites driven by a fake clock: no servers, no sleeps.
set -u
fail=0
for t in "$@"; do
	if ! "$t"; then
		echo "FAIL: $t" >&2
		fail=1
	fi
done
exit $fail
