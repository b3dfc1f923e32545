#!/bin/bash
# t_doctor_maintenance_escape.sh -- names and reasons printed by `doctor`
# and `maintenance list` have control characters escaped (issue 11).
#
# A host name in CloudStack's database and an exclusion reason in
# hawatch's carry an ANSI escape (clear screen) and a newline followed by
# a forged "ok" line.  The output must contain no control character other
# than the line ends, show them as \x1b and \n, and forge no line.
. "$(dirname "$0")/../lib/common.sh"
. "$TOP/tests/lib/reconcile.sh"
seed_db
sql "UPDATE oobm SET enabled = 0"
sql "UPDATE host SET name = CONCAT('evil', CHAR(27), '[2J', CHAR(10), 'ok    forged', CHAR(7)) WHERE id = 1"
ctl() { LC_ALL=C grep -c $'[\x01-\x09\x0b-\x1f\x7f]' "$1" || true; }

"$HAWATCH" --config "$T/hawatch.conf" doctor >"$T/doctor.out" 2>"$T/doctor.err" || true
grep -q 'host 1 (evil\\x1b\[2J\\nok    forged\\x07)' "$T/doctor.out" \
	|| fail "doctor does not show the escaped name: $(grep 'host 1' "$T/doctor.out" | cat -A)"
expect_eq "doctor lines with control characters" 0 "$(ctl "$T/doctor.out")"
grep -q '^ok    forged' "$T/doctor.out" && fail "doctor printed a forged line"
pass "doctor escapes control characters in host names"

"$HAWATCH" --config "$T/hawatch.conf" maintenance on --host 2 --reason "planned" >/dev/null \
	|| fail "maintenance on failed"
sql "UPDATE hawatch.host_exclusion SET reason = CONCAT('r', CHAR(27), ']0;pwned', CHAR(7), CHAR(10), '3  forged'),
     actor = CONCAT('op', CHAR(13), 'x') WHERE host_id = 2"
"$HAWATCH" --config "$T/hawatch.conf" maintenance list >"$T/list.out" || fail "maintenance list failed"
grep -q 'op\\rx .*r\\x1b\]0;pwned\\x07\\n3  forged$' "$T/list.out" \
	|| fail "maintenance list does not escape: $(cat -A "$T/list.out")"
expect_eq "maintenance list lines with control characters" 0 "$(ctl "$T/list.out")"
expect_eq "maintenance list lines" 2 "$(wc -l <"$T/list.out")"
pass "maintenance list escapes control characters in actor and reason"
