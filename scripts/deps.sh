#!/bin/sh
# deps.sh -- install the Debian 12 packages hawatch needs to build, test and demo.
#
# Idempotent: packages already present are skipped, and apt runs only when
# something is missing.  Used by `make deps` (and so by `make check` and
# `make demo`) and by .ci/run.  Needs root or sudo for the install itself.
set -eu

PKGS="
build-essential pkg-config
libmariadb-dev libmariadb-dev-compat mariadb-server mariadb-client
libconfig-dev check libsubunit-dev
libnfs-dev libnfs-utils nfs-ganesha nfs-ganesha-vfs rpcbind util-linux
libfreeipmi-dev libipmiconsole-dev freeipmi-tools openipmi socat
libvirt-dev libvirt-daemon libvirt-clients libvirt-daemon-driver-qemu
qemu-system-x86 qemu-utils binutils
libsystemd-dev valgrind nftables iproute2 procps bc python3 fuse3
libssl-dev python3-cryptography mandoc libjansson-dev
libmicrohttpd-dev curl prometheus
debhelper dpkg-dev lintian systemd adduser git
spin
"

missing=""
for p in $PKGS; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$s" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

echo "deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# Daemons must not start on install: the tests start their own on loopback.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
	$SUDO chmod 755 /usr/sbin/policy-rc.d
	trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
