#!/usr/bin/env python3
# dnsblackhole.py ADDR -- a "name server" on ADDR:53 (UDP and TCP) that
# reads every query and never answers: every DNS lookup through it hangs
# for the resolver's full timeout (t_daemon_resolve.sh).
import socket
import sys
import threading

addr = sys.argv[1]
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind((addr, 53))
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind((addr, 53))
tcp.listen(16)
held = []


def accept():
    while True:
        c, _ = tcp.accept()
        held.append(c)		# keep it open, say nothing


threading.Thread(target=accept, daemon=True).start()
while True:
    udp.recvfrom(4096)
