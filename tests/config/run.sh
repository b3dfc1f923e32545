#!/bin/sh
# tests/config/run.sh -- golden tests of `hawatch config-check --dump`.
#
# For each NAME.conf here (and the shipped config/hawatch.conf as
# hawatch.conf), copy it to a private temporary directory (mode 600, as
# hawatch demands), run `hawatch --config NAME.conf config-check --dump`
# there, and compare its stdout, stderr and exit code with NAME.expect.
# A valid config expects the canonical dump; a bad one the error naming
# NAME.conf:LINE.  BLESS=1 rewrites the .expect files instead (review the
# diff before committing): make bless-config.
#
#   usage: tests/config/run.sh path/to/hawatch
set -eu

bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d /tmp/hawatch-golden.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

fail=0
n=0
check() {	# check SRC NAME
	cp "$1" "$tmp/$2.conf"
	chmod 600 "$tmp/$2.conf"
	rc=0
	(cd "$tmp" && "$bin" --config "$2.conf" config-check --dump) \
	    >"$tmp/$2.out" 2>&1 || rc=$?
	echo "exit $rc" >>"$tmp/$2.out"
	n=$((n + 1))
	if [ "${BLESS:-0}" = 1 ]; then
		cp "$tmp/$2.out" "$here/$2.expect"
	elif ! diff -u "$here/$2.expect" "$tmp/$2.out"; then
		echo "FAIL config golden $2 (make bless-config after review)"
		fail=1
	fi
}

check "$top/config/hawatch.conf" hawatch
for f in "$here"/*.conf; do
	check "$f" "$(basename "$f" .conf)"
done
if [ "$fail" = 0 ]; then
	echo "config goldens: $n passed"
fi
exit "$fail"
