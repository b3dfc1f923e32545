#!/bin/bash
# t_heartbeat_nfs_stale_v3.sh -- t_heartbeat_nfs_stale.sh over NFSv3: a
# stale root handle (NFS3ERR_STALE on every call) makes a fresh context.
export NFS_VERSION=3
exec bash "$(dirname "$0")/t_heartbeat_nfs_stale.sh" "$@"
