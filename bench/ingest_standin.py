#!/usr/bin/env python3
"""A local stand-in for the SparkPost Ingest API, for bench/feeder.sh.

Answers POST /api/v1/ingest/events with 200 and a results id at once (or 503 to the first
--fail-first requests), gunzips each batch and counts its events and distinct event ids.
GET /stats returns the counts as JSON.
"""
import argparse, gzip, json, re, threading, time, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EVENT_ID = re.compile(rb'"event_id":"(\d+)"')
lock = threading.Lock()
stats = {"requests": 0, "failed": 0, "events": 0, "distinct": 0, "first": None, "last": None}
seen = set()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            stats["requests"] += 1
            fail = stats["requests"] <= args.fail_first
            if fail:
                stats["failed"] += 1
        if fail:
            self.answer(503, {"errors": [{"message": "stand-in: try again"}]})
            return
        # answer at once, count afterwards: the feeder must not wait for the stand-in's bookkeeping
        self.answer(200, {"results": {"id": str(uuid.uuid4())}})
        self.wfile.flush()
        ndjson = gzip.decompress(body)
        ids = EVENT_ID.findall(ndjson)
        if args.save:
            with lock:
                saved.write(ndjson)
        with lock:
            stats["events"] += len(ids)
            seen.update(ids)
            stats["distinct"] = len(seen)
            now = time.time()
            stats["first"] = stats["first"] or now
            stats["last"] = now

    def do_GET(self):
        with lock:
            if saved:
                saved.flush()
            self.answer(200, stats)

    def answer(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *a):
        pass


p = argparse.ArgumentParser()
p.add_argument("--port", type=int, default=18890)
p.add_argument("--fail-first", type=int, default=0)
p.add_argument("--save", help="append each batch's NDJSON to this file (the gzip -1 reference of bench/feeder.sh)")
args = p.parse_args()
saved = open(args.save, "wb", buffering=1 << 20) if args.save else None
ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()
