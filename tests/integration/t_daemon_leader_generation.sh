#!/bin/bash
# t_daemon_leader_generation.sh -- the sweeper's leadership check uses a
# generation number (fencing token), not connection ids (issue 11, S4).
#
# Connection ids restart from 1 when MariaDB restarts, so "the lock is
# held by connection X" can name another instance's connection after a
# restart.  Two daemons, a and b, run; one leads under generation 1.
# MariaDB restarts under them: leadership is taken again under generation
# 2 -- the token never goes back.  Then a write of the daemon's sweeper
# thread, made on a fresh connection as the sweeper does after a
# reconnect, under the old leader's stale generation 1, is refused and
# writes nothing; under the current generation it is written.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
PROBE=$TOP/build/itest/leaderprobe
[ -x "$PROBE" ] || fail "$PROBE missing: make all"
simcluster_start 2 1
simcluster_conf "$T/a.conf" a
simcluster_conf "$T/b.conf" b
hawatch_start a "$T/a.conf"
hawatch_start b "$T/b.conf"
leaders() { grep -l '"leader":true' "$T"/status-a.json "$T"/status-b.json 2>/dev/null | wc -l; }
one_leader() { [ "$(leaders)" = 1 ]; }
wait_for 20 one_leader || fail "expected exactly one leader"
expect_eq "first generation" 1 "$(sql "SELECT generation FROM hawatch.leader")"
old=$(sql "SELECT instance FROM hawatch.leader")
grep -q "event=leader.acquired instance=$old .*generation=1" "$T/hawatch-$old.log" \
	|| fail "leader.acquired does not log the generation"
pass "one leader ($old) under generation 1"

mariadb_restart
gen2() { [ "$(sql "SELECT generation FROM hawatch.leader" 2>/dev/null)" = 2 ]; }
wait_for 30 gen2 || fail "no new leader generation after the restart: $(sql "SELECT * FROM hawatch.leader")"
wait_for 20 one_leader || fail "expected exactly one leader after the restart"
new=$(sql "SELECT instance FROM hawatch.leader")
grep -q "event=leader.acquired instance=$new .*generation=2" "$T/hawatch-$new.log" \
	|| fail "takeover under generation 2 not logged"
pass "MariaDB restarted: $new leads under generation 2 (the token did not restart)"

before=$(sql "SELECT COUNT(*) FROM hawatch.audit WHERE action = 'probe.sweep_write'")
if "$PROBE" "$T/$old.conf" 1 >"$T/probe.out" 2>"$T/probe.err"; then
	fail "a sweeper write under the stale generation 1 was committed: $(cat "$T/probe.out")"
fi
grep -q "leadership lost: leader generation is 2" "$T/probe.err" || fail "refusal: $(cat "$T/probe.err")"
expect_eq "audit rows under a stale token" "$before" \
	"$(sql "SELECT COUNT(*) FROM hawatch.audit WHERE action = 'probe.sweep_write'")"
pass "the old leader's sweeper write under generation 1 is refused and writes nothing"

"$PROBE" "$T/$new.conf" 2 >"$T/probe.out" 2>"$T/probe.err" \
	|| fail "a write under the current generation was refused: $(cat "$T/probe.err")"
expect_eq "audit rows under the current token" "$((before + 1))" \
	"$(sql "SELECT COUNT(*) FROM hawatch.audit WHERE action = 'probe.sweep_write'")"
pass "a write under the current generation 2 commits"

# both daemons keep running; the standby did not write
for n in a b; do kill -0 "$(hawatch_pid $n)" || fail "$n died"; done
pass "both daemons survived the restart"
