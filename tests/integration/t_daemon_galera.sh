#!/bin/bash
# t_daemon_galera.sh -- Galera or any multi-primary database: hawatch
# refuses to lead, with a clear error (issue 11, S4).
#
# Named locks are local to one Galera node (MariaDB refuses GET_LOCK when
# wsrep_on), so two instances on two nodes could both lead.  MariaDB runs
# here with --wsrep-on=ON and no provider: wsrep_on reads ON while
# GET_LOCK still works, so only hawatch's own check stands between the
# daemon and leadership.  The daemon must log leader.refused at error
# level naming Galera, stay standby (no lock, no leader row, no fence of a
# powered-off host), report it in its status file, and keep running.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/simcluster.sh"
export MARIADB_EXTRA_OPTS="--wsrep-on=ON --wsrep-provider=none"
simcluster_start 2 1
expect_eq "wsrep_on" 1 "$(sql "SELECT @@GLOBAL.wsrep_on")"
hawatch_start a
wait_for 20 grep -q "event=leader.refused" "$T/hawatch-a.log" || fail "no leader.refused: $(tail -5 "$T/hawatch-a.log")"
grep -q "level=error event=leader.refused .*Galera (wsrep_on=ON)" "$T/hawatch-a.log" \
	|| fail "refusal not an error naming Galera: $(grep leader.refused "$T/hawatch-a.log")"
wait_for 10 grep -q '"leader_refused":"the database server runs Galera' "$T/status-a.json" \
	|| fail "status file does not say why: $(head -c 400 "$T/status-a.json")"
wait_state a 1 alive 20 || fail "host 1 never alive"
pass "wsrep_on=ON: leadership refused with a clear error, in the log and the status file"

ipmipower --config-file="$(ipmisim_hostdir h2)/freeipmi.conf" -h "127.0.0.1:$(ipmisim_port h2)" --off >/dev/null
sleep 6	# dead_after 4 s plus BMC polls: a leader would have fenced host 2 by now
grep -q "event=leader.acquired" "$T/hawatch-a.log" && fail "took leadership on Galera"
expect_eq "lock holder" "NULL" "$(sql "SELECT IFNULL(IS_USED_LOCK('hawatch.leader'), 'NULL')")"
expect_eq "VMs still recorded on host 2" 1 "$(vms_running_on 2)"
expect_eq "audit rows" 0 "$(sql "SELECT COUNT(*) FROM hawatch.audit" 2>/dev/null || echo 0)"
[ "$(grep -c "event=leader.refused" "$T/hawatch-a.log")" = 1 ] || fail "leader.refused logged more than once"
kill -0 "$(hawatch_pid a)" || fail "daemon died"
pass "standby only: no lock, no fence, no audit; refusal logged once"
