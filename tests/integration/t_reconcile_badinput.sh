#!/bin/bash
# t_reconcile_badinput.sh -- bad input gets the documented error and exit
# code and writes nothing: unknown host, bad command lines, bad and
# world-readable config, unreadable password file, wrong DB password, a
# database that is down or hung.  Passwords never appear in any output.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/reconcile.sh"
seed_db
before=$(cs_digest)
pw=$(cat "$DB_PASS_FILE")
nopw() { ! grep -qF "$pw" "$T/out" "$T/err"; }

hw reconcile --host 424242 --confirm-fenced
expect_rc 1 "unknown host"
grep -q "host 424242 does not exist" "$T/out" || fail "unknown host message: $(cat "$T/out")"
hw maintenance on --host 424242
expect_rc 1 "maintenance of an unknown host"
pass "unknown host: exit 1, clear message"

for args in "reconcile" "reconcile --host" "reconcile --host abc" "reconcile --host 0" \
	"reconcile --host 6 --all" "reconcile --all --confirm-fenced" "reconcile --host 6 --bogus" \
	"reconcile --host 6 extra" "nosuchcommand" "maintenance sideways --host 6"; do
	# shellcheck disable=SC2086
	hw $args
	expect_rc 2 "usage error for: $args"
	[ -s "$T/err" ] || fail "no message for: $args"
done
pass "bad command lines: exit 2 with a message"

# issue 11: option prefixes are not guessed, a missing value is named
hw reconcile --host 6 --c
expect_rc 2 "--c is not --confirm-fenced"
grep -q "unknown option --c$" "$T/err" || fail "--c message: $(cat "$T/err")"
for args in "reconcile --host" "reconcile --host --confirm-fenced" \
	"maintenance on --host 6 --reason" "sweep --host"; do
	# shellcheck disable=SC2086
	hw $args
	expect_rc 2 "missing value: $args"
	grep -q -- "missing value" "$T/err" || fail "missing value not named for: $args: $(cat "$T/err")"
done
[ "$(cs_digest)" = "$before" ] || fail "a bad command line changed the database"
pass "option prefixes not guessed; a missing value is reported as missing"

good=$T/hawatch.conf
bad=$T/bad.conf
cp "$good" "$bad"; chmod 600 "$bad"
echo 'daemon = { dead_after = "banana"; };' >>"$bad"
HWCONF=$bad hw reconcile --host 6 --confirm-fenced
expect_rc 1 "bad duration"
grep -qE "bad.conf:[0-9]+: daemon.dead_after" "$T/err" || fail "bad config message lacks file:line: $(cat "$T/err")"
printf 'database = { host = "127.0.0.1" \n' >"$bad"
HWCONF=$bad hw reconcile --host 6 --confirm-fenced
expect_rc 1 "syntax error"
grep -qE "bad.conf:[0-9]+: " "$T/err" || fail "syntax error lacks file:line: $(cat "$T/err")"
cp "$good" "$bad"; chmod 644 "$bad"
HWCONF=$bad hw reconcile --host 6 --confirm-fenced
expect_rc 1 "world-readable config"
grep -q "chmod 600" "$T/err" || fail "no chmod hint: $(cat "$T/err")"
chmod 600 "$bad"; chmod 640 "$DB_PASS_FILE"
HWCONF=$bad hw reconcile --host 6 --confirm-fenced
expect_rc 1 "group-readable password file"
grep -q "password file .* chmod 600" "$T/err" || fail "no chmod hint for password file: $(cat "$T/err")"
chmod 600 "$DB_PASS_FILE"
HWCONF=$T/missing.conf hw reconcile --host 6
expect_rc 1 "missing config"
expect_eq "rows after config errors" "$before" "$(cs_digest)"
pass "bad config: exit 1, file:line or chmod hint, nothing written"

sed "s|password_file = .*|password = \"not-the-password\";|" "$good" >"$bad"; chmod 600 "$bad"
HWCONF=$bad hw reconcile --host 6 --confirm-fenced
expect_rc 1 "wrong DB password"
grep -q "Access denied" "$T/err" || fail "wrong password message: $(cat "$T/err")"
grep -q "not-the-password" "$T/out" "$T/err" && fail "password printed"
pass "wrong database password: exit 1, no password in the output"

mariadb_sigstop
start=$(date +%s)
hw reconcile --host 6 --confirm-fenced
expect_rc 1 "hung database"
nopw || fail "password printed"
echo "hung database refused after $(( $(date +%s) - start )) s (connect_timeout 3 s)"
mariadb_sigcont
mariadb_stop
hw reconcile --host 6 --confirm-fenced
expect_rc 1 "database down"
grep -q "database connect" "$T/err" || fail "db down message: $(cat "$T/err")"
nopw || fail "password printed"
mariadb_restart
expect_eq "rows after database outages" "$before" "$(cs_digest)"
pass "database hung or down: exit 1, nothing written"
