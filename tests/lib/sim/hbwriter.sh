#!/bin/bash
# hbwriter.sh -- the "simulated host": a CloudStack-style KVM heartbeat writer.
#
# usage: hbwriter.sh [TARGET [INTERVAL_MS]]   (or env HB_TARGET, HB_INTERVAL_MS)
#
# Rewrites TARGET every INTERVAL_MS (default 1000) with one line of epoch
# seconds, the format CloudStack's kvmheartbeat.sh writes to
# <export>/KVMHA/hb-<ip>.  Writes go to a temp file in the same directory
# and are renamed over TARGET, so a reader never sees a torn line.  Epoch
# seconds change only once a second, so with shorter intervals only the
# file's mtime moves between seconds; hawatch treats content OR mtime change
# as liveness.
#
# It runs until killed.  chassis.sh starts it with setsid (its own process
# group) and "powers the host off" by SIGKILLing that group.
target=${1:-${HB_TARGET:?hbwriter.sh: no target file}}
ms=${2:-${HB_INTERVAL_MS:-1000}}
case $ms in ''|*[!0-9]*) echo "hbwriter.sh: bad interval '$ms'" >&2; exit 2;; esac
[ "$ms" -gt 0 ] || { echo "hbwriter.sh: interval must be > 0" >&2; exit 2; }
nap=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
tmp="$target.tmp.$$"
while :; do
	printf -v now '%(%s)T' -1
	if printf '%s\n' "$now" > "$tmp"; then
		mv -f "$tmp" "$target"
	fi
	sleep "$nap"
done
