#!/usr/bin/env bash
# `make run`: the local broker (unless LEADROUTER_KAFKA__BOOTSTRAP_SERVERS names a Kafka), topics,
# demo data (with the demo ruleset's SLAs of a minute), the worker, a simulated sales tool that
# answers the routed leads, and the demo feed in the background, and a live summary of the
# worker's metrics in this terminal. Ctrl-C, or any of them exiting, stops them all.
#
# Only what this run started is stopped: a local broker that was already running (`make
# broker-up`, or an earlier run still up) is left running, since someone else may be using it.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
LEADROUTER=.venv/bin/leadrouter
RUN_DIR=.run
mkdir -p "$RUN_DIR"

started_broker=0
pids=()
names=()

say() { printf '[run] %s\n' "$*" >&2; }

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ ${#pids[@]} -gt 0 ]; then
    say "stopping: ${names[*]}"
    for pid in "${pids[@]}"; do
      kill -TERM "$pid" 2>/dev/null || true
    done
    # The worker commits offsets and leaves its group on SIGTERM; give it time to.
    for _ in $(seq 1 60); do
      alive=0
      for pid in "${pids[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then alive=1; fi
      done
      [ "$alive" -eq 0 ] && break
      sleep 0.5
    done
    for pid in "${pids[@]}"; do
      kill -KILL "$pid" 2>/dev/null || true
    done
  fi
  if [ "$started_broker" -eq 1 ]; then
    say "stopping the local broker this run started"
    "$PY" dev/kafka/localkafka.py down || true
  fi
  exit "$status"
}
trap cleanup EXIT
# Ctrl-C is the normal way to stop a demo: not an error for make.
trap 'exit 0' INT
trap 'exit 143' TERM

if [ -z "${LEADROUTER_KAFKA__BOOTSTRAP_SERVERS:-}" ]; then
  if ! "$PY" dev/kafka/localkafka.py status >/dev/null 2>&1; then
    started_broker=1
  fi
  LEADROUTER_KAFKA__BOOTSTRAP_SERVERS=$("$PY" dev/kafka/localkafka.py up)
  export LEADROUTER_KAFKA__BOOTSTRAP_SERVERS
fi
say "Kafka at $LEADROUTER_KAFKA__BOOTSTRAP_SERVERS"

"$LEADROUTER" topics create
# SLAs of a minute and an escalation ladder, so breaches and re-routes show within minutes.
"$LEADROUTER" demo load --short-slas

# Logs go to files so that this terminal shows the summaries.
# Static membership: a worker restarted by hand resumes at once, not after the session timeout.
LEADROUTER_KAFKA__GROUP_INSTANCE_ID=${LEADROUTER_KAFKA__GROUP_INSTANCE_ID:-leadrouter-dev-{port}} \
  "$LEADROUTER" worker >"$RUN_DIR/worker.log" 2>&1 &
pids+=($!)
names+=(worker)
say "worker log: $RUN_DIR/worker.log; waiting for the worker to be ready"
# The feed starts once the worker is ready, so the latency shown is the pipeline's, not the
# worker's start-up.
for _ in $(seq 1 240); do
  grep -q "Ready" "$RUN_DIR/worker.log" && break
  if ! kill -0 "${pids[0]}" 2>/dev/null; then
    say "the worker exited during start-up:"
    tail -n 40 "$RUN_DIR/worker.log" >&2
    exit 1
  fi
  sleep 0.5
done

# The sales side: accepts most routed leads within seconds, rejects some, ignores a tenth (they
# breach and escalate). Its counters (rejection reasons) are served for the summary.
"$LEADROUTER" demo sales >"$RUN_DIR/sales.log" 2>&1 &
pids+=($!)
names+=(sales)
say "sales log: $RUN_DIR/sales.log"

"$LEADROUTER" demo feed --rate 20 >"$RUN_DIR/feed.log" 2>&1 &
pids+=($!)
names+=(feed)
say "feed log: $RUN_DIR/feed.log; Ctrl-C stops everything"
# The summary runs in the background too, so that the loop below notices whichever of them
# exits first; its output still comes to this terminal.
"$LEADROUTER" demo watch &
pids+=($!)
names+=(watch)

# Polling instead of `wait -n`: it works in any bash, and Ctrl-C interrupts the short sleep.
while :; do
  for i in "${!pids[@]}"; do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      set +e
      wait "${pids[$i]}"
      status=$?
      set -e
      say "the ${names[$i]} ended (status $status); stopping the others"
      if [ "${names[$i]}" = worker ]; then tail -n 40 "$RUN_DIR/worker.log" >&2; fi
      if [ "${names[$i]}" = sales ]; then tail -n 20 "$RUN_DIR/sales.log" >&2; fi
      exit "$status"
    fi
  done
  sleep 1
done
