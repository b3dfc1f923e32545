#!/bin/bash
# t_daemon_sweep_audit_order.sh -- sweeper resumes (S9): the audit row is
# written BEFORE acting, as fencing does, and the outcome after (issue 11).
#
# While the database refuses the request row (a trigger stands in for a
# read-only or full database), the daemon's sweeper must leave the paused
# domain paused: an action that cannot be recorded is not taken.  Once the
# database accepts it, the domain is resumed and the audit holds the
# request (result null) followed by the outcome that names it.
source "$(dirname "$0")/../lib/common.sh"
source "$TOP/tests/lib/libvirtd.sh"
SIM_SWEEP="enabled = true; interval = \"1s\"; pause_grace = \"1s\"; resume_settle = \"300ms\";
  open_timeout = \"2s\"; call_timeout = \"3s\";
  uri_template = \"test+unix:///default?socket=$T/lvip/{ip}/libvirt-sock\";"
source "$TOP/tests/lib/simcluster.sh"
simcluster_start 1 2
mkdir -p "$T/lvip"
lv_start h1
sock=${LV_UNIX_URI[h1]#*socket=}
ln -s "$(dirname "$sock")" "$T/lvip/$(sim_ip 1)"
for v in 1 2; do lv_create h1 "i-2-$((1000 + v))-VM" >/dev/null; done
hawatch_start a
wait_state a 1 alive 20 || fail "host 1 never alive"
wait_for 10 grep -q '"leader":true' "$T/status-a.json" || fail "not leader"
mariadb --no-defaults --socket="$DB_SOCK" -uroot cloud <<'SQL'
DELIMITER //
CREATE TRIGGER hawatch.refuse_resume_request BEFORE INSERT ON hawatch.audit FOR EACH ROW
IF NEW.action = 'vm.resume_requested' THEN
  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit refused (test)';
END IF//
SQL

lv_suspend h1 i-2-1001-VM
wait_for 15 grep -q "event=sweep.refused host=1 domain=i-2-1001-VM act=resume .*audit refused (test)" \
	"$T/hawatch-a.log" || fail "no sweep.refused: $(grep sweep "$T/hawatch-a.log" | tail -5)"
sleep 2	# two more sweeps, each refused
lv_state h1 i-2-1001-VM | grep -q paused || fail "resumed although the request could not be recorded"
expect_eq "resume rows while refused" 0 "$(sql "SELECT COUNT(*) FROM hawatch.audit WHERE action LIKE 'vm.resum%'")"
pass "request row refused: the domain stays paused, nothing recorded as done"

sql "DROP TRIGGER hawatch.refuse_resume_request"
resumed() { lv_state h1 i-2-1001-VM | grep -q running; }
wait_for 15 resumed || fail "not resumed once the audit works: $(lv_state h1 i-2-1001-VM)"
rows() { sql "SELECT action FROM hawatch.audit WHERE vm_id = 1001 ORDER BY id" | paste -sd,; }
wait_for 10 test "$(rows)" = "vm.resume_requested,vm.resumed" 2>/dev/null || true
expect_eq "audit rows in order" "vm.resume_requested,vm.resumed" "$(rows)"
req=$(sql "SELECT id FROM hawatch.audit WHERE vm_id = 1001 AND action = 'vm.resume_requested'")
sql "SELECT evidence FROM hawatch.audit WHERE id = $req" | grep -q '"result":null}$' \
	|| fail "request evidence: $(sql "SELECT evidence FROM hawatch.audit WHERE id = $req")"
sql "SELECT evidence FROM hawatch.audit WHERE vm_id = 1001 AND action = 'vm.resumed'" |
	grep -q "\"request_audit_id\":$req,\"result\":{\"rc\":\"resumed\"" \
	|| fail "outcome evidence does not name the request: $(sql "SELECT evidence FROM hawatch.audit WHERE action = 'vm.resumed'")"
pass "request row before the resume, outcome row after it naming the request"
