#!/bin/sh
# run.sh -- `make package-test`: build the Debian package (nocheck), check
# it with lintian, install it on this machine with dpkg -i, check the
# installed binary and unit, then remove and purge it and check what is
# left.  Needs root (dpkg -i).  Refuses to run when a hawatch package is
# already installed that this test did not install.
#
# Checks:
#   lintian: no error or warning (overrides: debian/hawatch.lintian-overrides)
#   hawatch --version names the package version and the libraries
#   the package created the hawatch user; the conffile is hawatch's, mode 600
#   systemd-analyze verify passes on the installed unit
#   systemd-analyze security --offline=yes: the installed unit (with its
#     drop-in) scores no worse than init/hawatch.service as it is today
#   dpkg -r leaves no packaged file but the conffile; dpkg --purge removes it
set -eu
cd "$(dirname "$0")/../.."
top=$(pwd)
T=$(mktemp -d /tmp/hawatch-pkgtest.XXXXXX)
installed_by_us=0

fail() { echo "package-test: FAIL: $*" >&2; exit 1; }
pass() { echo "package-test: ok: $*"; }
cleanup() {
	if [ "$installed_by_us" = 1 ]; then
		dpkg --purge hawatch >/dev/null 2>&1 || true
	fi
	rm -rf "$T"
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || fail "needs root for dpkg -i"
if dpkg-query -W -f='${Status}' hawatch 2>/dev/null | grep -q installed; then
	fail "a hawatch package is already installed here; not touching it"
fi

DEB_BUILD_OPTIONS="nocheck${DEB_BUILD_OPTIONS:+ $DEB_BUILD_OPTIONS}" \
	./scripts/make-deb.sh >/dev/null
ver=$(dpkg-parsechangelog -S Version)
deb=$(ls "$top"/build/hawatch_"$ver"_*.deb)
pass "built $(basename "$deb")"

lintian --fail-on error,warning "$deb" >"$T/lintian" 2>&1 ||
	{ cat "$T/lintian" >&2; fail "lintian"; }
pass "lintian clean (with documented overrides)"

# packaged files (not directories), as absolute paths
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }' \
	>"$T/files"
conffile=/etc/hawatch/hawatch.conf
grep -qx "$conffile" "$T/files" || fail "package lacks $conffile"

score() {
	(cd "$(dirname "$1")" && systemd-analyze security --offline=yes "$1" \
	    2>/dev/null) | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p'
}
mkdir -p "$T/today"
sed 's|/usr/local/|/usr/|g' init/hawatch.service >"$T/today/hawatch.service"
# before dpkg -i: offline analysis also reads drop-ins installed for
# the same unit name
s_today=$(score "$T/today/hawatch.service")

installed_by_us=1
dpkg -i "$deb" >"$T/dpkg-i" 2>&1 || { cat "$T/dpkg-i" >&2; fail "dpkg -i"; }
pass "dpkg -i"

/usr/sbin/hawatch --version >"$T/version" || fail "hawatch --version exit $?"
grep -q "^hawatch ${ver%%-*}\$" "$T/version" &&
	grep -q "OpenSSL" "$T/version" && grep -q "libvirt" "$T/version" ||
	{ cat "$T/version" >&2; fail "hawatch --version output"; }
pass "hawatch --version: $(head -1 "$T/version")"

getent passwd hawatch >/dev/null || fail "no hawatch user"
[ "$(stat -c %U:%a "$conffile")" = hawatch:600 ] ||
	fail "$conffile is $(stat -c %U:%a "$conffile"), want hawatch:600"
pass "hawatch user; $conffile hawatch:600"

unit=/lib/systemd/system/hawatch.service
systemd-analyze verify "$unit" >"$T/verify" 2>&1 ||
	{ cat "$T/verify" >&2; fail "systemd-analyze verify $unit"; }
grep -q '^User=hawatch' "$unit.d/debian-user.conf" || fail "no User= drop-in"
pass "systemd-analyze verify"

s_pkg=$(score "$unit")
[ -n "$s_today" ] && [ -n "$s_pkg" ] || fail "no security score"
awk -v a="$s_pkg" -v b="$s_today" 'BEGIN { exit !(a <= b) }' ||
	fail "installed unit exposure $s_pkg worse than today's $s_today"
pass "systemd-analyze security: installed $s_pkg <= today's $s_today"

dpkg -r hawatch >"$T/dpkg-r" 2>&1 || { cat "$T/dpkg-r" >&2; fail "dpkg -r"; }
left=""
while read -r f; do
	[ "$f" = "$conffile" ] && continue
	[ -e "$f" ] && left="$left $f"
done <"$T/files"
[ -z "$left" ] || fail "dpkg -r left:$left"
[ -f "$conffile" ] || fail "dpkg -r removed the conffile"
pass "dpkg -r leaves only $conffile"

dpkg --purge hawatch >"$T/dpkg-p" 2>&1 || { cat "$T/dpkg-p" >&2; fail "purge"; }
installed_by_us=0
[ ! -e "$conffile" ] && [ ! -e /etc/hawatch ] || fail "purge left /etc/hawatch"
! dpkg-statoverride --list "$conffile" >/dev/null || fail "statoverride left"
pass "dpkg --purge removes the conffile and its owner override"
