#!/bin/sh
# run.sh -- self-test of scripts/structure.py on tiny fixture trees.
#
# Each folder here is one case: a source tree (src/, fence/, reconcile/ and a
# Makefile naming the -I folders), or a file `tree` naming another case's
# tree; an optional design.md with exceptions; and `expect`, the checker's
# output (stdout, then stderr) followed by "exit N".  The case's .c files are
# compiled to a temporary object folder first, since the call graph comes
# from nm.  Prints one line a case; exits 1 on the first difference.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
CC=${CC:-cc}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

for case in "$HERE"/*/; do
	case=${case%/}
	name=$(basename "$case")
	[ -f "$case/expect" ] || { echo "structure-test: $name: no expect" >&2; exit 1; }
	tree=.
	[ -f "$case/tree" ] && tree=$(cat "$case/tree")
	obj="$T/$name/obj"
	incs=$(sed -n 's/^ALL_CFLAGS := //p' "$case/$tree/Makefile")
	for src in $(cd "$case/$tree" && find src fence reconcile -name '*.c' 2>/dev/null); do
		mkdir -p "$obj/$(dirname "$src")"
		(cd "$case/$tree" && $CC -std=gnu11 -Wall -Werror $incs -c -o "$obj/${src%.c}.o" "$src")
	done
	rc=0
	(cd "$case" && python3 "$TOP/scripts/structure.py" --root "$tree" --obj "$obj" \
		--design design.md --makefile "$tree/Makefile") >"$T/out" 2>"$T/err" || rc=$?
	cat "$T/err" >>"$T/out"
	echo "exit $rc" >>"$T/out"
	if [ "${BLESS:-}" = 1 ]; then
		cp "$T/out" "$case/expect"
	fi
	if ! diff -u "$case/expect" "$T/out"; then
		echo "structure-test: $name: FAIL" >&2
		exit 1
	fi
	echo "structure-test: $name: ok"
done
