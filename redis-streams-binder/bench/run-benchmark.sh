#!/usr/bin/env bash
# Raw XADD rate (redis-benchmark) vs. Redis Streams binder throughput, on one private redis-server.
#
#   redis-streams-binder/bench/run-benchmark.sh            # 200000 messages of 1 KB
#   MESSAGES=100000 PUBLISHERS=1,8,32 MODES=channels redis-streams-binder/bench/run-benchmark.sh
#
# MODES: functions (StreamBridge + Consumer bean, Spring Cloud Function on both sides) and/or
# channels (explicit bindings: send to the bound output channel, handler on the bound input channel).
#
# Needs redis-server, redis-cli and redis-benchmark on PATH, and the module built once
# (./mvnw -o -q -pl redis-streams-binder -am install). Never touches a Redis already running.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
MESSAGES="${MESSAGES:-200000}"
PUBLISHERS="${PUBLISHERS:-1,16}"
BATCH_SIZE="${BATCH_SIZE:-200}"
CONCURRENCY="${CONCURRENCY:-1}"
MODES="${MODES:-functions,channels}"
MVN_OFFLINE="${MVN_OFFLINE:--o}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"

for bin in redis-server redis-cli redis-benchmark; do
  command -v "$bin" >/dev/null || { echo "$bin not found: apt-get install redis-server redis-tools" >&2; exit 1; }
done

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( (RANDOM % 30000) + 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "no free port" >&2; exit 1
}

PORT="$(free_port)"
DIR="$(mktemp -d)"
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$DIR" --daemonize no --logfile "$DIR/redis.log" &
REDIS_PID=$!
cleanup() { kill "$REDIS_PID" 2>/dev/null || true; wait "$REDIS_PID" 2>/dev/null || true; rm -rf "$DIR"; }
trap cleanup EXIT
for _ in $(seq 1 100); do
  [ "$(redis-cli -p "$PORT" ping 2>/dev/null || true)" = "PONG" ] && break
  sleep 0.1
done

VALUE="$(head -c 1024 /dev/zero | tr '\0' 'x')"
raw_xadd() { # $1 = clients
  redis-cli -p "$PORT" del benchstream >/dev/null
  redis-benchmark -p "$PORT" -n "$MESSAGES" -c "$1" --csv XADD benchstream '*' f "$VALUE" | tail -1 | cut -d, -f2 | tr -d '"'
}

echo "== $(date -u '+%Y-%m-%d %H:%M:%S UTC') on $(nproc) cores, $(redis-server --version | cut -d' ' -f3), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== redis-server on 127.0.0.1:$PORT; $MESSAGES messages of 1024 bytes"
RAW_C1="$(raw_xadd 1)"
echo "raw XADD (redis-benchmark -c 1):  ${RAW_C1} req/s"
RAW_C50="$(raw_xadd 50)"
echo "raw XADD (redis-benchmark -c 50): ${RAW_C50} req/s"
redis-cli -p "$PORT" del benchstream >/dev/null

echo "== binder (send -> XADD -> XREADGROUP -> handler -> XACK), modes: $MODES, publishers: $PUBLISHERS"
cd "$ROOT"
RESULT="redis-streams-binder/target/benchmark-result.properties"
rm -f "$RESULT"
./mvnw $MVN_OFFLINE -q -pl redis-streams-binder test -Dgroups=benchmark -Dbinder.excludedGroups=none \
  -Dtest=BinderThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.redis.port="$PORT" -Dbench.messages="$MESSAGES" -Dbench.publishers="$PUBLISHERS" \
  -Dbench.batch-size="$BATCH_SIZE" -Dbench.concurrency="$CONCURRENCY" -Dbench.modes="$MODES" >"$DIR/mvn.log" 2>&1 \
  || { tail -40 "$DIR/mvn.log" >&2; echo "benchmark run failed: see redis-streams-binder/target/surefire-reports" >&2; exit 1; }

IFS=',' read -r -a PUBS <<< "$PUBLISHERS"
IFS=',' read -r -a MODE_LIST <<< "$MODES"
for m in "${MODE_LIST[@]}"; do
  for p in "${PUBS[@]}"; do
    line="$(grep "^$m.publishers.$p.line=" "$RESULT" | cut -d= -f2-)"
    e2e="$(grep "^$m.publishers.$p.end_to_end_rate=" "$RESULT" | cut -d= -f2)"
    echo "$line"
    awk -v e="$e2e" -v c1="$RAW_C1" -v c50="$RAW_C50" -v p="$p" \
      'BEGIN { printf "  ratio end-to-end / raw XADD: %.0f%% of -c 1, %.0f%% of -c 50 (binder used %d publisher threads)\n", 100*e/c1, 100*e/c50, p }'
  done
done
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
