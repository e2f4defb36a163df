#!/usr/bin/env python3
"""Splits a RESP command stream (bench/feeder_load.py's) for a Redis Cluster, for redis-cli --pipe,
which talks to one node: the queue's key becomes its hash-tagged cluster name, and each command
goes to the file of the node that owns its key's slot.

    cluster_split.py IN OUT_PREFIX START-END... (one slot range per node, in node order)
"""
import sys

def crc16(data):  # CRC16/XMODEM, Redis Cluster's key hash
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc

def slot(key):
    s = key.find(b"{")
    if s >= 0:
        e = key.find(b"}", s + 1)
        if e > s + 1:
            key = key[s + 1:e]
    return crc16(key) % 16384

src, prefix, ranges = sys.argv[1], sys.argv[2], [tuple(map(int, r.split("-"))) for r in sys.argv[3:]]
outs = [open("%s-%d.resp" % (prefix, i), "wb", buffering=1 << 20) for i in range(len(ranges))]
cache = {}
with open(src, "rb", buffering=1 << 20) as f:
    while True:
        head = f.readline()
        if not head:
            break
        n = int(head[1:])
        args = []
        for _ in range(n):
            length = int(f.readline()[1:])
            args.append(f.read(length))
            f.read(2)
        if len(args) > 1 and args[1] == b"trk_queue":
            args[1] = b"{trk_queue}"
        key = args[1] if len(args) > 1 else b""
        sl = cache.get(key)
        if sl is None:
            sl = slot(key)
            if len(cache) < 100000:
                cache[key] = sl
        node = next(i for i, (a, b) in enumerate(ranges) if a <= sl <= b)
        out = outs[node]
        out.write(b"*%d\r\n" % len(args))
        for a in args:
            out.write(b"$%d\r\n%s\r\n" % (len(a), a))
for o in outs:
    o.close()
