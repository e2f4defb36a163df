#!/bin/sh
# Redis Cluster beside one server: the tracker (BENCH_QUICK: the three wrk pairs against nginx) and
# the feeder (1,000,000 events against gzip -1 of the same NDJSON), each first on one redis-server,
# then on three masters in a cluster (BENCH_CLUSTER=1), every figure a ratio to its own same-run
# reference.
#
#   mvn -q package -DskipTests && bench/cluster.sh
set -eu
cd "$(dirname "$0")/.."
for cluster in "" 1; do
  BENCH_QUICK=1 BENCH_CLUSTER=$cluster sh bench/tracker.sh | grep '^RESULT'
  BENCH_CLUSTER=$cluster sh bench/feeder.sh | grep '^RESULT'
done
