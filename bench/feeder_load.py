#!/usr/bin/env python3
"""Writes Redis commands (RESP, for redis-cli --pipe) that queue N tracker events on trk_queue and
store the accounting record of each event's message (msgID_<id>, as acct_etl stores them).
The events are a minute old: a backlog, as after an outage or a feeder restart."""
import sys, time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000
out = sys.stdout.buffer


def cmd(*parts):
    b = [b"*%d\r\n" % len(parts)]
    for p in parts:
        p = p if isinstance(p, bytes) else str(p).encode()
        b.append(b"$%d\r\n%s\r\n" % (len(p), p))
    out.write(b"".join(b))


ts = int(time.time()) - 60
batch = []
for i in range(n):
    msg = "0000%016x" % i
    cmd("SET", "msgID_" + msg, '{"dlvSourceIp":"10.0.0.%d","header_x-sp-subaccount-id":"%d","jobId":"campaign-%d",'
        '"orig":"news@example.com","rcpt":"rcpt%07d@example.org","vmtaPool":"pool%d"}' % (i % 250, i % 10, i % 50, i, i % 4),
        "EX", 864000)
    if i % 2 == 0:
        e = '{"WD":{"act":"o","t_url":"","msg_id":"%s","rcpt":"rcpt%07d@example.org"},"ts":"%d","ua":"Mozilla/5.0 (bench)","ip":"198.51.100.%d","event_id":"%d"}' % (msg, i, ts, i % 250, 10**12 + i)
    else:
        e = '{"WD":{"act":"c","t_url":"https://example.com/landing/%d?utm_source=mail","msg_id":"%s","rcpt":"rcpt%07d@example.org"},"ts":"%d","ua":"Mozilla/5.0 (bench)","ip":"198.51.100.%d","event_id":"%d"}' % (i, msg, i, ts, i % 250, 10**12 + i)
    batch.append(e)
    if len(batch) == 1000:
        cmd("RPUSH", "trk_queue", *batch)
        batch = []
if batch:
    cmd("RPUSH", "trk_queue", *batch)
