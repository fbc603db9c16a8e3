"""Counts the QUIC packets a lab host receives from one peer address, by kind and size.

Run inside the host's namespace: quic-packet-kinds.py PEER_IP SECONDS. Prints one line per
(source, destination, kind, size) with its count: long-header packets by type (Initial,
0-RTT, Handshake, Retry), short-header ones as `short` (1-RTT data, or a stateless reset,
which looks the same). Needs root (a raw packet socket on eth0).
"""
import collections
import socket
import struct
import sys
import time

LONG_TYPES = ['Initial', '0-RTT', 'Handshake', 'Retry']

peer, seconds = sys.argv[1], float(sys.argv[2])
sniffer = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(0x0800))
sniffer.bind(('eth0', 0))
sniffer.settimeout(0.5)
counts = collections.Counter()
deadline = time.time() + seconds
while time.time() < deadline:
    try:
        ip = sniffer.recv(65535)[14:]
    except socket.timeout:
        continue
    if ip[9] != 17 or socket.inet_ntoa(ip[12:16]) != peer:
        continue
    header = (ip[0] & 15) * 4
    source_port, destination_port = struct.unpack('!HH', ip[header:header + 4])
    payload = ip[header + 8:]
    if not payload:
        continue
    kind = LONG_TYPES[(payload[0] >> 4) & 3] if payload[0] & 0x80 else 'short'
    destination = socket.inet_ntoa(ip[16:20])
    counts[(f'{peer}:{source_port}', f'{destination}:{destination_port}', kind, len(payload))] += 1
for (source, destination, kind, size), count in sorted(counts.items()):
    print(f'{count} x {kind} {size} B {source} -> {destination}')
