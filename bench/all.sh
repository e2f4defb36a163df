#!/bin/sh
# Every benchmark, one after the other on a quiet machine, and one table of their figures. Each
# figure is a ratio to a reference measured in the same run (machines here differ 2-3x from one
# day to the next: an absolute number alone says little):
#   tracker   bin/tracker under wrk, 64 connections  /  nginx serving a static GIF
#   wrapper   bin/wrapper (shipped route; tracking on, off; -d and one connection per message),
#             smtp-source, 20 sessions                 /  smtp-source straight to smtp-sink
#   feeder    bin/feeder, 1,000,000 events end to end /  gzip -1 of the same NDJSON
#   acct_etl  bin/acct_etl, 1,000,000 records on stdin /  redis-cli --pipe of the same SETs
#
#   mvn -q package -DskipTests && bench/all.sh
#
# Needs wrk, nginx, redis-tools, python3 and postfix (smtp-source, smtp-sink):
#   DEBIAN_FRONTEND=noninteractive apt-get install wrk nginx-light redis-tools python3 postfix
set -eu
cd "$(dirname "$0")/.."
mkdir -p bench/out
results=bench/out/results.txt
: > "$results"
for b in tracker wrapper wrapper-tracking wrapper-per-message wrapper-tracking-per-message feeder acct_etl; do
  echo "######## $b"
  case $b in
    wrapper-tracking) BENCH_TRACKING=1 sh bench/wrapper.sh | tee bench/out/all-$b.txt ;;
    wrapper-per-message) BENCH_PER_MESSAGE=1 sh bench/wrapper.sh | tee bench/out/all-$b.txt ;;
    wrapper-tracking-per-message) BENCH_TRACKING=1 BENCH_PER_MESSAGE=1 sh bench/wrapper.sh | tee bench/out/all-$b.txt ;;
    *) sh bench/$b.sh | tee bench/out/all-$b.txt ;;
  esac
  grep '^RESULT ' bench/out/all-$b.txt >> "$results" || echo "RESULT $b - (no figure: see bench/out/all-$b.txt)" >> "$results"
done
echo
echo "| benchmark | ratio to its reference | measured in the same run |"
echo "|---|---|---|"
awk '{ name = $2; ratio = $3; $1 = $2 = $3 = ""; sub(/^ +/, ""); printf "| %s | %s | %s |\n", name, ratio, $0 }' "$results"
echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
