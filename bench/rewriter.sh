#!/bin/sh
# The engagement-tracking rewrite alone, with JMH: example.eml (opens, initial opens and clicks
# tracked), as whole messages per second and as MB/s of HTML.
#
#   bench/rewriter.sh
set -eu
cd "$(dirname "$0")/.."
mvn -q -B test-compile
mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=bench/out/test-classpath.txt
mkdir -p bench/out
cp="target/test-classes:target/classes:$(cat bench/out/test-classpath.txt)"
java -cp "$cp" org.openjdk.jmh.Main RewriterBenchmark -f 1 -wi 3 -w 3s -i 5 -r 3s -rf json -rff bench/out/rewriter.json \
  | grep -E "^(Benchmark|RewriterBenchmark)"
html_bytes=$(awk '/<!DOCTYPE/ {found = 1} found {n += length($0) + 1} END {print n}' src/test/resources/example.eml)
python3 - "$html_bytes" <<'PY'
import json, sys
html = int(sys.argv[1])
for r in json.load(open("bench/out/rewriter.json")):
    name = r["benchmark"].split(".")[-1]
    ops = r["primaryMetric"]["score"]
    print("%-8s %8.0f ops/s  = %6.1f MB/s of HTML" % (name, ops, ops * html / 1e6))
print("original wrapper: about 180 messages/s through its proxy (a zlib writer built per link)")
PY
