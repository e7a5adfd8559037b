"""The bench report: rates, ratios of the router to the passthroughs, goals, JSON and table."""

import dataclasses
import json
import math

import pytest

from bench.measurements import (
    AIOKAFKA,
    FAUST,
    ROUTER,
    TOPOLOGY,
    BenchResults,
    ConsumerRun,
    Hotspot,
    LatencyPhase,
    Machine,
    MicroCase,
    Profile,
)
from bench.report import build_report, consumer_ratios, evaluate_goals, rules_growth
from bench.stats import LatencySummary
from bench.table import format_hotspots, format_table


def consumer(name: str, window: float, cpu: float, events: int = 1000) -> ConsumerRun:
    return ConsumerRun(
        name=name,
        events=events,
        input_events=events,
        outputs={"out": events},
        window_seconds=window,
        startup_seconds=1.0,
        cpu_seconds=cpu,
        cpu_events=events,
        total_cpu_seconds=cpu + 1,
        peak_rss_bytes=100 * 2**20,
        completion="output count reached the input count",
    )


def phase(rate: float, histogram_p99: float | None, kafka_p99: float | None) -> LatencyPhase:
    return LatencyPhase(
        name=f"{rate:g}/s",
        target_rate=rate,
        achieved_rate=rate,
        seconds=20.0,
        sent=int(rate * 20),
        saturated=False,
        feed_late_max=0.0,
        drain_seconds=1.0,
        histogram=LatencySummary(10, 0.01, 0.02, histogram_p99, 0.05),
        kafka=LatencySummary(10, 0.01, 0.02, kafka_p99, 0.04),
    )


def rules_case(rules: int, us: float) -> MicroCase:
    return MicroCase(case="rules", rules=rules, accounts=10_000, events=100, us_per_event=us)


def results(**fields: object) -> BenchResults:
    bench = BenchResults(
        started_at="2026-11-26T21:00:00+00:00",
        command="run.py",
        machine=Machine(cores=2, kafka_version="4.1.1", python="3.11.7", load_average=(1, 2, 3)),
        settings={"events": 1000, "partitions": 4, "accounts": 10, "reps": 5, "rules": "x"},
    )
    for name, value in fields.items():
        setattr(bench, name, value)
    return bench


def test_rate_counts_events_over_the_output_window() -> None:
    run = consumer(FAUST, window=4.0, cpu=2.0)
    assert run.events_per_second == 250.0
    assert run.cpu_ms_per_event == pytest.approx(2.0)


def test_router_is_compared_with_each_passthrough() -> None:
    runs = [
        consumer(AIOKAFKA, window=1.0, cpu=0.1),
        consumer(FAUST, window=2.0, cpu=1.0),
        consumer(ROUTER, window=4.0, cpu=4.0),
    ]
    ratios = consumer_ratios(runs)
    assert ratios["throughput_router_vs_faust"] == pytest.approx(0.5)
    assert ratios["throughput_router_vs_aiokafka"] == pytest.approx(0.25)
    assert ratios["cpu_per_event_router_vs_faust"] == pytest.approx(4.0)
    assert ratios["cpu_per_event_router_vs_aiokafka"] == pytest.approx(40.0)


def test_a_router_run_with_several_workers_is_compared_by_throughput_too() -> None:
    runs = [
        consumer(FAUST, window=2.0, cpu=1.0),
        consumer(ROUTER, window=4.0, cpu=4.0),
        consumer(f"{ROUTER}, 2 workers", window=2.5, cpu=5.0),
    ]

    ratios = consumer_ratios(runs)

    assert ratios["throughput_router_vs_faust"] == pytest.approx(0.5)
    assert ratios["throughput_router_2_workers_vs_faust"] == pytest.approx(0.8)


def test_table_shows_the_scaled_router_and_the_latency_worker_count() -> None:
    bench = results(
        consumers=[
            consumer(FAUST, 2.0, 1.0),
            consumer(ROUTER, 4.0, 4.0),
            consumer(f"{ROUTER}, 2 workers", 2.5, 5.0),
        ],
        latency=[dataclasses.replace(phase(1000.0, 0.04, 0.03), workers=2)],
    )

    table = format_table(bench)

    assert "router with 2 workers / faust passthrough: throughput 0.80x" in table
    assert "handoff latency, 2 router workers in one group:" in table


Figures = tuple[tuple[str, LatencySummary], ...]


def table_with_one_phase_of(stages: Figures = (), collector: Figures = ()) -> list[str]:
    """The table's lines for two latency phases, the first with these figures, the second
    without."""
    first = dataclasses.replace(phase(200.0, 0.2, 0.2), stages=stages, collector=collector)
    return format_table(results(latency=[first, phase(300.0, 0.2, 0.2)])).splitlines()


def test_table_shows_where_each_phase_spent_its_handoff_time_by_stage() -> None:
    lines = table_with_one_phase_of(
        stages=(
            ("intake", LatencySummary(100, 0.031, 0.08, 0.09, 0.1)),
            ("routing", LatencySummary(10, 0.062, 0.15, 0.18, 0.25)),
        )
    )

    expected = (
        "  stages, p50/p99 since the input record: intake 31.0 ms/90.0 ms, routing 62.0 ms/180 ms"
    )
    assert expected in lines
    # a phase without stage figures prints none
    assert sum("stages, p50/p99" in line for line in lines) == 1


def test_table_shows_how_many_collector_passes_each_phase_had_and_how_long() -> None:
    lines = table_with_one_phase_of(
        collector=(
            ("0", LatencySummary(1200, 0.0008, 0.002, 0.004, 0.01)),
            ("2", LatencySummary(1, 0.3, 0.45, 0.49, 0.5)),
        )
    )

    expected = (
        "  collector passes, p99/longest: gen 0 1,200 passes 4.0 ms/<=10.0 ms, "
        "gen 2 1 passes 490 ms/<=500 ms"
    )
    assert expected in lines
    # a phase without pause figures prints none
    assert sum("collector passes" in line for line in lines) == 1


def test_no_ratios_without_a_router_run() -> None:
    assert consumer_ratios([consumer(FAUST, window=1.0, cpu=1.0)]) == {}


def test_rules_growth_compares_a_thousand_rules_with_ten() -> None:
    micro = [rules_case(10, 100.0), rules_case(100, 120.0), rules_case(1000, 250.0)]
    assert rules_growth(micro) == pytest.approx(2.5)
    assert rules_growth(micro[:2]) is None


def test_throughput_goal_is_met_at_four_fifths_of_faust() -> None:
    met = results(consumers=[consumer(FAUST, 1.0, 1.0), consumer(ROUTER, 1.25, 1.0)])
    missed = results(consumers=[consumer(FAUST, 1.0, 1.0), consumer(ROUTER, 1.3, 1.0)])
    assert evaluate_goals(met)[0].met is True
    assert evaluate_goals(missed)[0].met is False


def test_latency_goal_takes_the_worse_of_histogram_and_kafka_timestamps() -> None:
    within = results(latency=[phase(200.0, 0.5, 0.5), phase(1000.0, 0.04, 0.03)])
    beyond = results(latency=[phase(1000.0, 0.04, 0.06)])
    assert evaluate_goals(within)[1].met is True
    assert evaluate_goals(beyond)[1].met is False
    assert evaluate_goals(beyond)[1].measured == "60.0 ms"


def test_goals_not_measured_when_their_section_was_skipped() -> None:
    assert [goal.met for goal in evaluate_goals(results())] == [None, None, None, None]


def test_rules_goal_allows_at_most_double_the_cost() -> None:
    goal = evaluate_goals(results(micro=[rules_case(10, 100.0), rules_case(1000, 200.0)]))[2]
    assert goal.met is True
    assert goal.measured == "2.00x"


def test_report_is_valid_json_even_with_infinite_latencies() -> None:
    overflowing = LatencySummary(1, 0.01, 0.01, 0.01, math.inf)
    bench = results(
        consumers=[consumer(FAUST, 1.0, 1.0), consumer(ROUTER, 2.0, 3.0)],
        latency=[dataclasses.replace(phase(1000.0, 0.04, 0.03), histogram=overflowing)],
    )
    document = json.loads(json.dumps(build_report(bench), allow_nan=False))
    assert document["latency"][0]["histogram"]["max"] == "inf"
    assert document["ratios"]["throughput_router_vs_faust"] == pytest.approx(0.5)
    assert document["consumers"][1]["cpu_seconds_per_1k_events"] == pytest.approx(3.0)
    assert [goal["met"] for goal in document["goals"]] == [False, True, None, None]


def test_table_shows_ratios_latencies_and_verdicts() -> None:
    bench = results(
        consumers=[
            consumer(AIOKAFKA, 1.0, 0.1),
            consumer(FAUST, 2.0, 1.0),
            consumer(ROUTER, 4.0, 4.0),
        ],
        latency=[phase(1000.0, 0.04, 0.03)],
        micro=[rules_case(10, 100.0), rules_case(1000, 300.0)],
    )
    table = format_table(bench)
    assert "router / faust passthrough: throughput 0.50x, CPU per event 4.00x" in table
    assert "2 cores, Kafka 4.1.1" in table
    assert "MISSED       decision cost grows <= 2x from 10 to 1,000 rules: 3.00x" in table
    assert "MET          p99 handoff" in table


def test_hotspots_file_lists_every_profile_section() -> None:
    spot = Hotspot(function="service/scoring.py:score_lead", self_share=0.25, total_share=0.5)
    bench = results(
        profile=Profile(
            samples=400,
            raw_file="raw.txt",
            hotspots=(spot,),
            leadrouter=(spot,),
            tasks=(("agents/profiling.py:profile", 0.6),),
            areas=(("leadrouter service/", 0.25),),
        ),
        domain_profile=(spot,),
    )
    text = format_hotspots(bench)
    assert " 25.00% self  50.00% total  service/scoring.py:score_lead" in text
    assert " 60.00%  agents/profiling.py:profile" in text
    assert "evaluate_event by own time" in text
    assert format_hotspots(results()) == ""


def test_router_is_compared_with_the_three_stage_passthrough_first() -> None:
    runs = [
        consumer(FAUST, window=1.0, cpu=0.2),
        consumer(ROUTER, window=4.0, cpu=1.2),
        consumer(TOPOLOGY, window=2.0, cpu=0.4),
    ]

    ratios = consumer_ratios(runs)
    table = format_table(results(consumers=runs))

    assert ratios["throughput_router_vs_three_stage"] == pytest.approx(0.5)
    assert ratios["cpu_per_event_router_vs_three_stage"] == pytest.approx(3.0)
    assert ratios["throughput_router_vs_faust"] == pytest.approx(0.25)
    assert "router / three-stage passthrough: throughput 0.50x, CPU per event 3.00x" in table
    assert table.index("router / three-stage passthrough") < table.index("router / faust")
    assert "router / aiokafka passthrough" not in table  # not run, so no ratio line


def test_topology_goal_is_met_at_three_fifths_of_the_three_stage_passthrough() -> None:
    met = results(consumers=[consumer(TOPOLOGY, 1.0, 1.0), consumer(ROUTER, 1.6, 1.0)])
    missed = results(consumers=[consumer(TOPOLOGY, 1.0, 1.0), consumer(ROUTER, 1.8, 1.0)])

    assert evaluate_goals(met)[3].met is True
    assert evaluate_goals(met)[3].measured == "0.62x"
    assert evaluate_goals(missed)[3].met is False
    assert evaluate_goals(missed)[0].met is None  # no bare Faust run: not measured


def test_the_table_says_how_the_events_were_keyed_when_the_run_recorded_it() -> None:
    keyed = results()
    keyed.settings = {**keyed.settings, "workload": "real-shaped", "identity_keyed": 0.8}

    assert "1,000 real-shaped events (80% keyed by lead identity), 4 partitions" in format_table(
        keyed
    )
    assert "1,000 synthetic events, 4 partitions" in format_table(results())
    assert build_report(keyed)["settings"]["identity_keyed"] == 0.8
