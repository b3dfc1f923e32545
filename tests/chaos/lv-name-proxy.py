#!/usr/bin/env python3
# lv-name-proxy.py LISTEN TARGET -- a unix-socket relay in front of a libvirtd
# that rewrites the connection name a client asks for: the chaos suite's
# sweeper opens every simulated host as test+unix:///default?socket=..., and
# the one host whose hypervisor is a real QEMU session libvirtd
# (tests/lib/qemu-ioerror.sh daemon) must be opened as qemu:///session.
#
# libvirt's remote protocol sends the name in REMOTE_PROC_CONNECT_OPEN as an
# XDR string: a 4-byte length, then the bytes padded to 4.  "test:///default"
# and "qemu:///session" are both 15 bytes, so replacing one with the other
# (length prefix included) keeps every frame length right.  Client-to-daemon
# bytes are searched chunk by chunk: libvirt writes each RPC frame whole and
# the open frame is small, so it arrives in one read (holding bytes back to
# search across reads would stall a request/response protocol).  Nothing
# else is changed.
import os
import socket
import sys
import threading

OLD = b"\x00\x00\x00\x0ftest:///default"
NEW = b"\x00\x00\x00\x0fqemu:///session"
assert len(OLD) == len(NEW)


def relay(src, dst, rewrite):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data.replace(OLD, NEW) if rewrite else data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(listen, target):
    try:
        os.unlink(listen)
    except FileNotFoundError:
        pass
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(listen)
    srv.listen(16)
    while True:
        cli, _ = srv.accept()
        up = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            up.connect(target)
        except OSError:
            cli.close()
            up.close()
            continue
        threading.Thread(target=relay, args=(cli, up, True), daemon=True).start()
        threading.Thread(target=relay, args=(up, cli, False), daemon=True).start()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: lv-name-proxy.py LISTEN_SOCKET TARGET_SOCKET")
    serve(sys.argv[1], sys.argv[2])
