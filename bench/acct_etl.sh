#!/bin/sh
# acct_etl throughput: 1,000,000 generated accounting records piped on stdin into a real
# redis-server. The reference, in the same run against the same server: `redis-cli --pipe` of the
# very keys and values acct_etl writes (SET msgID_<id> <json> EX 864000), as records/s.
#
#   mvn -q package -DskipTests && bench/acct_etl.sh [records]
#
# Needs redis-cli (Debian: apt-get install redis-tools). The redis-server binary is the one
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
command -v redis-cli >/dev/null || { echo "needs redis-cli: apt-get install redis-tools" >&2; exit 1; }

start_redis "$port" "$out/redis.log"

csv="$out/acct-$records.csv"
if [ ! -f "$csv" ]; then
  awk -v n="$records" 'BEGIN {
    print "type,timeLogged,orig,rcpt,jobId,dlvSourceIp,vmtaPool,header_x-sp-message-id,header_x-sp-subaccount-id"
    for (i = 0; i < n; i++)
      printf "d,2026-11-24 15:00:00+0000,sender@example.com,rcpt%07d@example.org,campaign-%d,10.0.0.%d,pool%d,0000%016x,%d\n",
             i, i % 50, i % 250, i % 4, i, i % 10 }' > "$csv"
fi

resp="$out/acct-$records.resp"
if [ ! -f "$resp" ]; then
  # the commands acct_etl sends for the same records: the stored JSON has its keys sorted
  awk -v n="$records" 'function bulk(s) { return "$" length(s) "\r\n" s "\r\n" } BEGIN {
    for (i = 0; i < n; i++) {
      k = sprintf("msgID_0000%016x", i)
      v = sprintf("{\"dlvSourceIp\":\"10.0.0.%d\",\"header_x-sp-subaccount-id\":\"%d\",\"jobId\":\"campaign-%d\",\"orig\":\"sender@example.com\",\"rcpt\":\"rcpt%07d@example.org\",\"timeLogged\":\"2026-11-24 15:00:00+0000\",\"vmtaPool\":\"pool%d\"}", i % 250, i % 10, i % 50, i, i % 4)
      printf "*5\r\n%s%s%s%s%s", bulk("SET"), bulk(k), bulk(v), bulk("EX"), bulk("864000")
    } }' > "$resp"
fi
echo "== reference: redis-cli --pipe of the same $records SETs (the median of 3 runs: one run alone varied 175k-260k/s here)"
ref_times=""
for i in 1 2 3; do
  redis-cli -p "$port" flushall >/dev/null
  rstart=$(date +%s.%N)
  redis-cli -p "$port" --pipe < "$resp" | tail -1
  rend=$(date +%s.%N)
  ref_times="$ref_times $(awk -v s="$rstart" -v e="$rend" 'BEGIN { print e - s }')"
done
ref_keys=$(redis-cli -p "$port" dbsize)
redis-cli -p "$port" flushall >/dev/null
ref_time=$(echo $ref_times | tr ' ' '\n' | sort -n | sed -n 2p)
rstart=0; rend=$ref_time

echo "== acct_etl: $records records on stdin (JVM start included)"
start=$(date +%s.%N)
REDIS_URL="redis://127.0.0.1:$port" bin/acct_etl < "$csv" > "$out/acct_etl.log" 2>&1 && status=0 || status=$?
end=$(date +%s.%N)
summary=$(grep -o 'acct_etl: .*' "$out/acct_etl.log" | tail -1)
keys=$(redis-cli -p "$port" dbsize)
echo "exit status $status; keys in Redis: $keys"
echo "$summary"
awk -v n="$records" -v s="$start" -v e="$end" -v rs="$rstart" -v re="$rend" -v keys="$keys" -v refkeys="$ref_keys" 'BEGIN {
  wall = e - s; ref = n / (re - rs)
  printf "acct_etl: %.0f records/s (wall %.2f s, JVM start included) | redis-cli --pipe: %.0f records/s (%d keys) | ratio %.2f\n", n / wall, wall, ref, refkeys, (n / wall) / ref
  printf "RESULT acct_etl %.3f acct_etl %.0f records/s (JVM start included), redis-cli --pipe of the same SETs %.0f records/s, %d keys stored\n", (n / wall) / ref, n / wall, ref, keys
}'
