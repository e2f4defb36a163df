#!/usr/bin/env python3
"""Writes N distinct tracking paths (half opens, half clicks) in the original's link format."""
import base64, json, sys, zlib

n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
for i in range(n):
    if i % 2 == 0:
        d = {"act": "o", "t_url": "", "msg_id": "0000%016x" % i, "rcpt": "r%d@example.com" % i}
    else:
        d = {"act": "c", "t_url": "https://example.com/landing/%d?utm_source=mail" % i,
             "msg_id": "0000%016x" % i, "rcpt": "r%d@example.com" % i}
    payload = zlib.compress(json.dumps(d, separators=(",", ":")).encode())
    print("/" + base64.urlsafe_b64encode(payload).decode())
