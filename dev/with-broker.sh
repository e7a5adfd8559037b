#!/usr/bin/env bash
# Runs a command with a throwaway single-node Kafka: free port, temporary data directory.
# The broker is stopped however the command ends; its address is in LEADROUTER_TEST_BOOTSTRAP.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
state=$(mktemp -d -t leadrouter-kafka.XXXXXX)
cleanup() {
  "$PY" dev/kafka/localkafka.py down --state-dir "$state" || true
  rm -rf "$state"
}
trap cleanup EXIT INT TERM
bootstrap=$("$PY" dev/kafka/localkafka.py up --state-dir "$state" --partitions 4)
export LEADROUTER_TEST_BOOTSTRAP="$bootstrap"
export LEADROUTER_TEST_BROKER_LOG="$state/broker.log"
set +e
"$@"
status=$?
set -e
if [ "$status" -ne 0 ] && [ "$status" -ne 5 ]; then
  echo "--- last lines of the broker log ($state/broker.log) ---"
  tail -n 40 "$state/broker.log" || true
fi
exit "$status"
