# Shared by the bench scripts (sourced): background processes stopped at exit, and a
# redis-server (the binary inside the jar, so every run hits the same build) with nothing on disk.
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

start_redis() { # port log
  server=bench/out/redis-server
  if [ ! -x "$server" ]; then
    (cd bench/out && unzip -o -q ../../target/pmta-tracking.jar redis-server-6.2.6-v5-linux-amd64 \
      && mv redis-server-6.2.6-v5-linux-amd64 redis-server && chmod +x redis-server)
  fi
  "$server" --port "$1" --bind 127.0.0.1 --save '' --appendonly no > "$2" 2>&1 &
  pids="$pids $!"
  until redis-cli -p "$1" ping >/dev/null 2>&1; do sleep 0.1; done
}

# BENCH_CLUSTER=1: a Redis Cluster of three masters on ports $1, $1+1, $1+2 (the same binary, in
# cluster mode, made a cluster by redis-cli --cluster create) instead of one server. Sets
# redis_env to what a program needs to use it, and queue to the queue's hash-tagged name.
start_redis_cluster() { # first_port log_prefix
  server=bench/out/redis-server
  if [ ! -x "$server" ]; then
    (cd bench/out && unzip -o -q ../../target/pmta-tracking.jar redis-server-6.2.6-v5-linux-amd64 \
      && mv redis-server-6.2.6-v5-linux-amd64 redis-server && chmod +x redis-server)
  fi
  nodes=""
  for p in "$1" $(($1 + 1)) $(($1 + 2)); do
    rm -f "bench/out/nodes-$p.conf"
    "$server" --port "$p" --bind 127.0.0.1 --save '' --appendonly no --cluster-enabled yes \
      --cluster-config-file "$PWD/bench/out/nodes-$p.conf" > "$2-$p.log" 2>&1 &
    pids="$pids $!"
    until redis-cli -p "$p" ping >/dev/null 2>&1; do sleep 0.1; done
    nodes="$nodes 127.0.0.1:$p"
  done
  redis-cli --cluster create $nodes --cluster-yes > "$2-create.log" 2>&1
  for p in "$1" $(($1 + 1)) $(($1 + 2)); do
    until redis-cli -p "$p" cluster info | grep -q cluster_state:ok; do sleep 0.2; done
  done
  redis_env="REDIS_URL=redis://$(echo $nodes | tr ' ' ',') REDIS_CLUSTER=true"
}
