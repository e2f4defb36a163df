#!/usr/bin/env python3
"""Writes Redis commands (RESP, for redis-cli --pipe) that queue N tracker events on trk_queue and
store the accounting record of each event's message (msgID_<id>, as acct_etl stores them).
The events are a minute old: a backlog, as after an outage or a feeder restart; their messages
were delivered an hour before."""
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
logged = time.strftime("%Y-%m-%d %H:%M:%S+0000", time.gmtime(ts - 3600))  # delivered an hour before
# user agents and addresses as opens and clicks bring them: 1,000 distinct agents (browsers and
# mail clients of many versions, Apple's privacy proxy, Gmail's and Yahoo's proxies), and a quarter
# of the addresses inside the ranges of the GeoIP2 test database (London, Milton WA, Linkoping)
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.%d.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E%d",
    "Mozilla/5.0 (Linux; Android 14; SM-S9%02dB) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_%d) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.%d Safari/605.1.15",
    "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.%d; Pro) %d",
]
agents = ["Mozilla/5.0", "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
          "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html"]
for k in range(997):
    agents.append(AGENTS[k % len(AGENTS)] % (k // len(AGENTS) % 40 + 100, k))
PLACES = ["81.2.69.%d" % (160 + k) for k in range(32)] + ["216.160.83.%d" % (56 + k) for k in range(8)] + \
         ["89.160.20.%d" % (128 + k) for k in range(100)]


def ua(i):
    # Apple's proxy and the two providers' proxies a third of the events, as in a real campaign
    return agents[i % 3] if i % 9 < 3 else agents[3 + (i * 7919) % 997]


def ip(i):
    if i % 9 == 0:
        return "17.58.%d.%d" % (i >> 8 & 0xff, i & 0xff)  # Apple's privacy proxy (its agent: Mozilla/5.0)
    return PLACES[i % len(PLACES)] if i % 4 == 0 else "198.51.100.%d" % (i % 250)
batch = []
for i in range(n):
    msg = "0000%016x" % i
    cmd("SET", "msgID_" + msg, '{"dlvSourceIp":"10.0.0.%d","header_x-sp-subaccount-id":"%d","jobId":"campaign-%d",'
        '"orig":"news@example.com","rcpt":"rcpt%07d@example.org","timeLogged":"%s","vmtaPool":"pool%d"}' % (i % 250, i % 10, i % 50, i, logged, i % 4),
        "EX", 864000)
    if i % 2 == 0:
        e = '{"WD":{"act":"o","t_url":"","msg_id":"%s","rcpt":"rcpt%07d@example.org"},"ts":"%d","ua":"%s","ip":"%s","event_id":"%d"}' % (msg, i, ts, ua(i), ip(i), 10**12 + i)
    else:
        e = '{"WD":{"act":"c","t_url":"https://example.com/landing/%d?utm_source=mail","msg_id":"%s","rcpt":"rcpt%07d@example.org"},"ts":"%d","ua":"%s","ip":"%s","event_id":"%d"}' % (i, msg, i, ts, ua(i), ip(i), 10**12 + i)
    batch.append(e)
    if len(batch) == 1000:
        cmd("RPUSH", "trk_queue", *batch)
        batch = []
if batch:
    cmd("RPUSH", "trk_queue", *batch)
