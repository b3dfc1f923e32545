#!/bin/bash
# t_virt_testdriver.sh -- the libvirt adapter against libvirt's in-process
# test driver (test:///abs/file.xml, deps.md 2.1): observation of running,
# paused, shut-off and opted-out domains; resume re-read on one connection;
# the test driver's missing job API reported as "job info unsupported";
# one sweep through the pure core.
#
# Note: test:///file.xml gives every connection a private copy of the file,
# so a resume and the look after it must share one virtprobe process.
. "$(dirname "$0")/../lib/common.sh"

PROBE=$TOP/build/itest/virtprobe
[ -x "$PROBE" ] || fail "build/itest/virtprobe missing: run make"

field() { sed -n "s/.* $1=\\([^ ]*\\).*/\\1/p; s/^$1=\\([^ ]*\\).*/\\1/p" <<<"$2" | head -1; }

cat > "$T/host1.xml" <<'EOF'
<?xml version="1.0"?>
<node xmlns:test="http://libvirt.org/schemas/domain/test/1.0">
  <cpu><mhz>2000</mhz><model>i686</model><nodes>1</nodes><sockets>1</sockets>
    <cores>4</cores><threads>1</threads></cpu>
  <memory>16777216</memory>
  <domain type="test">
    <name>i-2-10-VM</name><uuid>6695eb01-f6a4-8304-79aa-97f2502e1001</uuid>
    <memory>524288</memory><vcpu>1</vcpu><os><type arch="i686">hvm</type></os>
    <test:runstate>1</test:runstate>
  </domain>
  <domain type="test">
    <name>i-2-11-VM</name><uuid>6695eb01-f6a4-8304-79aa-97f2502e1002</uuid>
    <memory>524288</memory><vcpu>1</vcpu><os><type arch="i686">hvm</type></os>
    <metadata><other:note xmlns:other="https://example.org/not-hawatch/1"/></metadata>
    <test:runstate>3</test:runstate>
  </domain>
  <domain type="test">
    <name>r-4-VM</name><uuid>6695eb01-f6a4-8304-79aa-97f2502e1003</uuid>
    <memory>262144</memory><vcpu>1</vcpu><os><type arch="i686">hvm</type></os>
  </domain>
  <domain type="test">
    <name>i-2-12-VM</name><uuid>6695eb01-f6a4-8304-79aa-97f2502e1004</uuid>
    <memory>262144</memory><vcpu>1</vcpu><os><type arch="i686">hvm</type></os>
    <test:runstate>5</test:runstate>
  </domain>
  <domain type="test">
    <name>i-2-13-VM</name><uuid>6695eb01-f6a4-8304-79aa-97f2502e1005</uuid>
    <memory>262144</memory><vcpu>1</vcpu><os><type arch="i686">hvm</type></os>
    <metadata><hawatch:optout xmlns:hawatch="https://hawatch.example.org/xmlns/optout/1"/></metadata>
    <test:runstate>3</test:runstate>
  </domain>
</node>
EOF
U="test://$T/host1.xml"

# --- observe ------------------------------------------------------------------
out=$("$PROBE" "$U" observe)
echo "$out" | grep -q '^host=1 rc=ok .* running=2 paused=2 other=0$' ||
	fail "counts (shut-off is not active): $out"
d11=$(grep '^dom host=1 name=i-2-11-VM ' <<<"$out") || fail "i-2-11-VM not paused: $out"
d13=$(grep '^dom host=1 name=i-2-13-VM ' <<<"$out") || fail "i-2-13-VM not paused: $out"
! grep -q 'name=i-2-10-VM\|name=r-4-VM\|name=i-2-12-VM' <<<"$out" ||
	fail "running or shut-off domains described: $out"
expect_eq "uuid" 6695eb01-f6a4-8304-79aa-97f2502e1002 "$(field uuid "$d11")"
expect_eq "state" paused "$(field state "$d11")"
expect_eq "reason" unknown/0 "$(field reason "$d11")"
expect_eq "job" unsupported "$(field job "$d11")"
grep -q 'note="job info unsupported"' <<<"$d11" || fail "note: $d11"
expect_eq "disk errors" '""' "$(field disk_errors "$d11")"
expect_eq "foreign metadata is no marker" absent "$(field marker "$d11")"
expect_eq "opt-out marker" present "$(field marker "$d13")"
pass "observe: 2 running, 2 paused (reason unknown), job info unsupported, opt-out seen"

# --- resume and re-read on one connection -------------------------------------
out=$("$PROBE" -s 300 "$U" resume i-2-11-VM observe resume i-2-10-VM \
    resume no-such-VM abort i-2-13-VM)
grep -q '^resume host=1 dom=i-2-11-VM rc=resumed state=running reason=unpaused ' <<<"$out" ||
	fail "resume: $out"
e=$(field elapsed_ms "$(grep '^resume host=1 dom=i-2-11-VM' <<<"$out")")
[ "$e" -ge 300 ] && [ "$e" -le 2000 ] || fail "settle wait $e ms, want 300..2000"
grep -q '^host=1 rc=ok .* running=3 paused=1 ' <<<"$out" || fail "after resume: $out"
grep -q '^resume host=1 dom=i-2-10-VM rc=not-paused state=running ' <<<"$out" ||
	fail "resume of a running domain: $out"
grep -q '^resume host=1 dom=no-such-VM rc=vanished .*domain vanished: no-such-VM' <<<"$out" ||
	fail "resume of a missing domain: $out"
grep -q '^abort host=1 dom=i-2-13-VM rc=unsupported .*virDomainAbortJob' <<<"$out" ||
	fail "abort on the test driver: $out"
# a new connection gets a fresh private copy: paused again
"$PROBE" "$U" observe | grep -q '^host=1 rc=ok .* paused=2 ' ||
	fail "test:///file.xml copies are private per connection"
pass "resume -> running (unpaused) after the settle time; not-paused, vanished, unsupported abort"

# --- through the pure core ------------------------------------------------------
out=$("$PROBE" -s 200 -g 60000 "$U" sweep)
grep -q '^sweep host=1 dom=i-2-11-VM act=leave why=grace ' <<<"$out" || fail "grace: $out"
grep -q '^sweep host=1 dom=i-2-13-VM act=skip why=optout-marker ' <<<"$out" || fail "marker: $out"
! grep -q '^resume' <<<"$out" || fail "resumed inside the grace: $out"
out=$("$PROBE" -s 200 -g 0 "$U" sweep sweep)
grep -q '^sweep host=1 dom=i-2-11-VM act=resume why=resumable .*job info unsupported' <<<"$out" ||
	fail "sweep resume: $out"
grep -q '^resume host=1 dom=i-2-11-VM rc=resumed ' <<<"$out" || fail "sweep resume result: $out"
grep -q '^report host=1 dom=i-2-11-VM result=resumed' <<<"$out" || fail "report: $out"
expect_eq "second tick: only the opted-out domain" 1 \
    "$(grep -c '^sweep host=1 dom=i-2-11-VM' <<<"$out")"
expect_eq "opted-out twice" 2 "$(grep -c '^sweep host=1 dom=i-2-13-VM act=skip why=optout-marker' <<<"$out")"
pass "sweep: grace respected, opt-out skipped, resumable domain resumed once"
