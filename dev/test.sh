#!/usr/bin/env bash
# `make test`: lint and unit tests run while a throwaway broker boots (free port, temporary data
# directory), then the integration tests run against it. The broker is stopped however this ends.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
state=$(mktemp -d -t leadrouter-kafka.XXXXXX)
cleanup() {
  [ -n "${booting:-}" ] && wait "$booting" 2>/dev/null
  "$PY" dev/kafka/localkafka.py down --state-dir "$state" >/dev/null 2>&1 || true
  rm -rf "$state"
}
trap cleanup EXIT INT TERM

"$PY" dev/kafka/localkafka.py up --state-dir "$state" --partitions 4 >"$state/bootstrap" 2>"$state/up.log" &
booting=$!

status=0
make --no-print-directory lint || status=$?
"$PY" -m pytest -q tests/unit "$@" || status=$?

if ! wait "$booting"; then
  echo "the local broker did not start:"; cat "$state/up.log"
  exit 1
fi
booting=
cat "$state/up.log" >&2
export LEADROUTER_TEST_BOOTSTRAP
LEADROUTER_TEST_BOOTSTRAP=$(cat "$state/bootstrap")
export LEADROUTER_TEST_BROKER_LOG="$state/broker.log"
"$PY" -m pytest -q tests/integration "$@"
integration=$?
if [ "$integration" -ne 0 ]; then
  echo "--- last lines of the broker log ($state/broker.log) ---"
  tail -n 40 "$state/broker.log" || true
  status=$integration
fi
exit "$status"
