#!/bin/bash
# t_virt_qemu.sh -- the libvirt adapter and the sweep core against a REAL
# QEMU guest (TCG) that QEMU paused with reason IOERROR on a full disk while
# a pull-mode backup job is open: the #12821 state (tests/lib/qemu-ioerror.sh).
#
# Part 1, adapter calls: observe shows paused/ioerror + an active BACKUP
# job + "vda: no space"; resume while storage is still full -> REPAUSED;
# free the space, abort the job, resume -> RESUMED, running, and the guest
# writes again.
# Part 2, the same state driven by sweep_step() (stall 1 s, backoff 300 ms):
# the pull job reports no progress: left past the stall time, never aborted
# (job-pull); once it is gone, resume -> repaused (attempt 1), storage
# fixed, resume -> resumed, then the domain is forgotten.
# Budget: < 90 s (about 30 s here).
. "$(dirname "$0")/../lib/common.sh"

PROBE=$TOP/build/itest/virtprobe
QE="$TOP/tests/lib/qemu-ioerror.sh"
[ -x "$PROBE" ] || fail "build/itest/virtprobe missing: run make"
export S=$T/qemu
why=$(bash "$QE" check) || skip "t_virt_qemu: $why"
qemu_down() { bash "$QE" down >/dev/null 2>&1 || true; }
T_CLEANUP_HOOKS+=(qemu_down)

field() { sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p; s/^$1=\\([^ ]*\\).*/\\1/p" <<<"$2" | head -1; }
disk_kib() { du -k "$S/tiny/disk.img" | cut -f1; }

msg=$(bash "$QE" up) || fail "qemu-ioerror.sh up failed: $msg (see $S/libvirtd.out)"
U=$(bash "$QE" uri)
pass "real QEMU (TCG) guest: $msg"

# --- part 1: adapter calls ------------------------------------------------------
out=$("$PROBE" -t 10000 -s 1000 "$U" observe resume i-2-30-VM)
d=$(grep '^dom host=1 name=i-2-30-VM ' <<<"$out") || fail "not observed paused: $out"
expect_eq "state" paused "$(field state "$d")"
expect_eq "reason" ioerror/5 "$(field reason "$d")"
expect_eq "job" active "$(field job "$d")"
expect_eq "job op" backup/9 "$(field op "$d")"
grep -q 'disk_errors="vda: no space"' <<<"$d" || fail "disk errors: $d"
expect_eq "backup mode" pull "$(field mode "$d")"
grep -q 'progress="backup pull"' <<<"$d" || fail "a pull job reports no progress counter: $d"
pass "observe: paused (ioerror), pull-mode backup job (operation 9) open, no progress counter, vda: no space"
grep -q '^resume host=1 dom=i-2-30-VM rc=repaused state=paused reason=ioerror ' <<<"$out" ||
	fail "resume on a full disk: $out"
pass "resume while storage still full: repaused (virDomainResume alone said ok)"

bash "$QE" fix
out=$("$PROBE" -t 10000 -s 1000 "$U" abort i-2-30-VM observe resume i-2-30-VM observe)
grep -q '^abort host=1 dom=i-2-30-VM rc=ok ' <<<"$out" || fail "abort: $out"
d=$(grep '^dom host=1 name=i-2-30-VM ' <<<"$out" | head -1)
expect_eq "job after abort" none "$(field job "$d")"
grep -q '^resume host=1 dom=i-2-30-VM rc=resumed state=running reason=unpaused ' <<<"$out" ||
	fail "resume after fix: $out"
grep '^host=1 ' <<<"$out" | tail -1 | grep -q 'running=1 paused=0 ' || fail "not running: $out"
# the disk could not pass 8 MiB before the fix: more means the guest wrote
wait_for 10 eval '[ "$(disk_kib)" -gt 16384 ]' ||
	fail "guest does not write after resume (disk $(disk_kib) KiB)"
pass "fix storage, abort job, resume: running and writing again (disk $(disk_kib) KiB > 8 MiB tmpfs before the fix)"

# --- part 2: the same state through the pure core -----------------------------------
# The backup job is pull mode: libvirt reports no progress counter for it
# (its NBD client drives it), so the core leaves it however long it is quiet
# (job-pull, issue 12), and never aborts it.  When the job is gone (aborted
# here by hand, as a client that gives up does) and no backup row holds it,
# the domain is resumed: repaused while storage is full, then resumed.
msg=$(bash "$QE" again) || fail "qemu-ioerror.sh again failed: $msg"
rm -f "$T/fixed"
"$PROBE" -t 10000 -g 0 -j 1000 -b 300 -s 800 "$U" sweep sleep 1200 sweep \
    abort i-2-30-VM sleep 800 sweep waitfile "$T/fixed" sleep 350 sweep sweep \
    > "$T/sweep.out" 2>"$T/sweep.err" &
sp=$!
track $sp
wait_for 20 eval '[ "$(grep -c "^report " "$T/sweep.out")" -ge 1 ]' ||
	fail "core did not resume after the job went: $(cat "$T/sweep.out")"
bash "$QE" fix
touch "$T/fixed"
wait $sp || fail "sweep probe: $(cat "$T/sweep.err")"
acts=$(grep '^sweep ' "$T/sweep.out" | sed 's/.* act=\([^ ]*\) why=\([^ ]*\) .*/\1\/\2/' | tr '\n' ' ')
expect_eq "core decisions" "leave/job-pull leave/job-pull resume/resumable resume/resumable " "$acts"
grep '^sweep .*why=job-pull' "$T/sweep.out" | tail -1 | grep -q 'never aborted' ||
	fail "job-pull text: $(grep '^sweep' "$T/sweep.out")"
grep -q '^abort host=1 dom=i-2-30-VM rc=ok ' "$T/sweep.out" || fail "hand abort: $(cat "$T/sweep.out")"
res=$(grep '^report ' "$T/sweep.out" | sed 's/.* result=//' | tr '\n' ' ')
expect_eq "reported outcomes" "repaused resumed " "$res"
grep '^sweep .*act=resume' "$T/sweep.out" | tail -1 | grep -q 'attempts=1 .*attempt 2 of 3' ||
	fail "second resume is attempt 2: $(grep '^sweep' "$T/sweep.out")"
grep '^host=1 ' "$T/sweep.out" | tail -1 | grep -q 'running=1 paused=0 ' ||
	fail "last tick: $(tail -2 "$T/sweep.out")"
pass "sweep core on real QEMU: pull job left past the stall time (no progress counter), gone, repaused, fixed, resumed, forgotten"
