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
