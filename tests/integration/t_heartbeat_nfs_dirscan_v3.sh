#!/bin/bash
# t_heartbeat_nfs_dirscan_v3.sh -- t_heartbeat_nfs_dirscan.sh over NFSv3.
export NFS_VERSION=3
exec bash "$(dirname "$0")/t_heartbeat_nfs_dirscan.sh" "$@"
