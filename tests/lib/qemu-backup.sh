#!/bin/bash
# qemu-backup.sh guest|push|throttle|progress|state NAME [ARG] -- REAL QEMU
# push-mode backups on the session libvirtd of tests/lib/qemu-ioerror.sh
# (start it first with `qemu-ioerror.sh daemon`; same S and QUID).
#
#   guest NAME MIB     create domain NAME, paused from its start, with a raw
#                      virtio disk of MIB MiB of random data ($S/disks/NAME.img;
#                      the boot sector of sim/boot.S in its first 512 bytes)
#   push NAME BPS      begin a push-mode backup of vda to $S/out/NAME.raw and
#                      throttle it at once to BPS bytes/s (0: unthrottled)
#   throttle NAME BPS  change the throttle of the running backup
#   progress NAME      print disk_processed (empty when no job)
#   job NAME           print the job type (0 none, 2 unbounded)
#
# The recipe (issue 12, proven here on libvirt 9.0 / QEMU 7.2, TCG):
#   virsh backup-begin DOM push.xml           <domainbackup mode='push'>
#   virsh blockjob DOM vda --bytes --bandwidth N   throttles the backup job
#   virsh domjobinfo DOM --rawstats           operation 9, disk_total,
#                                             disk_processed, disk_remaining
#                                             (no data_* counter at all)
# A paused domain's block jobs keep running, so a backup moves while the
# guest is paused (as a NAS backup of a domain paused by ENOSPC does).
# Random data, so QEMU cannot skip zero clusters: unthrottled, 512 MiB takes
# seconds; at 4 MiB/s about two minutes; at 1 byte/s it never moves (QEMU's
# rate limit rounds to whole clusters) and is a stalled job.
# Throttling races the copy: begin + throttle take ~100 ms here, during which
# ~40 MiB are copied, hence disks of 512 MiB.
set -euo pipefail
S=${S:?set S to the qemu-ioerror.sh work directory}
QUID=${QUID:-64055}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
URI="qemu+unix:///session?socket=$S/run/libvirt/libvirt-sock"

v() { virsh -q -c "$URI" "$@"; }

guest() {	# NAME MIB
	local name=$1 mib=$2
	mkdir -p "$S/disks" "$S/out"
	head -c "$((mib * 1024 * 1024))" /dev/urandom > "$S/disks/$name.img"
	dd if="$S/boot.bin" of="$S/disks/$name.img" conv=notrunc status=none
	chown -R "$QUID:$QUID" "$S/disks" "$S/out"
	sed -e "s|@DOM@|$name|; s|@IMG@|$S/disks/$name.img|; s|@S@|$S|g; s|@QEMU@|$(command -v qemu-system-x86_64)|" \
	    > "$S/$name.xml" <<'XML'
<domain type='qemu'>
  <name>@DOM@</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <devices>
    <emulator>@QEMU@</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' cache='none'/>
      <source file='@IMG@'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <graphics type='vnc' socket='@S@/run/vnc-@DOM@.sock'/>
    <video><model type='none'/></video>
    <memballoon model='none'/>
  </devices>
</domain>
XML
	chmod 644 "$S/$name.xml"
	# paused from the start: the guest never burns a CPU under TCG
	v create --paused "$S/$name.xml" >/dev/null
}

push() {	# NAME BPS
	local name=$1 bps=$2
	rm -f "$S/out/$name.raw"
	sed -e "s|@OUT@|$S/out/$name.raw|" > "$S/push-$name.xml" <<'XML'
<domainbackup mode='push'>
  <disks>
    <disk name='vda' backup='yes' type='file'>
      <target file='@OUT@'/>
      <driver type='raw'/>
    </disk>
  </disks>
</domainbackup>
XML
	chmod 644 "$S/push-$name.xml"
	v backup-begin "$name" "$S/push-$name.xml" >/dev/null
	[ "$bps" -eq 0 ] || throttle "$name" "$bps"
}

throttle() { v blockjob "$1" vda --bytes --bandwidth "$2"; }
progress() { v domjobinfo "$1" --rawstats | sed -n 's/^disk_processed: //p'; }
job() { v domjobinfo "$1" --rawstats | sed -n 's/^Job type: //p'; }

cmd=${1:-}
shift || true
case "$cmd" in
guest|push|throttle|progress|job) "$cmd" "$@" ;;
*)	echo "usage: $0 guest NAME MIB | push NAME BPS | throttle NAME BPS | progress NAME | job NAME" >&2; exit 64 ;;
esac
