#!/bin/bash
# t_daemon_nfs_stall_v3.sh -- t_daemon_nfs_stall.sh with the pool on NFSv3
# (version=3, fixed NFS and MOUNT ports in the URL).
export NFS_VERSION=3
exec bash "$(dirname "$0")/t_daemon_nfs_stall.sh" "$@"
