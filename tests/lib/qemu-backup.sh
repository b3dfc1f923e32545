#!/bin/bash
# qemu-backup.sh guest|push|throttle|progress|state NAME [ARG] -- REAL QEMU
# push-mode backups on the session libvirtd of tests/lib/qemu-ioerror.sh
# (start it first with `qemu-ioerror.sh daemon`; same S and QUID).
#
#   guest NAME MIB     create domain NAME, paused from its start, with a raw
#                      virtio disk of MIB MiB of random data ($S/disks/NAME.img;
#                      the boot sector of sim/boot.S in its first 512 bytes)
#   push NAME BPS      begin a push-mode backup of vda to $OUT/NAME.raw and
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
# Throttling races the copy: begin + throttle (one virsh process) take a few
# ms here, during which a few MiB are copied; a disk in the page cache copies
# at ~500 MiB/s, hence disks of 512 MiB.
set -euo pipefail
S=${S:?set S to the qemu-ioerror.sh work directory}
# where backups are written: another filesystem than the disks' (QB_OUT, e.g.
# under /dev/shm) makes QEMU copy through its bounded buffers instead of
# copy_file_range, which on one filesystem queues most of a disk at once and
# can finish it before the throttle lands
OUT=${QB_OUT:-$S/out}
QUID=${QUID:-64055}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
URI="qemu+unix:///session?socket=$S/run/libvirt/libvirt-sock"

v() { virsh -q -c "$URI" "$@"; }

guest() {	# NAME MIB
	local name=$1 mib=$2
	mkdir -p "$S/disks" "$OUT"
	head -c "$((mib * 1024 * 1024))" /dev/urandom > "$S/disks/$name.img"
	dd if="$S/boot.bin" of="$S/disks/$name.img" conv=notrunc status=none
	chown -R "$QUID:$QUID" "$S/disks" "$OUT"
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
	rm -f "$OUT/$name.raw"
	sed -e "s|@OUT@|$OUT/$name.raw|" > "$S/push-$name.xml" <<'XML'
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
	if [ "$bps" -eq 0 ]; then
		v backup-begin "$name" "$S/push-$name.xml" >/dev/null
		return
	fi
	# one virsh process for both commands: a disk in the page cache copies
	# at RAM speed, and the throttle lands only once libvirt lets the
	# set-speed through (up to ~0.5 s: hundreds of MiB copied by then).
	# So: the job must still run, throttled, with less than 3/4 copied half
	# a second later; else wait for it to end and begin again (6 tries: on a
	# loaded machine one set-speed in three can land late).
	local try i p tot
	for try in 1 2 3 4 5 6; do
		rm -f "$OUT/$name.raw"
		v "backup-begin $name $S/push-$name.xml ; blockjob $name vda --bytes --bandwidth $bps" \
		    >/dev/null 2>&1 || true
		sleep 0.5
		if v blockjob "$name" vda --info 2>/dev/null | grep -q "Bandwidth limit: $bps bytes/s"; then
			p=$(progress "$name"); tot=$(v domjobinfo "$name" --rawstats | sed -n 's/^disk_total: //p')
			[ -n "$p" ] && [ -n "$tot" ] && [ "$p" -lt $((tot / 4 * 3)) ] && return 0
		fi
		for i in $(seq 1 60); do [ "$(job "$name")" = 0 ] && break; sleep 0.25; done
	done
	echo "qemu-backup.sh: push $name: no throttled backup job after 6 tries" >&2
	return 1
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
