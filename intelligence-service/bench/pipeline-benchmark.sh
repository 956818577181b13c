#!/usr/bin/env bash
# End-to-end pipeline benchmark: real ingestion + intelligence jars, a private redis-server, the physics
# simulator on its default settings (surrogate path). Submits JOBS jobs as a burst through the edge, waits
# until every job reached the end of the automatic pipeline, and reports from the jobs' own histories:
# jobs per minute end to end, preflight throughput (submission to leaving PREFLIGHT), and submit → end
# latency p50/p99. Usage: JOBS=300 intelligence-service/bench/pipeline-benchmark.sh
# BENCH_DATA=<dir> reuses a data dir that already holds a model (skips the bootstrap campaign).
# SURROGATE=false submits full-Abbe jobs (use_ai_surrogate false) instead of surrogate ones.
# PREFLIGHT_ONLY=1 runs no simulation worker: measures intake + validation + preflight alone (jobs then wait RUNNING).
# OTEL=1 attaches the OpenTelemetry Java agent (target/otel, otel/agent.properties) to every service process, exporting
# OTLP/HTTP to a local sink that accepts and counts the spans' bytes (docs/tracing.md): the agent's overhead on the same benchmark.
# WORKERS=N runs the roles apart (docs/deployment.md, scale-out): the orchestrator without a local worker and N
# worker-only processes with WORKER_SLOTS slots each (default 1); the orchestrator dispatches N x WORKER_SLOTS.
# INTEL_ARGS="--lto.models.xgboost.trees=50 ..." adds options to the intelligence (orchestrator) process (INT_ARGS: the same).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
JOBS=${JOBS:-300}
PROFILE=${PROFILE:-exploratory}
SURROGATE=${SURROGATE:-true}
DATA=${BENCH_DATA:-$(mktemp -d /tmp/lto-pipeline-bench-XXXX)}
WORK=$(mktemp -d /tmp/lto-pipeline-bench-run-XXXX)
free_port() {
  local p
  while :; do p=$((20000 + RANDOM % 20000)); ss -ltn | grep -q ":$p " || { echo $p; return; }; done
}
REDIS_PORT=$(free_port); ING_PORT=$(free_port); INT_PORT=$(free_port)
alive() { kill -0 "$(cat "$WORK/$1.pid")" 2>/dev/null || { echo "$1 died; last log lines:"; tail -n 30 "$WORK/$1.log"; exit 1; }; }
command -v jq >/dev/null || { echo "needs jq"; exit 2; }
jar_of() { ls "$ROOT/$1/target/$1-"*.jar 2>/dev/null | grep -v original | head -n1; }
[ -n "$(jar_of intelligence-service)" ] && [ -n "$(jar_of ingestion-service)" ] || ./mvnw -q -B -DskipTests package

cleanup() {
  for p in "$WORK"/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done
  sleep 2
}
trap cleanup EXIT

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log"
# Auth on, as in production (docs/security.md): a throw-away HMAC secret and one admin key given to the services as a
# configured key (only its HMAC); every API call below sends it.
export LTO_AUTH_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')
KEY=lto_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
KEY_HMAC=$(printf %s "$KEY" | openssl dgst -sha256 -hmac "$LTO_AUTH_SECRET" -r | cut -d' ' -f1)
COMMON=(--spring.data.redis.port="$REDIS_PORT" --lto.auth.keys[0].id=key_bench --lto.auth.keys[0].role=admin
        --lto.auth.keys[0].owner=bench --lto.auth.keys[0].hmac="$KEY_HMAC")
FLAGS=(--enable-native-access=ALL-UNNAMED -Dai.djl.offline=true -Xmx2g)
if [ "${OTEL:-0}" = 1 ]; then
  [ -f target/otel/opentelemetry-javaagent.jar ] || ./mvnw -q -B -N generate-resources
  SINK_PORT=$(free_port)
  # A stand-in OTLP/HTTP receiver: answers 200 to every export and counts the bytes (no collector on this machine).
  python3 -c '
import http.server, sys
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0)); self.rfile.read(n)
        with open(sys.argv[2], "a") as f: f.write(f"{n}\n")
        self.send_response(200); self.send_header("Content-Type", "application/x-protobuf"); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()' "$SINK_PORT" "$WORK/otlp-bytes.txt" &
  echo $! >"$WORK/otlp-sink.pid"
  FLAGS+=(-javaagent:"$ROOT/target/otel/opentelemetry-javaagent.jar" -Dotel.javaagent.configuration-file="$ROOT/otel/agent.properties"
          -Dotel.exporter.otlp.endpoint=http://127.0.0.1:$SINK_PORT)
fi
OTEL_SERVICE_NAME=ingestion-service "$JAVA" "${FLAGS[@]}" -jar "$(jar_of ingestion-service)" --server.port=$ING_PORT "${COMMON[@]}" >"$WORK/ingestion.log" 2>&1 &
echo $! >"$WORK/ingestion.pid"
EXTRA=()
[ "${PREFLIGHT_ONLY:-0}" = 1 ] && EXTRA=(--lto.pipeline.functions='jobSubmissions;simulationResults;ingestMetrics;ingestYield')
if [ -n "${WORKERS:-}" ]; then
  EXTRA=(--lto.pipeline.functions='jobSubmissions;simulationResults;ingestMetrics;ingestYield'
         --lto.pipeline.cpu-slots=$((WORKERS * ${WORKER_SLOTS:-1})))
  for w in $(seq "$WORKERS"); do
    OTEL_SERVICE_NAME=intelligence-service "$JAVA" "${FLAGS[@]}" -jar "$(jar_of intelligence-service)" --server.port="$(free_port)" "${COMMON[@]}" \
      --lto.pipeline.functions=cpuSimulations --lto.worker.cpu-slots="${WORKER_SLOTS:-1}" --lto.pipeline.orchestrator=false \
      --lto.models.bootstrap.enabled=false --lto.data-dir="$WORK/worker-$w" >"$WORK/worker-$w.log" 2>&1 &
    echo $! >"$WORK/worker-$w.pid"
  done
fi
OTEL_SERVICE_NAME=intelligence-service "$JAVA" "${FLAGS[@]}" -jar "$(jar_of intelligence-service)" --server.port=$INT_PORT "${COMMON[@]}" \
  --lto.data-dir="$DATA" "${EXTRA[@]}" ${INTEL_ARGS:-${INT_ARGS:-}} >"$WORK/intelligence.log" 2>&1 &
echo $! >"$WORK/intelligence.pid"
ING=http://localhost:$ING_PORT; INT=http://localhost:$INT_PORT
for s in ingestion intelligence; do
  u=$ING; [ $s = intelligence ] && u=$INT
  for _ in $(seq 180); do curl -fs "$u/actuator/health" | grep -q UP && break; alive $s; sleep 1; done
done
echo "Waiting for a model (bootstrap campaign on a fresh data dir: a few minutes)..."
for _ in $(seq 1800); do
  [ "$(curl -fs -H "X-API-Key: $KEY" $INT/api/v1/models/current | jq -r .status 2>/dev/null)" = READY ] && break; alive intelligence; sleep 2
done
MODEL=$(curl -fs -H "X-API-Key: $KEY" $INT/api/v1/models/current | jq -r .model_version)

echo "Submitting $JOBS jobs (EUV and ArF, use_ai_surrogate $SURROGATE, profile $PROFILE)..."
seq 0 $((JOBS - 1)) | xargs -P 4 -I{} sh -c '
  n={}; na=$(echo "0.33 0.4 0.5" | cut -d" " -f$((n % 3 + 1))); lambda=$(echo "13.5 193" | cut -d" " -f$((n % 2 + 1)))
  curl -fs -H "X-API-Key: '"$KEY"'" -H "Content-Type: application/json" -d "{\"na\":$na,\"wavelength_nm\":$lambda,\"dose_mj_cm2\":$((20 + n % 5 * 10)),\"job_class\":$((1 + n % 3)),\"sigma\":0.8,\"use_ai_surrogate\":'"$SURROGATE"',\"constraint_profile\":\"'"$PROFILE"'\",\"submitted_by\":\"bench\"}" '"$ING"'/api/v1/jobs/submit | jq -r .job_id' >"$WORK/ids.txt"
T0=$SECONDS
while :; do
  done_n=0
  while read -r id; do
    if [ "${PREFLIGHT_ONLY:-0}" = 1 ]; then
      curl -fs -H "X-API-Key: $KEY" "$INT/api/v1/jobs/$id" | jq -e '.state | IN("SUBMITTED", "VALIDATING", "PREFLIGHT") | not' >/dev/null && done_n=$((done_n + 1))
    else
      curl -fs -H "X-API-Key: $KEY" "$INT/api/v1/jobs/$id" | jq -e '.terminal or .state == "ANOMALY_FLAGGED"' >/dev/null && done_n=$((done_n + 1))
    fi
  done <"$WORK/ids.txt"
  echo "  $done_n / $JOBS done ($((SECONDS - T0)) s)"
  [ "$done_n" -ge "$JOBS" ] && break
  sleep 10
done
while read -r id; do curl -fs -H "X-API-Key: $KEY" "$INT/api/v1/jobs/$id"; done <"$WORK/ids.txt" | jq -s . >"$WORK/jobs.json"
echo
echo "Pipeline benchmark, $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), model $MODEL, $JOBS jobs, use_ai_surrogate $SURROGATE${WORKERS:+, $WORKERS worker process(es) x ${WORKER_SLOTS:-1} slot(s)}, agent: $( [ "${OTEL:-0}" = 1 ] && echo on || echo off)"
jq -r '
  def ts: capture("(?<s>[^.Z]+)(?<f>\\.[0-9]+)?Z") | ((.s + "Z") | fromdateiso8601) + ((.f // "0") | tonumber);
  def pct(p): sort | .[((length - 1) * p | floor)];
  map({state, sub: (.history[0].at | ts), end: (.history[-1].at | ts),
       pre: ([.history[] | select(.from == "PREFLIGHT")][0].at | if . then ts else null end)}) as $j
  | ($j | map(.sub) | min) as $t0
  | "end states: " + ($j | group_by(.state) | map(.[0].state + "=" + (length | tostring)) | join(" ")),
    "end to end: " + (($j | length) / (($j | map(.end) | max) - $t0) * 60 * 10 | round / 10 | tostring) + " jobs/min",
    "preflight:  " + (([$j[] | select(.pre)] | length) / (([$j[] | .pre // empty] | max) - $t0) * 10 | round / 10 | tostring)
      + " jobs/s (submission of the first to the last leaving PREFLIGHT, sharing the cores with the simulations)",
    "latency submit → end (burst, includes queueing): p50 " + ($j | map(.end - .sub) | pct(0.5) * 10 | round / 10 | tostring)
      + " s, p99 " + ($j | map(.end - .sub) | pct(0.99) * 10 | round / 10 | tostring) + " s",
    "latency submit → leaving PREFLIGHT: p50 " + ([$j[] | select(.pre) | .pre - .sub] | pct(0.5) * 1000 | round | tostring)
      + " ms, p99 " + ([$j[] | select(.pre) | .pre - .sub] | pct(0.99) * 1000 | round | tostring) + " ms"
' "$WORK/jobs.json"
curl -fs "$INT/actuator/prometheus" | grep -E '^lto_simulation_duration_seconds_(sum|count)' || true
[ "${OTEL:-0}" = 1 ] && sleep 6 && echo "OTLP exports received: $(wc -l <"$WORK/otlp-bytes.txt" 2>/dev/null || echo 0), bytes: $(awk '{s+=$1} END {print s+0}' "$WORK/otlp-bytes.txt" 2>/dev/null)"
# CPU of the intelligence service (orchestrator + workers + simulator) over the whole run, per job.
echo "intelligence-service CPU: $(awk -v hz="$(getconf CLK_TCK)" -v n="$JOBS" '{printf "%.1f s total, %.0f ms per job", ($14 + $15) / hz, ($14 + $15) / hz * 1000 / n}' "/proc/$(cat "$WORK/intelligence.pid")/stat") (process lifetime, includes start-up and the model load)"
echo "logs and job histories: $WORK; data dir (model reusable with BENCH_DATA=): $DATA"
