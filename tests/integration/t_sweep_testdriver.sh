#!/bin/bash
# t_sweep_testdriver.sh -- `hawatch sweep` end to end: MariaDB with the #12922
# seed (tests/lib/reconcile.sh) plus two root libvirtds running the test
# driver (tests/lib/libvirtd.sh), one per CloudStack host, holding domains
# named like CloudStack instances.
#
# The URI template reaches each host's daemon through its unix socket, which
# lives in a directory named after the host's private IP:
#   test+unix:///default?socket=$T/lv/{ip}/run/libvirt-sock
# Host 3 (10.1.1.3) has no daemon: its socket is missing (the unix-socket
# analogue of a bad port), so it is "unreachable" while the others are swept.
#
# Proves: --dry-run changes nothing (no state change, no audit schema);
# without --grace-met a resumable domain is only reported (grace, with the
# hint); --grace-met resumes it (domain running, audit row vm.resumed with
# evidence); skipped: CloudStack Stopped (cs-not-running-here), opted out by
# config, opted out by the libvirt metadata marker, a vm_snapshots row in
# Creating; an unreachable host is a clear error while the others are swept
# (exit 1); a domain destroyed mid-sweep (between the observation and the
# resume, held there by a table lock on vm_instance) is reported vanished
# and nothing is touched; unknown --host is an error, a Down host is not
# swept; valgrind on a dry run.
. "$(dirname "$0")/../lib/common.sh"
. "$TOP/tests/lib/reconcile.sh"
. "$TOP/tests/lib/libvirtd.sh"
lv_require
[ -x "$HAWATCH" ] || fail "$HAWATCH missing: run make"

NS=https://hawatch.example.org/xmlns/optout/1
uuid_of() { printf 'b1000000-0000-4000-8000-%012d' "$1"; }

seed_db
# hosts 4, 5, 7 are not swept here; 6 is the seed's Down host
sql "UPDATE host SET status = 'Disconnected' WHERE id IN (4, 5, 7)"
# extra VMs Running on host 1, cloned from VM 92
for id in 95 96 97 98 100; do
	sql "CREATE TEMPORARY TABLE t AS SELECT * FROM vm_instance WHERE id = 92;
	     UPDATE t SET id = $id, name = 'vm$id', uuid = '$(uuid_of $id)',
	            instance_name = 'i-2-$id-VM', host_name = 'vm$id';
	     INSERT INTO vm_instance SELECT * FROM t"
done
sql "INSERT INTO vm_snapshots (uuid, name, vm_id, account_id, domain_id, state,
     created) VALUES ('5a000000-0000-4000-8000-000000000097', 'snap97', 97, 2, 1,
     'Creating', UTC_TIMESTAMP())"
# volume snapshots (CloudStack's snapshots table, issue 12): VM 100's root
# volume is being backed up; VM 92's has a finished one, which holds nothing
sql "CREATE TEMPORARY TABLE tv AS SELECT * FROM volumes WHERE id = 1092;
     UPDATE tv SET id = 1100, instance_id = 100, name = 'ROOT-100',
            uuid = 'f0000000-0000-4000-8000-000000000100';
     INSERT INTO volumes SELECT * FROM tv"
volsnap() {	# ID VOLUME STATUS
	sql "INSERT INTO snapshots (id, data_center_id, account_id, domain_id,
	     volume_id, disk_offering_id, status, name, uuid, snapshot_type, size,
	     created, hypervisor_type) VALUES ($1, 1, 2, 1, $2, 1, '$3', 'vs$1',
	     '5b000000-0000-4000-8000-00000000000$1', 0, 8589934592, UTC_TIMESTAMP(), 'KVM')"
}
volsnap 1 1100 BackingUp
volsnap 2 1092 BackedUp
cat >> "$T/hawatch.conf" <<EOF
sweep = {
  uri_template = "test+unix:///default?socket=$T/lv/{ip}/run/libvirt-sock";
  open_timeout = "3s";
  call_timeout = "5s";
  pause_grace = "2m";
  resume_settle = "300ms";
  optout = [ "i-2-95-VM" ];
};
EOF
# room for the mid-sweep table lock below (held up to 6 s)
sed -i 's/read_timeout = 5;/read_timeout = 15;\n  lock_wait_timeout = 15;/' "$T/hawatch.conf"

lv_start 10.1.1.1
lv_start 10.1.1.2
for id in 92 91 95 96 97 98 100; do
	lv_create 10.1.1.1 "i-2-$id-VM" "$(uuid_of $id)"
	lv_suspend 10.1.1.1 "i-2-$id-VM"
done
lv_create 10.1.1.1 i-2-99-VM			# running: not described
lv_create 10.1.1.2 i-2-93-VM "$(uuid_of 93)"
lv_suspend 10.1.1.2 i-2-93-VM
lv_virsh 10.1.1.1 metadata i-2-96-VM --uri "$NS" --key hawatch \
    --set '<optout/>' --live >/dev/null
expect_eq "92 paused" "paused (user)" "$(lv_state 10.1.1.1 i-2-92-VM)"
pass "setup: 2 libvirtds (hosts 1, 2), 8 domains, 7 paused on host 1, 1 on host 2"

state() { lv_state "$1" "$2"; }
audit_count() {
	if hw_schema_exists; then
		sql "SELECT COUNT(*) FROM hawatch.audit WHERE command = 'sweep'"
	else
		echo 0
	fi
}
row() { grep -E "^[0-9]+ +$1 " "$T/out" || true; }

# --- usage and host selection --------------------------------------------------
hw sweep --bogus
expect_rc 2 "unknown option"
hw sweep --host 999
expect_rc 1 "unknown host"
grep -q "host 999 is not a KVM routing host" "$T/err" || fail "unknown host text: $(cat "$T/err")"
hw sweep --host 6 --grace-met
expect_rc 3 "Down host"
grep -q "host 6 (kvm06, 10.1.1.6): not swept: CloudStack status Down" "$T/out" ||
	fail "Down host text: $(cat "$T/out")"
pass "usage 2, unknown host 1, Down host not swept (3)"

# --- dry run, no grace confirmation: reports only -------------------------------
hw sweep --host 1 --dry-run
expect_rc 3 "dry run without --grace-met: nothing would be done"
row i-2-92-VM | grep -q 'paused (user) .* Running@1 .* leave .* grace ' ||
	fail "92 grace: $(row i-2-92-VM)"
grep -q 'rerun with --grace-met' "$T/out" || fail "grace hint missing: $(cat "$T/out")"
row i-2-91-VM | grep -q 'Stopped .* skip .* cs-not-running-here' || fail "91: $(cat "$T/out")"
row i-2-95-VM | grep -q ' skip .* optout-config' || fail "95: $(row i-2-95-VM)"
row i-2-96-VM | grep -q ' skip .* optout-marker' || fail "96: $(row i-2-96-VM)"
row i-2-97-VM | grep -q ' skip .* snapshot-in-progress' || fail "97: $(row i-2-97-VM)"
row i-2-100-VM | grep -q ' skip .* snapshot-in-progress' || fail "100 (volume snapshot): $(row i-2-100-VM)"
! grep -q 'i-2-99-VM' "$T/out" || fail "running domain listed"
pass "dry run: 92 grace (with hint), 91 cs-not-running-here, 95 optout-config, 96 optout-marker, 97 VM snapshot, 100 volume snapshot"

# --- dry run with --grace-met: would resume, changes nothing --------------------
hw sweep --host 1 --dry-run --grace-met
expect_rc 0 "dry run, grace met: would resume"
row i-2-92-VM | grep -q ' resume .* resumable .* would resume (dry run)' ||
	fail "would resume: $(row i-2-92-VM)"
row i-2-98-VM | grep -q ' resume .* resumable .* would resume' || fail "98: $(row i-2-98-VM)"
expect_eq "92 untouched" "paused (user)" "$(state 10.1.1.1 i-2-92-VM)"
hw_schema_exists && fail "a dry run created hawatch's schema"
pass "dry run --grace-met: would resume 92 and 98; nothing changed, nothing written"

# --- a domain that vanishes between observation and resume -------------------------
# Root holds vm_instance write-locked; hawatch observes libvirt, then blocks in
# its facts query; meanwhile the domain is destroyed; then the lock goes.
mariadb --no-defaults --socket="$DB_SOCK" -uroot cloud \
    -e "LOCK TABLES vm_instance WRITE; SELECT SLEEP(6); UNLOCK TABLES" >/dev/null &
lockpid=$!
track $lockpid
lock_held() {
	[ "$(sql "SELECT COUNT(*) FROM information_schema.PROCESSLIST
	          WHERE USER = 'root' AND INFO LIKE 'SELECT SLEEP(6)%'")" -ge 1 ]
}
wait_for 10 lock_held || fail "the table lock was not taken"
"$HAWATCH" --config "$T/hawatch.conf" sweep --host 1 --grace-met \
    > "$T/vanish.out" 2> "$T/vanish.err" &
swpid=$!
track $swpid
facts_waiting() {
	[ "$(sql "SELECT COUNT(*) FROM information_schema.PROCESSLIST
	          WHERE USER = 'cloud' AND INFO LIKE '%vm_snapshots%'")" -ge 1 ]
}
wait_for 10 facts_waiting || fail "hawatch never reached its facts query"
lv_destroy 10.1.1.1 i-2-98-VM
set +e; wait $swpid; vrc=$?; set -e
wait $lockpid || true
cp "$T/vanish.out" "$T/out"
expect_eq "vanish run exit (92 resumed) $(cat "$T/vanish.err")" 0 "$vrc"
row i-2-98-VM | grep -q ' resume .* resumable .* vanished' || fail "98 vanished: $(cat "$T/out")"
grep -q 'domain vanished' "$T/out" || fail "no 'domain vanished' text: $(cat "$T/out")"
row i-2-92-VM | grep -q 'resumed: running (unpaused), audit #' || fail "92: $(row i-2-92-VM)"
expect_eq "92 running" "running (unpaused)" "$(state 10.1.1.1 i-2-92-VM)"
for id in 91 95 96 97 100; do
	expect_eq "$id untouched" "paused (user)" "$(state 10.1.1.1 i-2-$id-VM)"
done
expect_eq "vanished domain: the request, then 'not needed' (S9)" \
    "vm.resume_requested,vm.resume_not_needed" \
    "$(sql "SELECT action FROM hawatch.audit WHERE vm_id = 98 ORDER BY id" | paste -sd,)"
pass "domain destroyed mid-sweep: reported vanished, nothing else touched; 92 resumed"

# --- the audit row -------------------------------------------------------------
a=$(sql "SELECT action, host_id, vm_id, reason, before_state, after_state, actor, command
         FROM hawatch.audit WHERE vm_id = 92 AND action <> 'vm.resume_requested'")
expect_eq "audit row" "vm.resumed	1	92	resumable	paused (user)	running (unpaused)" \
    "$(cut -f1-6 <<<"$a")"
[[ $(cut -f7 <<<"$a") == operator:* ]] || fail "actor: $a"
expect_eq "audit command" sweep "$(cut -f8 <<<"$a")"
ev=$(sql "SELECT evidence FROM hawatch.audit WHERE vm_id = 92 AND action = 'vm.resumed'")
for k in '"domain":"i-2-92-VM"' "\"uuid\":\"$(uuid_of 92)\"" '"pause_reason":"user"' \
    '"job":{"state":"unsupported"' '"state":"Running","host_id":1' '"rc":"resumed"' \
    '"grace_met_by_operator":true' '"decision":{"act":"resume","why":"resumable"'; do
	grep -qF "$k" <<<"$ev" || fail "evidence lacks $k: $ev"
done
pass "audit: vm.resumed, paused (user) -> running (unpaused), evidence with domain, reason, job, CloudStack state"

# --- every host, JSON; host 3 unreachable --------------------------------------
hw sweep --json --grace-met
expect_rc 1 "a host error makes the run an error"
python3 - "$T/out" <<'EOF' || fail "json: $(cat "$T/out")"
import json, sys
d = json.load(open(sys.argv[1]))
h = {x["host_id"]: x for x in d["hosts"]}
assert sorted(h) == [1, 2, 3, 4, 5, 6, 7], sorted(h)
assert h[3]["swept"] and not h[3]["observed"] and h[3]["rc"] == "unreachable", h[3]
assert "libvirt-sock" in h[3]["error"], h[3]["error"]
assert not h[6]["swept"] and h[6]["cs_status"] == "Down", h[6]
d2 = {x["name"]: x for x in h[2]["domains"]}
assert d2["i-2-93-VM"]["decision"] == "resume", d2
assert d2["i-2-93-VM"]["result"]["rc"] == "resumed", d2
assert d2["i-2-93-VM"]["audit_id"], d2
d1 = {x["name"]: x for x in h[1]["domains"]}
assert "i-2-92-VM" not in d1, "92 runs now"
assert d1["i-2-91-VM"]["why"] == "cs-not-running-here", d1
assert d1["i-2-91-VM"]["cloudstack"]["state"] == "Stopped", d1
assert d1["i-2-95-VM"]["why"] == "optout-config"
assert d1["i-2-96-VM"]["why"] == "optout-marker" and d1["i-2-96-VM"]["marker"] == "present"
assert d1["i-2-97-VM"]["why"] == "snapshot-in-progress"
assert d1["i-2-97-VM"]["cloudstack"]["snapshot_state"] == "Creating"
assert d1["i-2-100-VM"]["why"] == "snapshot-in-progress", d1["i-2-100-VM"]
assert d1["i-2-100-VM"]["cloudstack"]["volume_snapshot_state"] == "BackingUp", d1["i-2-100-VM"]
assert d["summary"]["host_errors"] == 1, d["summary"]
assert d["result"] == "error" and d["exit_code"] == 1
EOF
expect_eq "93 running" "running (unpaused)" "$(state 10.1.1.2 i-2-93-VM)"
# 92, 93 resumed and 98 vanished: each a request row and an outcome row (S9)
expect_eq "audit rows" 6 "$(audit_count)"
pass "all hosts: host 3 unreachable (clear error), host 2's domain resumed anyway, exit 1"

# --- nothing left to do ----------------------------------------------------------
hw sweep --host 1 --grace-met
expect_rc 3 "only skips left"
expect_eq "no new audit rows" 6 "$(audit_count)"
pass "second run: only skips, exit 3, no audit rows"

# --- valgrind on a dry run ---------------------------------------------------------
if command -v valgrind >/dev/null 2>&1; then
	lv_suspend 10.1.1.1 i-2-92-VM
	rc=0
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --error-exitcode=99 "$HAWATCH" --config "$T/hawatch.conf" sweep \
	    --dry-run --grace-met > "$T/vg.out" 2>&1 || rc=$?
	expect_eq "valgrind sweep --dry-run rc ($(tail -20 "$T/vg.out"))" 1 "$rc"
	grep -q 'would resume' "$T/vg.out" || fail "valgrind run output: $(cat "$T/vg.out")"
	pass "valgrind: sweep --dry-run without memory errors or leaks (exit 1: host 3)"
fi
