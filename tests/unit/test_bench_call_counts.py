"""The bench's count of the router's calls per input event (cProfile)."""

import cProfile
import pstats
import subprocess
from pathlib import Path
from typing import Any

import pytest
from aiokafka.producer.message_accumulator import BatchBuilder, MessageAccumulator
from aiokafka.producer.sender import InitPIDHandler, SendProduceReqHandler

from bench import call_counts
from bench.call_counts import area, format_lines, format_ratio, read, summarize
from bench.measurements import BenchResults, CallCounts, ConsumerRun, Machine
from bench.options import parse_args
from bench.report import consumer_ratios, scaled_runs
from bench.results_files import counted_lines
from bench.router_runs import COUNTED
from bench.workers import ROOT


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
        call_counts.command(stats, ["agents.tools.cli", "--help"]),
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


def counts_of(per_event: float) -> CallCounts:
    return CallCounts(events=10, per_event=per_event, areas=(), top=(), counters=())


def test_the_router_is_compared_with_the_passthrough_by_calls_per_event() -> None:
    line = format_ratio(counts_of(1218.0), counts_of(406.0), "three-stage passthrough")

    assert line == ("router / three-stage passthrough: 1,218 / 406 calls per input event = 3.00x")


def test_the_calls_file_holds_both_counts_and_their_ratio_only_when_both_were_counted() -> None:
    results = BenchResults(
        started_at="", command="", machine=Machine(2, "4.1.1", "3.11", (0.0, 0.0, 0.0)), settings={}
    )
    assert counted_lines(results) == []

    results.call_counts = counts_of(1218.0)
    assert not any(line.startswith("router / ") for line in counted_lines(results))

    results.topology_call_counts = counts_of(406.0)
    lines = counted_lines(results)
    assert any("the three-stage passthrough's main thread" in line for line in lines)
    assert lines[-1].endswith("= 3.00x")


def test_a_counted_router_is_neither_the_router_nor_a_scaled_router_in_the_ratios() -> None:
    counted = ConsumerRun(
        name=COUNTED,
        events=10,
        input_events=10,
        outputs={},
        window_seconds=1.0,
        startup_seconds=1.0,
        cpu_seconds=1.0,
        cpu_events=10,
        total_cpu_seconds=1.0,
        peak_rss_bytes=1,
        completion="done",
    )

    assert scaled_runs([counted]) == []
    assert consumer_ratios([counted]) == {}
