#!/bin/bash
# t_daemon_sweep_qemu.sh -- `hawatch run` leaves a throttled backup that moves
# alone and aborts one that does not move, on REAL QEMU (issue 12).
#
# One simulated host (tests/lib/simcluster.sh) whose sweeper URI reaches a
# session libvirtd with real QEMU (tests/lib/qemu-ioerror.sh daemon).  Two
# domains named like the host's CloudStack VMs, each with a 512 MiB disk of
# random data, paused (as a NAS backup of a paused domain leaves them), each
# with a push-mode backup (tests/lib/qemu-backup.sh, the recipe is there):
#   i-2-1001-VM  throttled to 4 MiB/s (`virsh blockjob --bandwidth`): libvirt
#                reports disk_processed rising and no data_* counter.  It
#                must be left alone across at least 10 sweeper passes
#                (pause_grace 3 s, job_stall_after 4 s, interval 1 s); then
#                the throttle is lifted so the test need not wait two minutes,
#                the backup completes and the domain is resumed.
#   i-2-1002-VM  throttled to 1 byte/s (`--bytes --bandwidth 1`): it never
#                moves, so it is aborted after job_stall_after and the domain
#                resumed: audit rows vm.job_aborted then vm.resumed, in order,
#                each after its request row (S9),
#                the abort's evidence naming disk_processed.
# Budget: about 60 s.
source "$(dirname "$0")/../lib/common.sh"
QE="$TOP/tests/lib/qemu-ioerror.sh"
QB="$TOP/tests/lib/qemu-backup.sh"
export S=$T/qemu
why=$(bash "$QE" check) || skip "t_daemon_sweep_qemu: $why"
# backups go to another filesystem than the disks (qemu-backup.sh: QEMU then
# copies through bounded buffers, so the throttle lands before the copy ends)
export QB_OUT
QB_OUT=$(mktemp -d /dev/shm/hawatch-qb.XXXXXX)
qemu_down() { bash "$QE" down >/dev/null 2>&1 || true; rm -rf "$QB_OUT"; }
T_CLEANUP_HOOKS+=(qemu_down)

SIM_SWEEP="enabled = true; interval = \"1s\"; pause_grace = \"3s\"; job_stall_after = \"4s\";
  resume_settle = \"300ms\"; open_timeout = \"5s\"; call_timeout = \"5s\";
  uri_template = \"qemu+unix:///session?socket=$T/lvip/{ip}/libvirt-sock\";"
source "$TOP/tests/lib/simcluster.sh"
simcluster_start 1 2

bash "$QE" daemon >/dev/null || fail "session libvirtd: $(cat "$S/libvirtd.out" 2>/dev/null)"
mkdir -p "$T/lvip"
ln -s "$S/run/libvirt" "$T/lvip/$(sim_ip 1)"
U=$(bash "$QE" uri)
for d in i-2-1001-VM i-2-1002-VM; do bash "$QB" guest "$d" 512; done
bash "$QB" push i-2-1001-VM $((4 * 1024 * 1024))
bash "$QB" push i-2-1002-VM 1
expect_eq "1001 paused" "paused (user)" "$(virsh -q -c "$U" domstate --reason i-2-1001-VM)"
p0=$(bash "$QB" progress i-2-1002-VM)
pass "real QEMU: 2 paused domains, push backups at 4 MiB/s and 1 byte/s (1002 at $p0 bytes)"

hawatch_start a
wait_state a 1 alive 20 || fail "host 1 never alive"
runs() { grep -o '"sweep":{"enabled":true,"runs":[0-9]*' "$T/status-a.json" 2>/dev/null | grep -o '[0-9]*$' || echo 0; }
audits() { sql "SELECT GROUP_CONCAT(CONCAT(action, ':', vm_id) ORDER BY id) FROM hawatch.audit WHERE action LIKE 'vm.%'" 2>/dev/null || true; }

# --- the stalled one: aborted after job_stall_after, then resumed ----------------
resumed2() { virsh -q -c "$U" domstate i-2-1002-VM | grep -q running; }
wait_for 40 resumed2 || fail "1002 not resumed: $(audits); $(grep sweep "$T/hawatch-a.log" | tail -5)"
A1002="vm.job_abort_requested:1002,vm.job_aborted:1002,vm.resume_requested:1002,vm.resumed:1002"
wait_for 10 eval '[ "$(audits)" = "$A1002" ]' ||
	fail "audit order for 1002: $(audits)"
ev=$(sql "SELECT evidence FROM hawatch.audit WHERE action = 'vm.job_aborted'")
for k in '"why":"job-stalled"' '"field":"disk_processed"' '"backup_mode":"push"' \
    '"op":"backup"' 'disk_processed='; do
	grep -qF "$k" <<<"$ev" || fail "abort evidence lacks $k: $ev"
done
grep -q '"processed":0,"remaining":0,"total":0' <<<"$ev" &&
	fail "abort evidence shows no progress counters: $ev"
expect_eq "1002 job gone" 0 "$(bash "$QB" job i-2-1002-VM)"
pass "1 byte/s backup: aborted after job_stall_after (evidence: disk_processed), then resumed; audited in that order"

# --- the moving one: left alone for >= 10 passes ----------------------------------
r0=$(runs)
wait_for 60 eval '[ "$(runs)" -ge $((r0 + 10)) ]' || fail "fewer than 10 sweeper passes: $(runs) - $r0"
expect_eq "1001 job still active" 2 "$(bash "$QB" job i-2-1001-VM)"
expect_eq "1001 still paused" "paused (user)" "$(virsh -q -c "$U" domstate --reason i-2-1001-VM)"
p=$(bash "$QB" progress i-2-1001-VM)
[ "$p" -gt $((48 * 1024 * 1024)) ] || fail "1001 backup did not move: disk_processed=$p"
sql "SELECT COUNT(*) FROM hawatch.audit WHERE vm_id = 1001" | grep -qx 0 ||
	fail "the moving backup was touched: $(audits)"
pass "4 MiB/s backup left alone across $(( $(runs) - r0 )) sweeper passes (disk_processed=$p, job_stall_after 4 s)"

# lift the throttle: it completes, then the paused domain is resumed
bash "$QB" throttle i-2-1001-VM 0
wait_for 30 eval '[ "$(bash "$QB" job i-2-1001-VM)" = 0 ]' || fail "1001 backup did not complete"
[ "$(stat -c %s "$QB_OUT/i-2-1001-VM.raw")" -eq $((512 * 1024 * 1024)) ] ||
	fail "backup file size $(stat -c %s "$QB_OUT/i-2-1001-VM.raw")"
wait_for 20 eval 'virsh -q -c "$U" domstate i-2-1001-VM | grep -q running' ||
	fail "1001 not resumed after its backup completed: $(audits)"
wait_for 10 eval '[ "$(audits)" = "$A1002,vm.resume_requested:1001,vm.resumed:1001" ]' ||
	fail "audit after 1001's resume: $(audits)"
pass "the throttled backup completed untouched (512 MiB copied), then its domain was resumed"
