"""The bench's count of the router's calls per input event (cProfile)."""

import cProfile
import pstats
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from aiokafka.producer.message_accumulator import BatchBuilder, MessageAccumulator
from aiokafka.producer.sender import InitPIDHandler, SendProduceReqHandler

from bench.call_counts import area, format_lines, read, summarize
from bench.run import ROOT, parse_args


def code_of(function: Any) -> tuple[str, int, str]:
    """How cProfile names a Python function."""
    code = function.__code__
    return (code.co_filename, code.co_firstlineno, code.co_name)


SEND = code_of(BatchBuilder.append)
BATCH = code_of(MessageAccumulator._append_batch)
REQUEST = code_of(SendProduceReqHandler.create_request)
OTHER_REQUEST = code_of(InitPIDHandler.create_request)  # a transactional producer's
VALIDATE = (
    "~",
    0,
    "<method 'validate_python' of 'pydantic_core._pydantic_core.SchemaValidator' objects>",
)
DUMP = ("~", 0, "<method 'to_json' of 'pydantic_core._pydantic_core.SchemaSerializer' objects>")
FAUST_SEND = ("/venv/site-packages/faust/transport/drivers/aiokafka.py", 1401, "send")


def entry(calls: int) -> tuple[int, int, float, float, dict[object, object]]:
    return (calls, calls, 0.0, 0.0, {})


def step() -> int:
    return 1


def handle_events(events: int) -> int:
    return sum(step() + step() for _ in range(events))


def test_calls_are_counted_per_input_event_by_function_and_area() -> None:
    counting = cProfile.Profile()
    counting.enable()
    handle_events(50)
    counting.disable()
    entries = pstats.Stats(counting).stats  # type: ignore[attr-defined]

    counts = summarize(entries, events=50)

    [(name, per_event)] = [(name, value) for name, value in counts.top if name.endswith(":step")]
    assert name.startswith("tests/unit/test_bench_call_counts.py:")
    assert per_event == 2.0
    assert dict(counts.areas)["tests"] >= 3.0  # step twice and the generator, per event
    assert counts.per_event == pytest.approx(sum(value for _, value in counts.areas))


def test_the_counters_name_the_producer_and_pydantic_work_per_event() -> None:
    entries = {
        SEND: entry(30),
        BATCH: entry(20),
        REQUEST: entry(4),
        VALIDATE: entry(90),
        DUMP: entry(30),
        FAUST_SEND: entry(30),  # Faust's send is not the producer's
        OTHER_REQUEST: entry(5),
    }

    counters = dict(summarize(entries, events=10).counters)

    assert counters == {
        "records appended to producer batches": 3.0,
        "producer batches": 2.0,
        "produce requests": 0.4,
        "pydantic validations": 9.0,
        "pydantic JSON dumps": 3.0,
    }


def test_the_compiled_domain_counts_as_the_domain_and_other_c_code_as_builtins() -> None:
    assert area("~", "<built-in method service.pipeline.evaluate_event>") == (
        "leadrouter service/ (compiled)"
    )
    assert area("~", "<built-in method builtins.len>") == "builtins (C)"
    assert area("/venv/lib/python3.11/site-packages/faust/streams.py", "_c_aiter") == "faust"


def test_the_report_lists_counters_and_leaves_out_areas_with_few_calls() -> None:
    counts = summarize({SEND: entry(60), VALIDATE: entry(1)}, events=20)

    lines = format_lines(counts)

    assert lines[0].endswith(": 3")
    assert "      3.00  records appended to producer batches" in lines
    assert "       3.0  aiokafka" in lines
    assert not any(line.endswith("builtins (C)") for line in lines)
    assert "(1 more, each under 0.1)" in lines[-4]


def test_a_worker_that_wrote_no_counts_gives_none(tmp_path: Path) -> None:
    assert read(tmp_path / "missing.pstats", events=10) is None


def test_the_counted_command_writes_its_statistics_as_it_exits(tmp_path: Path) -> None:
    stats = tmp_path / "router.pstats"

    done = subprocess.run(
        [sys.executable, "-m", "bench.call_counts", str(stats), "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert "worker" in done.stdout  # leadrouter's own help
    counts = read(stats, events=1)
    assert counts is not None
    assert counts.per_event > 0


def test_counting_calls_leaves_no_router_rate_to_feed_the_latency_phase(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--call-counts"])
    assert "--skip-latency" in capsys.readouterr().err
    assert parse_args(["--call-counts", "--skip-latency"]).call_counts
