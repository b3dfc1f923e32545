#!/bin/sh
# make-deb.sh -- build the Debian package into build/ (`make deb`).
#
# dpkg-buildpackage writes its results into the parent of the source tree,
# so the tree (tracked and untracked-but-not-ignored files, as they are in
# the worktree now) is copied to build/deb/hawatch-<version>/ and built
# there: every output stays under build/.  The .deb files are then moved
# to build/.  DEB_BUILD_OPTIONS (e.g. nocheck) is passed through.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)

ver=$(dpkg-parsechangelog -S Version)
work=$top/build/deb
src=$work/hawatch-$ver
rm -rf "$work"
mkdir -p "$src"
git ls-files -z --cached --others --exclude-standard |
	xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
	tar --null -T - -cf - | tar -xf - -C "$src"

(cd "$src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1 || {
	tail -40 "$work/build.log" >&2
	echo "make-deb: dpkg-buildpackage failed; log: $work/build.log" >&2
	exit 1
}
rm -f "$top"/build/hawatch_*.deb "$top"/build/hawatch-dbgsym_*.deb
mv "$work"/*.deb "$top/build/"
ls "$top"/build/*.deb
