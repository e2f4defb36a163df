#!/bin/sh
# feeder end to end: 1,000,000 events queued in Redis with their accounting keys, then the time
# until a local Ingest stand-in (answering 200 at once) has received every event. A second run
# has the stand-in answer 503 to its first 5 requests and shows every event received exactly once.
# The reference, in the same run: `gzip -1` of the very NDJSON the feeder sent (the stand-in saves
# it), as events/s; the figure is the feeder's events/s end to end over that. The events carry
# 1,000 distinct user agents and addresses a quarter of which the GeoIP2 test database knows, so
# the classification steps (user agents, machine rules, GeoIP, mailbox providers) do real work.
#
#   mvn -q package -DskipTests && bench/feeder.sh [events]
#
# Needs redis-tools and python3 (Debian: apt-get install redis-tools python3).
set -eu
cd "$(dirname "$0")/.."
events=${1:-1000000}
out=bench/out
jar=target/pmta-tracking.jar
redis_port=${BENCH_REDIS_PORT:-6397}
api_port=${BENCH_API_PORT:-18890}
mkdir -p "$out"
. bench/common.sh
[ -f "$jar" ] || { echo "build first: mvn -q package -DskipTests" >&2; exit 1; }
for tool in redis-cli python3; do command -v $tool >/dev/null || { echo "needs $tool" >&2; exit 1; }; done


# BENCH_NO_CLASSIFY=1: the shipped route without its four classification steps (user agents,
# machine rules, GeoIP, mailbox providers), the comparison for what classification costs
home=$PWD
if [ -n "${BENCH_NO_CLASSIFY:-}" ]; then
  home="$PWD/$out/feeder-home"
  rm -rf "$home" && mkdir -p "$home/routes" && cp -r config "$home/" && cp routes/retry-policy.yaml "$home/routes/"
  python3 - routes/feeder.yaml "$home/routes/feeder.yaml" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
for bean in ("userAgents", "machineEngagement", "geoIp", "mailboxProviders"):
    s, n = re.subn(r"              - bean:\n                  ref: %s\n                  method: \w+\n" % bean, "", s)
    assert n == 1, bean
open(sys.argv[2], "w").write(s)
PY
fi

load="$out/feeder-load-v2-$events.resp"
[ -f "$load" ] || python3 bench/feeder_load.py "$events" > "$load"
# BENCH_CLUSTER=1: three masters in a cluster; the load split by slot, one file per node
if [ -n "${BENCH_CLUSTER:-}" ]; then
  start_redis_cluster 7321 "$out/redis-cluster"
  ports="7321 7322 7323"
  ranges=$(for p in $ports; do redis-cli -p "$p" cluster nodes | awk '/myself/ {print $9}'; done | tr '\n' ' ')
  python3 bench/cluster_split.py "$load" "$out/feeder-load-cluster" $ranges
  queue="{trk_queue}"; cli="redis-cli -c -p 7321"; suffix=-cluster
else
  start_redis "$redis_port" "$out/redis-feeder.log"
  redis_env="REDIS_URL=redis://127.0.0.1:$redis_port"
  ports=$redis_port
  queue=trk_queue; cli="redis-cli -p $redis_port"; suffix=""
fi

load_redis() {
  if [ -n "${BENCH_CLUSTER:-}" ]; then
    i=0
    for p in $ports; do
      redis-cli -p "$p" flushall >/dev/null
      redis-cli -p "$p" --pipe < "$out/feeder-load-cluster-$i.resp" >/dev/null
      i=$((i + 1))
    done
  else
    redis-cli -p "$redis_port" flushall >/dev/null
    redis-cli -p "$redis_port" --pipe < "$load" >/dev/null
  fi
}

run() { # label fail_first [save file]
  load_redis
  queued=$($cli llen "$queue")
  python3 bench/ingest_standin.py --port "$api_port" --fail-first "$2" ${3:+--save "$3"} &
  api_pid=$!
  sleep 0.5
  start=$(date +%s.%N)
  env $redis_env REDIS_EMBEDDED=false FEEDER_POLL_MS=200 FEEDER_RETRY_MAX_SECONDS=2 \
    FEEDER_GEOIP_DATABASE="$PWD/src/test/resources/geoip/GeoIP2-City-Test.mmdb" \
    SPARKPOST_HOST_INGEST="http://127.0.0.1:$api_port" SPARKPOST_API_KEY_INGEST=bench-key \
    JAVA_OPTS="${JAVA_OPTS:--Xmx512m -XX:+UseParallelGC} ${BENCH_JFR:-}" PMTA_HOME="$home" PMTA_JAR="${PMTA_JAR:-$PWD/$jar}" bin/feeder -id bench -logfile "$PWD/$out/feeder-$1.log" > /dev/null 2>&1 &
  feeder_pid=$!
  while :; do
    got=$(curl -s "http://127.0.0.1:$api_port/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["events"])')
    [ "$got" -ge "$queued" ] && break
    sleep 0.2
  done
  end=$(date +%s.%N)
  sleep 1
  stats=$(curl -s "http://127.0.0.1:$api_port/stats")
  left=$($cli eval "return redis.call('llen',KEYS[1]) + redis.call('llen',KEYS[2])" 2 "$queue" "$queue:inflight:bench")
  kill "$feeder_pid" "$api_pid" 2>/dev/null || true
  wait "$feeder_pid" 2>/dev/null || true
  echo "$stats" | python3 -c "
import json, sys
s = json.load(sys.stdin); q = $queued; t = $end - $start
print('%s: %d events queued; stand-in received %d events (%d distinct) in %d requests (%d answered 503)' % ('$1', q, s['events'], s['distinct'], s['requests'], s['failed']))
print('  %.0f events/s end to end (%.2f s from feeder start, JVM start included); lost: %d; received twice: %d; left in Redis: $left' % (q / t, t, q - s['distinct'], s['events'] - s['distinct']))
open('$out/feeder-$1.rate', 'w').write('%.0f %d\n' % (q / t, q - s['distinct']))
"
}

ndjson="$out/feeder-sent.ndjson"
rm -f "$ndjson"
run "all-200" 0 "$ndjson"
run "first-5-503" 5
echo "== reference: gzip -1 of the same NDJSON ($(wc -c < "$ndjson") bytes, $(wc -l < "$ndjson") events)"
# the median of 3 runs: one run alone varied 384k-512k events/s here
gtimes=""
for i in 1 2 3; do
  gs=$(date +%s.%N)
  gzip -1 < "$ndjson" > /dev/null
  ge=$(date +%s.%N)
  gtimes="$gtimes $(awk -v s="$gs" -v e="$ge" 'BEGIN { print e - s }')"
done
gstart=0; gend=$(echo $gtimes | tr ' ' '\n' | sort -n | sed -n 2p)
read rate lost < "$out/feeder-all-200.rate"
awk -v r="$rate" -v lost="$lost" -v n="$(wc -l < "$ndjson")" -v s="$gstart" -v e="$gend" 'BEGIN {
  g = n / (e - s)
  printf "gzip -1: %.0f events/s | feeder: %.0f events/s | ratio %.2f\n", g, r, r / g
  printf "RESULT feeder'"$suffix${BENCH_NO_CLASSIFY:+-no-classify}"' %.3f feeder %.0f events/s end to end, gzip -1 of the same NDJSON %.0f events/s, lost %d\n", r / g, r, g, lost
}'
rm -f "$ndjson"
echo "original feeder: ~8,000 events/s, 24% of events lost when the first two POSTs got 503 | bar: 100,000 events/s, zero loss, exactly once"
