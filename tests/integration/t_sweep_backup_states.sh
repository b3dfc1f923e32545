#!/bin/bash
# t_sweep_backup_states.sh -- `hawatch sweep --backup-states`: VMs a native
# backup provider (apache/cloudstack PR #12758) left in its VM states
# BackupError / BackingUp go back to the state libvirt shows (issue 12).
#
# The provider adds these states to CloudStack's VirtualMachine.State only:
# vm_instance.state is varchar(32), so its SQL needs no DDL for them and the
# rows below are what it writes.  MariaDB (the #12922 seed), libvirtds (test
# driver) for hosts 1 and 2; host 3 is Up but has no libvirtd (unreachable);
# hosts 4-7 are removed from CloudStack.  VMs (cloned from 92, host 1):
#   95  BackupError, domain running on host 1            -> Running
#   101 BackingUp for 3 h, domain paused on host 1       -> Running (paused
#       counts as PowerOn, as CloudStack's agent reports it)
#   96  BackupError, no domain anywhere                  -> unknown while host
#       3 does not answer; Stopped (CloudStack's Stopped fields) once host 3
#       is gone from the inventory
#   97  BackingUp changed just now                       -> young, left
#   98  BackupError on host 1, domain running on host 2  -> elsewhere, left
#   100 BackupError on host 3                            -> unknown, left
# Proves: dry run reports would-heal and writes nothing; without the flag
# nothing is read; the real run writes guarded updates plus audit rows
# vm.backup_state_healed with evidence; unknown views are left and reported.
. "$(dirname "$0")/../lib/common.sh"
. "$TOP/tests/lib/reconcile.sh"
. "$TOP/tests/lib/libvirtd.sh"
lv_require
[ -x "$HAWATCH" ] || fail "$HAWATCH missing: run make"

uuid_of() { printf 'b1000000-0000-4000-8000-%012d' "$1"; }

seed_db
sql "UPDATE host SET removed = UTC_TIMESTAMP() WHERE id IN (4, 5, 6, 7);
     UPDATE host SET status = 'Up' WHERE id IN (1, 2, 3)"
vm() {	# ID STATE HOST AGE_SQL
	sql "CREATE TEMPORARY TABLE t AS SELECT * FROM vm_instance WHERE id = 92;
	     UPDATE t SET id = $1, name = 'vm$1', uuid = '$(uuid_of "$1")',
	            instance_name = 'i-2-$1-VM', host_name = 'vm$1', state = '$2',
	            host_id = $3, update_count = 7, update_time = UTC_TIMESTAMP() - $4;
	     INSERT INTO vm_instance SELECT * FROM t"
}
vm 95 BackupError 1 'INTERVAL 1 HOUR'
vm 101 BackingUp 1 'INTERVAL 3 HOUR'
vm 96 BackupError 1 'INTERVAL 1 HOUR'
vm 97 BackingUp 1 'INTERVAL 5 SECOND'
vm 98 BackupError 1 'INTERVAL 1 HOUR'
vm 100 BackupError 3 'INTERVAL 1 HOUR'
cat >> "$T/hawatch.conf" <<EOF
sweep = {
  uri_template = "test+unix:///default?socket=$T/lv/{ip}/run/libvirt-sock";
  open_timeout = "3s";
  call_timeout = "5s";
  backup_timeout = "1h";
  resume_settle = "200ms";
};
EOF

lv_start 10.1.1.1
lv_start 10.1.1.2
lv_create 10.1.1.1 i-2-95-VM "$(uuid_of 95)"
lv_create 10.1.1.1 i-2-101-VM "$(uuid_of 101)"
lv_suspend 10.1.1.1 i-2-101-VM
lv_create 10.1.1.1 i-2-97-VM "$(uuid_of 97)"
lv_create 10.1.1.2 i-2-98-VM "$(uuid_of 98)"

states() { sql "SELECT GROUP_CONCAT(CONCAT(id, ':', state, '@', IFNULL(host_id, '-')) ORDER BY id)
                FROM vm_instance WHERE id IN (95, 96, 97, 98, 100, 101)"; }
S0="95:BackupError@1,96:BackupError@1,97:BackingUp@1,98:BackupError@1,100:BackupError@3,101:BackingUp@1"
expect_eq "rows" "$S0" "$(states)"

# --- without the flag (heal_backup_states defaults to false): not looked at --------
hw sweep --json
expect_rc 1 "host 3 unreachable"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["vm_states"] is None, d["vm_states"]' "$T/out" ||
	fail "vm_states without the flag: $(cat "$T/out")"
expect_eq "rows unchanged" "$S0" "$(states)"
pass "opt-in: without --backup-states (heal_backup_states = false) nothing is read or changed"

# --- dry run ---------------------------------------------------------------------
hw sweep --backup-states --dry-run --json
expect_rc 1 "dry run, host 3 unreachable"
python3 - "$T/out" <<'EOF' || fail "json: $(cat "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
v = {x["vm_id"]: (x["verdict"], x["exec"]) for x in d["vm_states"]}
assert v == {95: ("heal-running", "would-heal"), 96: ("libvirt-unknown", "none"),
             97: ("young", "none"), 98: ("elsewhere", "none"),
             100: ("libvirt-unknown", "none"), 101: ("heal-running", "would-heal")}, v
x = {x["vm_id"]: x for x in d["vm_states"]}
assert x[101]["domain"] == "paused" and x[95]["domain"] == "running", x
assert "host 3 not observed" in x[100]["note"], x[100]
assert d["summary"]["would_heal"] == 2 and d["summary"]["healed"] == 0, d["summary"]
EOF
expect_eq "rows unchanged" "$S0" "$(states)"
hw_schema_exists && fail "a dry run created hawatch's schema"
pass "dry run: 95, 101 would heal to Running; 96, 100 libvirt unknown, 97 young, 98 elsewhere; nothing written"

# --- real run ----------------------------------------------------------------------
hw sweep --backup-states
expect_rc 1 "host 3 still unreachable"
grep -qE '^  95 +i-2-95-VM +BackupError .* heal-running +healed +Running, audit #' "$T/out" ||
	fail "95 line: $(cat "$T/out")"
expect_eq "healed to Running" \
    "95:Running@1,96:BackupError@1,97:BackingUp@1,98:BackupError@1,100:BackupError@3,101:Running@1" "$(states)"
expect_eq "95 lock fields" "PowerOn	8" "$(sql "SELECT power_state, update_count FROM vm_instance WHERE id = 95")"
a=$(sql "SELECT action, host_id, vm_id, reason, before_state, after_state, command
         FROM hawatch.audit ORDER BY id")
expect_eq "audit" "vm.backup_state_healed	1	95	heal-running	BackupError	Running	sweep
vm.backup_state_healed	1	101	heal-running	BackingUp	Running	sweep" "$a"
ev=$(sql "SELECT evidence FROM hawatch.audit WHERE vm_id = 101")
for k in '"state":"BackingUp"' '"host_observed":true' '"domain":"paused"' '"job":false' \
    '"verdict":"heal-running"' '"after":"Running"' '"update_count":7'; do
	grep -qF "$k" <<<"$ev" || fail "evidence lacks $k: $ev"
done
pass "heal: 95 (running domain) and 101 (paused domain) -> Running, guarded (update_count 7 -> 8), audited with evidence"

# --- every host observed: no domain anywhere -> Stopped ------------------------------
sql "UPDATE host SET removed = UTC_TIMESTAMP() WHERE id = 3"
hw sweep --backup-states
expect_rc 0 "healed"
expect_eq "96 Stopped" \
    "95:Running@1,96:Stopped@-,97:BackingUp@1,98:BackupError@1,100:BackupError@3,101:Running@1" "$(states)"
expect_eq "96 Stopped fields" "1	PowerOff	8" \
    "$(sql "SELECT last_host_id, power_state, update_count FROM vm_instance WHERE id = 96")"
grep -qE '^  100 .* libvirt-unknown +none +host 3 not observed' "$T/out" || fail "100: $(cat "$T/out")"
expect_eq "audit rows" 3 "$(sql "SELECT COUNT(*) FROM hawatch.audit WHERE action = 'vm.backup_state_healed'")"
pass "no domain on any (observed) host: 96 -> Stopped (host_id NULL, last_host_id 1, PowerOff); 100's host unknown: left and reported"

# --- nothing left --------------------------------------------------------------------
hw sweep --backup-states
expect_rc 3 "nothing to heal"
expect_eq "no new audit rows" 3 "$(sql "SELECT COUNT(*) FROM hawatch.audit")"
pass "second run: nothing to heal, exit 3"

# --- valgrind on a --backup-states run (reads running domains' jobs too) ------------
if command -v valgrind >/dev/null 2>&1; then
	sql "UPDATE vm_instance SET state = 'BackupError' WHERE id = 95"
	rc=0
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --error-exitcode=99 "$HAWATCH" --config "$T/hawatch.conf" sweep \
	    --backup-states --dry-run --json > "$T/vg.out" 2>"$T/vg.err" || rc=$?
	expect_eq "valgrind rc ($(tail -20 "$T/vg.err"))" 0 "$rc"
	grep -q '"would_heal":1' "$T/vg.out" || fail "valgrind run output: $(cat "$T/vg.out")"
	pass "valgrind: sweep --backup-states --dry-run without memory errors or leaks"
fi

# --- at most 16 heals per run: the rest are deferred to the next run -----------------
sql "UPDATE vm_instance SET state = 'Running' WHERE id = 95"
for i in $(seq 300 319); do
	vm "$i" BackupError 1 'INTERVAL 1 HOUR'
	lv_create 10.1.1.1 "i-2-$i-VM" "$(uuid_of "$i")"
done
bound_check() {	# WANT_HEALED WANT_DEFERRED EXEC_NAME
	python3 - "$T/out" "$@" <<'PY' || fail "bound: $(cat "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
want_h, want_d, ex = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
e = [x["exec"] for x in d["vm_states"]]
assert e.count(ex) == want_h and e.count("deferred") == want_d, e
assert all("over 16 heals this run" in x["note"] for x in d["vm_states"] if x["exec"] == "deferred")
PY
}
hw sweep --backup-states --dry-run --json
expect_rc 0 "dry run would heal"
bound_check 16 4 would-heal
hw sweep --backup-states --json
expect_rc 0 "first bounded run"
bound_check 16 4 healed
expect_eq "still BackupError after run 1" 4 "$(sql "SELECT COUNT(*) FROM vm_instance WHERE id BETWEEN 300 AND 319 AND state = 'BackupError'")"
expect_eq "audit rows after run 1" 19 "$(sql "SELECT COUNT(*) FROM hawatch.audit WHERE action = 'vm.backup_state_healed'")"
hw sweep --backup-states --json
expect_rc 0 "second bounded run"
bound_check 4 0 healed
expect_eq "all Running after run 2" 20 "$(sql "SELECT COUNT(*) FROM vm_instance WHERE id BETWEEN 300 AND 319 AND state = 'Running'")"
pass "bound: 20 VMs to heal -> 16 healed (or would be) and 4 deferred, then the 4 on the next run"

# --- the optimistic lock: the row changes between hawatch's read and its write --------
# Another writer (CloudStack) holds VM 320's row, update_count 7 -> 8, uncommitted,
# for 4 s: hawatch reads 7 (a consistent read), its guarded UPDATE waits for the
# row lock (lock_wait_timeout 5 s), then finds update_count 8 and changes nothing.
vm 320 BackupError 1 'INTERVAL 1 HOUR'
lv_create 10.1.1.1 i-2-320-VM "$(uuid_of 320)"
sql "BEGIN; UPDATE vm_instance SET update_count = update_count + 1 WHERE id = 320;
     SELECT SLEEP(4); COMMIT" >/dev/null &
holder=$!
wait_for 5 eval '[ "$(sql "SELECT COUNT(*) FROM information_schema.innodb_trx WHERE trx_rows_locked > 0")" -ge 1 ]' ||
	fail "the competing writer never took the row lock"
hw sweep --backup-states --json
wait "$holder"
python3 - "$T/out" <<'PY' || fail "race: $(cat "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
x = {v["vm_id"]: v for v in d["vm_states"]}[320]
assert x["verdict"] == "heal-running" and x["exec"] == "raced", x
assert x["audit_id"] is None, x
PY
expect_eq "320 untouched by hawatch" "BackupError	8" "$(sql "SELECT state, update_count FROM vm_instance WHERE id = 320")"
expect_eq "no audit row for 320" 0 "$(sql "SELECT COUNT(*) FROM hawatch.audit WHERE vm_id = 320")"
hw sweep --backup-states
expect_rc 0 "healed on the next run"
expect_eq "320 healed next run" "Running	9" "$(sql "SELECT state, update_count FROM vm_instance WHERE id = 320")"
pass "optimistic lock: a row changed between read and write is left untouched (raced, no audit), healed on the next run"
