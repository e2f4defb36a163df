#!/bin/sh
# acct_etl throughput: 1,000,000 generated accounting records piped on stdin into a real
# redis-server, beside a pipelined redis-benchmark SET run against the same server for reference.
#
#   mvn -q package -DskipTests && bench/acct_etl.sh [records]
#
# Needs redis-benchmark (Debian: apt-get install redis-tools). The redis-server binary is the one
# shipped inside the jar (embedded-redis), so both runs hit the same server build.
set -eu
cd "$(dirname "$0")/.."
records=${1:-1000000}
port=${BENCH_REDIS_PORT:-6399}
out=bench/out
jar=target/pmta-tracking.jar
mkdir -p "$out"
. bench/common.sh
[ -f "$jar" ] || { echo "build first: mvn -q package -DskipTests" >&2; exit 1; }
command -v redis-benchmark >/dev/null || { echo "needs redis-benchmark: apt-get install redis-tools" >&2; exit 1; }

start_redis "$port" "$out/redis.log"

csv="$out/acct-$records.csv"
if [ ! -f "$csv" ]; then
  awk -v n="$records" 'BEGIN {
    print "type,timeLogged,orig,rcpt,jobId,dlvSourceIp,vmtaPool,header_x-sp-message-id,header_x-sp-subaccount-id"
    for (i = 0; i < n; i++)
      printf "d,2026-11-24 15:00:00+0000,sender@example.com,rcpt%07d@example.org,campaign-%d,10.0.0.%d,pool%d,0000%016x,%d\n",
             i, i % 50, i % 250, i % 4, i, i % 10 }' > "$csv"
fi

echo "== reference: redis-benchmark SET, pipelined 1000 deep, $records requests"
ref=$(redis-benchmark -p "$port" -t set -n "$records" -P 1000 -q | tr '\r' '\n' | grep -E '^SET:' | tail -1)
echo "$ref"
redis-cli -p "$port" flushall >/dev/null

echo "== acct_etl: $records records on stdin (JVM start included)"
start=$(date +%s.%N)
REDIS_URL="redis://127.0.0.1:$port" bin/acct_etl < "$csv" > "$out/acct_etl.log" 2>&1 && status=0 || status=$?
end=$(date +%s.%N)
summary=$(grep -o 'acct_etl: .*' "$out/acct_etl.log" | tail -1)
keys=$(redis-cli -p "$port" dbsize)
echo "exit status $status; keys in Redis: $keys"
echo "$summary"
awk -v n="$records" -v s="$start" -v e="$end" -v ref="$ref" 'BEGIN {
  wall = e - s
  printf "acct_etl: %.0f records/s (wall %.2f s, JVM start included)\n", n / wall, wall
  printf "reference: %s | original acct_etl: ~7,900 records/s | bar: 100,000 records/s\n", ref
}'
