#!/bin/sh
# run-valgrind.sh -- run each unit-test binary under valgrind (no fork, so
# the test bodies run inside the checked process); fail on any memory
# error or definite/indirect leak.  `make valgrind`.
set -u
fail=0
for t in "$@"; do
	if ! CK_FORK=no CK_DEFAULT_TIMEOUT=120 valgrind -q --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 "$t" >/dev/null; then
		echo "FAIL (valgrind): $t" >&2
		fail=1
	else
		echo "ok (valgrind): $t"
	fi
done
exit $fail
