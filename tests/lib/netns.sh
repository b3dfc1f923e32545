# netns.sh -- run a test in its own network and mount namespace, with a
# private rpcbind (sourced, after common.sh).
#
# NFSv3 needs rpcbind: ganesha exits at start when it cannot register v3,
# and rpcbind always binds 0.0.0.0:111 and [::]:111 (-h 127.0.0.1
# crashes; reference/deps.md 1.1).  A namespace whose only interface is
# lo keeps that portmapper, and everything else the test starts, off the
# machine's network, and lets v3 tests run next to each other.
#
#   netns_enter "$@"   first thing after sourcing: re-runs this script
#                      inside `unshare -n -m` (skip, exit 77, if that is
#                      not possible), then inside: lo up, a tmpfs on /run
#                      (rpcbind's socket and lock, /run/ganesha stay there)
#   netns_rpcbind      start rpcbind -f in the namespace (tracked)

netns_enter() {
	if [ -z "${HAWATCH_NETNS:-}" ]; then
		command -v rpcbind >/dev/null || skip "rpcbind not installed"
		unshare -n -m true 2>/dev/null || skip "cannot unshare net+mount namespaces (not root?)"
		trap - EXIT		# the inner run owns $T and cleans it
		HAWATCH_NETNS=1 T=$T exec unshare -n -m --propagation private \
		    bash "$0" "$@"
	fi
	ip link set lo up
	# getaddrinfo(AI_ADDRCONFIG), as ganesha resolves Bind_addr, wants
	# one address that is not loopback; TEST-NET-1, on lo, reaches nothing
	ip addr add 192.0.2.1/32 dev lo
	mount -t tmpfs -o mode=0755 hawatch-run /run
}

netns_rpcbind() {
	local end=$((SECONDS + 10))
	mkdir -p /run/rpcbind
	chown _rpc /run/rpcbind 2>/dev/null || true
	rpcbind -f -w &
	track $!
	until (exec 3<>/dev/tcp/127.0.0.1/111) 2>/dev/null; do
		[ $SECONDS -ge $end ] && fail "rpcbind did not start"
		sleep 0.05
	done
}
