#!/bin/bash
# t_journal.sh -- under systemd (JOURNAL_STREAM names stderr), hawatch logs
# through the journal with PRIORITY and the structured fields HAWATCH_EVENT,
# HAWATCH_HOST and HAWATCH_VM, so `journalctl HAWATCH_HOST=6` selects one
# host's lines (issue 13).  Without JOURNAL_STREAM the key=value stderr
# format is unchanged.
#
# A real systemd-journald runs in a private mount namespace (its socket
# and journal files on tmpfs over /run/systemd and /run/log), so the test
# touches no journal of the machine.  hawatch's stderr is a file whose
# device and inode JOURNAL_STREAM names, as systemd does for a service.
if [ -z "${HW_JOURNAL_NS:-}" ]; then
	command -v unshare >/dev/null || { echo "SKIP: t_journal: no unshare"; exit 77; }
	[ -x /lib/systemd/systemd-journald ] || { echo "SKIP: t_journal: no systemd-journald"; exit 77; }
	[ "$(id -u)" = 0 ] || { echo "SKIP: t_journal: needs root for a mount namespace"; exit 77; }
	HW_JOURNAL_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/reconcile.sh"

mkdir -p /run/systemd /run/log
mount -t tmpfs tmpfs /run/systemd || fail "cannot mount a private /run/systemd"
mount -t tmpfs tmpfs /run/log || fail "cannot mount a private /run/log"
# never the machine's persistent journal (nothing here asks for a flush)
if [ -d /var/log/journal ]; then
	mount -t tmpfs tmpfs /var/log/journal || fail "cannot hide /var/log/journal"
fi
mkdir -p /run/systemd/journal
/lib/systemd/systemd-journald >"$T/journald.out" 2>&1 &
JPID=$!
track "$JPID"
wait_for 10 test -S /run/systemd/journal/socket || fail "journald did not start: $(cat "$T/journald.out")"

seed_db
jctl() { journalctl -D /run/log/journal --no-pager "$@"; }

# stderr is the journal stream: lines go to the journal, not to stderr
: >"$T/stream"
export JOURNAL_STREAM
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/stream")
"$HAWATCH" --config "$T/hawatch.conf" reconcile --host 6 --confirm-fenced >"$T/out" 2>>"$T/stream"
rc=$?
unset JOURNAL_STREAM
[ "$rc" = 0 ] || fail "reconcile exit $rc: $(cat "$T/out" "$T/stream")"
wait_for 10 sh -c "journalctl -D /run/log/journal --no-pager HAWATCH_EVENT=reconcile.done | grep -q host=6" ||
	fail "no reconcile.done in the journal: $(jctl -o verbose | tail -40)"
expect_eq "HAWATCH_HOST of reconcile.done" 6 \
	"$(jctl HAWATCH_EVENT=reconcile.done -o json | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["HAWATCH_HOST"])')"
expect_eq "PRIORITY of reconcile.done (info)" 6 \
	"$(jctl HAWATCH_EVENT=reconcile.done -o json | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["PRIORITY"])')"
jctl HAWATCH_HOST=6 -o cat | grep -q 'event=reconcile.done host=6' ||
	fail "journalctl HAWATCH_HOST=6 does not select the line: $(jctl -o cat)"
jctl SYSLOG_IDENTIFIER=hawatch -o cat | grep -q 'reconcile.done' || fail "SYSLOG_IDENTIFIER not hawatch"
grep -q 'event=reconcile.done' "$T/stream" && fail "the line went to stderr as well as the journal"
pass "journal: reconcile.done with HAWATCH_EVENT, HAWATCH_HOST=6 and PRIORITY=6; journalctl HAWATCH_HOST=6 selects it"

# no JOURNAL_STREAM: key=value on stderr, nothing more in the journal
before=$(jctl SYSLOG_IDENTIFIER=hawatch -o cat | wc -l)
sql "UPDATE vm_instance SET state = 'Running', host_id = 6, update_count = update_count + 1 WHERE id = 89"
"$HAWATCH" --config "$T/hawatch.conf" reconcile --host 6 >"$T/out" 2>"$T/err" || true
grep -qE '^ts=[0-9T:.-]+Z level=(info|warn) event=' "$T/err" ||
	fail "stderr lost the key=value format: $(cat "$T/err")"
sleep 0.3
expect_eq "journal lines without JOURNAL_STREAM" "$before" "$(jctl SYSLOG_IDENTIFIER=hawatch -o cat | wc -l)"
pass "without JOURNAL_STREAM the key=value stderr format is kept"
