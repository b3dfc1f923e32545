#!/bin/bash
# qemu-ioerror.sh check|up|again|fix|down|uri -- a REAL QEMU guest paused by
# an I/O error while a pull-mode backup job is open (deps.md 2.4, adapted to
# a machine without /dev/kvm and without a libvirt-qemu user).
#
#   check   print why this machine cannot run it and exit 1, else exit 0
#   up      start a per-"host" session libvirtd, then `guest`
#   daemon  only the session libvirtd (tests/lib/qemu-backup.sh adds domains)
#   again   destroy the guest and run `guest` again on the same daemon
#   fix     storage recovered: grow the tmpfs and delete the filler
#   down    destroy, stop qemu/virtlogd/libvirtd by PID, unmount
#   uri     print the libvirt URI
# (guest = fresh almost-full storage, boot, open a pull-mode backup job,
#  wait until QEMU pauses the domain with reason I/O error.)
#
# How, and why this way:
#   * No /dev/kvm: the domain is type='qemu' (TCG).  The guest is the boot
#     sector in sim/boot.S, so TCG's speed does not matter.
#   * The session daemon must not run as root (root means system mode with
#     machine-global state) and this machine has no libvirt-qemu user.  So
#     libvirtd runs as a private uid ($QUID, no entry in the real
#     /etc/passwd) inside its own mount namespace, where /etc/passwd and
#     /etc/group are bind-mounted copies that name that uid.  Nothing
#     outside the namespace changes.  HOME and XDG_RUNTIME_DIR under $S
#     isolate its state; LIBVIRT_DRIVER_DIR loads only the qemu driver.
#   * The disk is a sparse 64 MiB raw file on an 8 MiB tmpfs that a filler
#     leaves ~256 KiB free; error_policy='stop' turns ENOSPC into a pause.
#     It is a virtio disk: over SeaBIOS's IDE path a guest that was resumed
#     while storage was still full never wrote again after the fix (seen
#     here); over virtio-blk QEMU retries the request and the guest goes on.
#   * A push backup of this disk completes in milliseconds, so the job is
#     pull mode (NBD on a unix socket + scratch qcow2): it stays open until
#     aborted, the state a failed NAS backup leaves behind.
# Needs root, qemu-system-x86_64, libvirt's qemu driver, binutils, unshare.
set -euo pipefail
S=${S:?set S to a work directory}
QUID=${QUID:-64055}
DOM=${DOM:-i-2-30-VM}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
QDRV=/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so
URI="qemu+unix:///session?socket=$S/run/libvirt/libvirt-sock"
PAUSE_WAIT=${PAUSE_WAIT:-40}	# s: TCG boot + first writes, generous

v() { virsh -q -c "$URI" "$@"; }

running() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null) || return 1; [[ $s != Z* ]]; }

stop_pid() {	# PID: TERM, wait up to 3 s, KILL
	local p=${1:-} i
	[ -n "$p" ] && running "$p" || return 0
	kill -TERM "$p" 2>/dev/null || true
	for i in $(seq 1 60); do running "$p" || return 0; sleep 0.05; done
	kill -KILL "$p" 2>/dev/null || true
}

check() {
	local b
	[ "$(id -u)" -eq 0 ] || { echo "needs root (tmpfs mount, mount namespace)"; return 1; }
	for b in qemu-system-x86_64 libvirtd virsh as ld unshare setpriv mount fallocate; do
		command -v "$b" >/dev/null || { echo "$b not installed"; return 1; }
	done
	[ -e "$QDRV" ] || { echo "libvirt qemu driver missing ($QDRV)"; return 1; }
	! getent passwd "$QUID" >/dev/null ||
		{ echo "uid $QUID exists on this machine; set QUID to a free uid"; return 1; }
	unshare --mount --propagation private true 2>/dev/null ||
		{ echo "cannot create a mount namespace (unshare --mount)"; return 1; }
	return 0
}

up() {
	daemon
	guest
}

# daemon: the per-"host" session libvirtd only (no guest): qemu-backup.sh
# and the daemon tests create their own domains on it
daemon() {
	mkdir -p "$S/home" "$S/run" "$S/drivers" "$S/tiny" "$S/etc"
	as --32 "$HERE/sim/boot.S" -o "$S/boot.o"
	ld -m elf_i386 -Ttext 0x7c00 --oformat binary -o "$S/boot.bin" "$S/boot.o"
	ln -sf "$QDRV" "$S/drivers/"

	# the private user exists only inside the daemon's mount namespace
	cp /etc/passwd "$S/etc/passwd"
	cp /etc/group "$S/etc/group"
	echo "hwqemu:x:$QUID:$QUID:hawatch test qemu:$S/home:/usr/sbin/nologin" >> "$S/etc/passwd"
	echo "hwqemu:x:$QUID:" >> "$S/etc/group"
	chmod 644 "$S/etc/passwd" "$S/etc/group"
	chown -R "$QUID:$QUID" "$S/home" "$S/run"
	chmod 700 "$S/run"
	# the qemu user must reach $S through every directory above it (a
	# nested test dir is mode 700): add search permission where it lacks
	d=$S
	while [ "$d" != / ]; do
		[ -n "$(find "$d" -maxdepth 0 ! -perm -o+x)" ] && chmod o+x "$d"
		d=$(dirname "$d")
	done
	# mounted before the daemon's namespace is made, or it would not see it
	mountpoint -q "$S/tiny" || mount -t tmpfs -o size=8m,mode=0755 tmpfs "$S/tiny"

	# unshare, sh, setpriv and env all exec: $! is libvirtd's PID
	(cd "$S" && exec unshare --mount --propagation private -- /bin/sh -c '
		mount --bind "$1/etc/passwd" /etc/passwd &&
		mount --bind "$1/etc/group" /etc/group &&
		exec setpriv --reuid="$2" --regid="$2" --clear-groups \
		    env -i HOME="$1/home" XDG_RUNTIME_DIR="$1/run" \
		    PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		    LIBVIRT_DRIVER_DIR="$1/drivers" libvirtd' sh "$S" "$QUID" \
	    >"$S/libvirtd.out" 2>&1) &
	echo $! > "$S/daemon.pid"
	for _ in $(seq 1 200); do
		[ -S "$S/run/libvirt/libvirt-sock" ] && break
		running "$(cat "$S/daemon.pid")" ||
			{ cat "$S/libvirtd.out" >&2; echo "libvirtd died" >&2; return 1; }
		sleep 0.05
	done
	[ -S "$S/run/libvirt/libvirt-sock" ] || { echo "libvirtd socket missing" >&2; return 1; }
}

# fill KIB: a filler leaves about KIB KiB free on the tmpfs
fill() {
	local free_k
	rm -f "$S/tiny/filler"
	free_k=$(df --output=avail "$S/tiny" | tail -1 | tr -d ' ')
	if [ "$free_k" -gt "$1" ]; then
		fallocate -l $(( (free_k - $1) * 1024 )) "$S/tiny/filler"
	fi
}

guest() {
	local t0 n=$RANDOM
	# empty and shrink it in place (a remount reaches the daemon's namespace)
	rm -f "$S/tiny/disk.img" "$S/tiny/filler"
	mount -o remount,size=8m "$S/tiny"
	truncate -s 64M "$S/tiny/disk.img"
	dd if="$S/boot.bin" of="$S/tiny/disk.img" conv=notrunc status=none
	fill 256
	chown -R "$QUID:$QUID" "$S/tiny"

	sed -e "s|@DOM@|$DOM|; s|@S@|$S|g; s|@QEMU@|$(command -v qemu-system-x86_64)|" \
	    > "$S/vm.xml" <<'XML'
<domain type='qemu'>
  <name>@DOM@</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>@QEMU@</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw' cache='none' error_policy='stop' rerror_policy='stop'/>
      <source file='@S@/tiny/disk.img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <graphics type='vnc' socket='@S@/run/vnc.sock'/>
    <video><model type='none'/></video>
    <memballoon model='none'/>
  </devices>
</domain>
XML
	# pull mode: the job stays open until aborted (new names each time)
	sed -e "s|@S@|$S|g; s|@N@|$n|g" > "$S/backup.xml" <<'XML'
<domainbackup mode='pull'>
  <server transport='unix' socket='@S@/run/nbd-@N@.sock'/>
  <disks>
    <disk name='vda' backup='yes' type='file'>
      <scratch file='@S@/home/scratch-@N@.qcow2'/>
    </disk>
  </disks>
</domainbackup>
XML
	chmod 644 "$S/vm.xml" "$S/backup.xml"
	t0=$SECONDS
	v create "$S/vm.xml" >/dev/null
	v backup-begin "$DOM" "$S/backup.xml" >/dev/null
	for _ in $(seq 1 $((PAUSE_WAIT * 10))); do
		v domstate --reason "$DOM" | grep -q 'paused (I/O error)' && break
		sleep 0.1
	done
	v domstate --reason "$DOM" | grep -q 'paused (I/O error)' ||
		{ echo "guest not paused by I/O error after ${PAUSE_WAIT}s: $(v domstate --reason "$DOM")" >&2; return 1; }
	echo "paused (I/O error) $((SECONDS - t0)) s after create; $(v domblkerror "$DOM" | head -1)"
}

down() {
	local f
	if [ -S "$S/run/libvirt/libvirt-sock" ]; then
		timeout 10 virsh -q -c "$URI" destroy "$DOM" >/dev/null 2>&1 || true
	fi
	for f in "$S"/run/libvirt/qemu/run/*.pid; do
		[ -f "$f" ] && stop_pid "$(cat "$f")"
	done
	[ -f "$S/daemon.pid" ] && stop_pid "$(cat "$S/daemon.pid")"
	[ -f "$S/run/libvirt/virtlogd.pid" ] && stop_pid "$(cat "$S/run/libvirt/virtlogd.pid")"
	if mountpoint -q "$S/tiny"; then
		umount "$S/tiny" 2>/dev/null || umount -l "$S/tiny"
	fi
	return 0
}

case "${1:-}" in
check)	check ;;
up)	up ;;
daemon)	daemon ;;
again)	v destroy "$DOM" >/dev/null 2>&1 || true; guest ;;
fix)	mount -o remount,size=256m "$S/tiny"; rm -f "$S/tiny/filler" ;;
down)	down ;;
uri)	echo "$URI" ;;
*)	echo "usage: $0 check|up|daemon|again|fix|down|uri" >&2; exit 64 ;;
esac
