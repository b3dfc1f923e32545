#!/bin/bash
# t_sweep_backups.sh -- stale `backups` rows through `hawatch sweep`: MariaDB
# (the #12922 seed) and one root libvirtd with the test driver for host 1.
#
# sweep.backup_timeout = "1m".  Rows (BackingUp unless said):
#   B1 VM 92, 2 h old: its domain is paused on observed host 1 with no job
#      (the test driver has no job API, which counts as no job): reapable
#   B2 VM 95, 2 h old: its domain runs on host 1 with no job (running
#      domains' jobs are read too, issue 12): reapable
#   B7 VM 96, 2 h old: CloudStack says Running on host 1 but no domain is
#      there: reported and kept ("no-domain")
#   B3 VM 93, 2 h old: host 2 is not swept ("host-unobserved")
#   B4 VM 91, 2 h old: VM Stopped, no host ("no-host")
#   B5 VM 92, 10 s old: fresh, never listed
#   B6 VM 92, BackedUp, 3 h old: never listed
# Proves: reported with reap_stale_backups = false (nothing changes); a dry
# run with reaping on says would-reap and changes nothing (exit 0, "would
# reap", result would-act); a real run sets exactly B1 and B2 to Error with
# audit rows backup.reaped carrying the evidence; no row is ever deleted;
# the next run has nothing to reap.
. "$(dirname "$0")/../lib/common.sh"
. "$TOP/tests/lib/reconcile.sh"
. "$TOP/tests/lib/libvirtd.sh"
lv_require
[ -x "$HAWATCH" ] || fail "$HAWATCH missing: run make"

uuid_of() { printf 'b1000000-0000-4000-8000-%012d' "$1"; }

seed_db
sql "UPDATE host SET status = 'Disconnected' WHERE id IN (2, 3, 4, 5, 7)"
for id in 95 96; do
	sql "CREATE TEMPORARY TABLE t AS SELECT * FROM vm_instance WHERE id = 92;
	     UPDATE t SET id = $id, name = 'vm$id', uuid = '$(uuid_of $id)',
	            instance_name = 'i-2-$id-VM', host_name = 'vm$id';
	     INSERT INTO vm_instance SELECT * FROM t"
done
bk() {	# ID VM STATUS AGE_SQL
	sql "INSERT INTO backups (id, uuid, vm_id, external_id, type, status,
	     backup_offering_id, account_id, domain_id, zone_id, \`date\`, name)
	     VALUES ($1, 'ba000000-0000-4000-8000-00000000000$1', $2,
	     'i-2-$2-VM/x', 'FULL', '$3', 1, 2, 1, 1, UTC_TIMESTAMP() - $4,
	     'backup$1')"
}
bk 1 92 BackingUp 'INTERVAL 2 HOUR'
bk 2 95 BackingUp 'INTERVAL 2 HOUR'
bk 3 93 BackingUp 'INTERVAL 2 HOUR'
bk 4 91 BackingUp 'INTERVAL 2 HOUR'
bk 5 92 BackingUp 'INTERVAL 10 SECOND'
bk 6 92 BackedUp 'INTERVAL 3 HOUR'
bk 7 96 BackingUp 'INTERVAL 2 HOUR'

conf() {	# FILE REAP
	cp "$T/hawatch.conf" "$1"
	chmod 600 "$1"
	cat >> "$1" <<EOF
sweep = {
  uri_template = "test+unix:///default?socket=$T/lv/{ip}/run/libvirt-sock";
  backup_timeout = "1m";
  reap_stale_backups = $2;
  resume_settle = "200ms";
};
EOF
}
conf "$T/noreap.conf" false
conf "$T/reap.conf" true

lv_start 10.1.1.1
lv_create 10.1.1.1 i-2-92-VM "$(uuid_of 92)"
lv_suspend 10.1.1.1 i-2-92-VM
lv_create 10.1.1.1 i-2-95-VM "$(uuid_of 95)"

statuses() { sql "SELECT GROUP_CONCAT(CONCAT(id, ':', status) ORDER BY id) FROM backups"; }
verdict() { grep -E "^  $1 " "$T/out" | awk '{print $7}'; }
ALL0="1:BackingUp,2:BackingUp,3:BackingUp,4:BackingUp,5:BackingUp,6:BackedUp,7:BackingUp"
expect_eq "rows" "$ALL0" "$(statuses)"

# --- reaping off: reported, nothing changes ------------------------------------
HWCONF=$T/noreap.conf hw sweep
expect_rc 3 "reap off: nothing to do"
grep -q 'backups in BackingUp for longer than 60s' "$T/out" || fail "header: $(cat "$T/out")"
expect_eq "B1" reap-off "$(verdict 1)"
expect_eq "B2" reap-off "$(verdict 2)"
expect_eq "B3" host-unobserved "$(verdict 3)"
expect_eq "B4" no-host "$(verdict 4)"
expect_eq "B7" no-domain "$(verdict 7)"
grep -qE '^  [56] ' "$T/out" && fail "fresh or finished rows listed: $(cat "$T/out")"
grep -E '^  1 ' "$T/out" | grep -q 'i-2-92-VM *1 ' || fail "B1 line: $(grep -E '^  1 ' "$T/out")"
a=$(grep -E '^  1 ' "$T/out" | awk '{print $6}')
[ "$a" -ge 7190 ] && [ "$a" -le 7300 ] || fail "B1 age $a s, want about 7200"
expect_eq "rows unchanged" "$ALL0" "$(statuses)"
pass "reap off: B1 reap-off, B2 (running, no job) reap-off, B3 host-unobserved, B4 no-host, B7 no-domain; fresh/finished rows not listed"

# --- reaping on, dry run ---------------------------------------------------------
HWCONF=$T/reap.conf hw sweep --dry-run --json
expect_rc 0 "dry run: would reap"
python3 - "$T/out" <<'EOF' || fail "json: $(cat "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
v = {b["id"]: b["verdict"] for b in d["backups"]}
assert v == {1: "would-reap", 2: "would-reap", 3: "host-unobserved", 4: "no-host", 7: "no-domain"}, v
assert d["backup_timeout_s"] == 60
assert d["summary"]["stale_backups"] == 5 and d["summary"]["would_reap"] == 2, d["summary"]
assert d["result"] == "would-act" and d["exit_code"] == 0, (d["result"], d["exit_code"])
EOF
HWCONF=$T/reap.conf hw sweep --dry-run
expect_rc 0 "dry run, text: would reap"
grep -q '^summary: .*would_reap=2 ' "$T/out" || fail "dry-run summary: $(grep summary "$T/out")"
grep -q 'acted\| reaped=' "$T/out" && fail "a dry run says it acted: $(cat "$T/out")"
expect_eq "rows unchanged" "$ALL0" "$(statuses)"
hw_schema_exists && fail "a dry run created hawatch's schema"
pass "reap on, dry run: B1, B2 would-reap, exit 0 with 'would reap' (not 'acted'), nothing written"

# --- reaping on ----------------------------------------------------------------
HWCONF=$T/reap.conf hw sweep
expect_rc 0 "reaped"
expect_eq "B1" reaped "$(verdict 1)"
expect_eq "B2" reaped "$(verdict 2)"
grep -E '^  1 ' "$T/out" | grep -q 'audit #' || fail "no audit id: $(grep -E '^  1 ' "$T/out")"
expect_eq "only B1, B2 changed" \
    "1:Error,2:Error,3:BackingUp,4:BackingUp,5:BackingUp,6:BackedUp,7:BackingUp" "$(statuses)"
expect_eq "no row deleted" 7 "$(sql "SELECT COUNT(*) FROM backups WHERE removed IS NULL")"
a=$(sql "SELECT action, host_id, vm_id, before_state, after_state, command
         FROM hawatch.audit ORDER BY id")
expect_eq "audit" "backup.reaped	1	92	BackingUp	Error	sweep
backup.reaped	1	95	BackingUp	Error	sweep" "$a"
ev2=$(sql "SELECT evidence FROM hawatch.audit WHERE vm_id = 95")
for k in '"domain":{"name":"i-2-95-VM","state":"running","job":"unsupported"'; do
	grep -qF "$k" <<<"$ev2" || fail "B2 evidence lacks $k: $ev2"
done
ev=$(sql "SELECT evidence FROM hawatch.audit WHERE vm_id = 92")
for k in '"backup":{"id":1,' '"status":"BackingUp"' '"backup_timeout_s":60' \
    '"instance_name":"i-2-92-VM"' '"domain":{"name":"i-2-92-VM","state":"paused"' \
    '"job":"unsupported"'; do
	grep -qF "$k" <<<"$ev" || fail "evidence lacks $k: $ev"
done
grep -q 'event=backup.reaped backup=1 vm=i-2-92-VM host=1' "$T/err" ||
	fail "no backup.reaped log: $(cat "$T/err")"
expect_eq "92 still paused (no --grace-met)" "paused (user)" "$(lv_state 10.1.1.1 i-2-92-VM)"
pass "reap on: B1 (paused) and B2 (running, no job) -> Error with audit backup.reaped and evidence; others untouched; none deleted"

# --- again: nothing left to reap -------------------------------------------------
HWCONF=$T/reap.conf hw sweep
expect_rc 3 "nothing left"
grep -qE '^  1 ' "$T/out" && fail "B1 listed again: $(cat "$T/out")"
expect_eq "two audit rows" 2 "$(sql "SELECT COUNT(*) FROM hawatch.audit")"
pass "second run: B1, B2 no longer stale, exit 3, no new audit row"
