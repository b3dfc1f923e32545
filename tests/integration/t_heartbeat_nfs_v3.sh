#!/bin/bash
# t_heartbeat_nfs_v3.sh -- t_heartbeat_nfs.sh's stories (values, rewrites,
# garbage, symlinks, hung, dead and restarted server, nothing listening,
# black hole, export subdirectory) over NFSv3: ganesha serves v3 with
# fixed NFS and MOUNT ports, the pool URL names both (nfsport, mountport),
# so the reader never asks a portmapper; rpcbind runs only because ganesha
# will not serve v3 without registering, in the test's own namespace.
export NFS_VERSION=3
exec bash "$(dirname "$0")/t_heartbeat_nfs.sh" "$@"
