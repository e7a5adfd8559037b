"""bench.ab: variants run alternately, each round reversed, and compared by their medians."""

from pathlib import Path

import pytest

from bench.ab import (
    Runs,
    Variant,
    main,
    router_figures,
    run_once,
    run_order,
    summary_lines,
    variants_of,
)


def test_revisions_are_variants_in_the_order_given() -> None:
    variants = variants_of(["HEAD~1", "HEAD"], None)
    assert [(v.label, v.rev, v.settings) for v in variants] == [
        ("HEAD~1", "HEAD~1", ()),
        ("HEAD", "HEAD", ()),
    ]


def test_a_settings_values_are_variants_of_this_checkout() -> None:
    variants = variants_of([], "LEADROUTER_TUNING__GC_YOUNG_THRESHOLD=0,10000")
    assert [(v.rev, v.settings) for v in variants] == [
        (None, ("LEADROUTER_TUNING__GC_YOUNG_THRESHOLD=0",)),
        (None, ("LEADROUTER_TUNING__GC_YOUNG_THRESHOLD=10000",)),
    ]


@pytest.mark.parametrize(
    ("revs", "setting", "problem"),
    [
        (["HEAD"], None, "at least two"),
        (["HEAD~1", "HEAD"], "LEADROUTER_X=1,2", "not both"),
        ([], "PATH=1,2", "LEADROUTER_NAME"),
        ([], "LEADROUTER_X=", "LEADROUTER_NAME"),
    ],
)
def test_what_cannot_be_compared_is_refused(
    revs: list[str], setting: str | None, problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        variants_of(revs, setting)


def test_each_round_runs_the_variants_the_other_way_round() -> None:
    assert run_order(2, 3) == [0, 1, 1, 0, 0, 1]
    assert run_order(3, 2) == [0, 1, 2, 2, 1, 0]


def test_the_routers_figures_are_read_from_its_results() -> None:
    results = {
        "consumers": [
            {"name": "faust passthrough", "events_per_second": 4000.0},
            {"name": "leadrouter", "events_per_second": 700.0, "cpu_seconds_per_1k_events": 1.3},
        ]
    }
    assert router_figures(results) == (700.0, 1.3)
    with pytest.raises(ValueError, match="no router run"):
        router_figures({"consumers": results["consumers"][:1]})


def test_the_summary_compares_medians_with_the_first_variant() -> None:
    before = Runs(Variant("old"), [600.0, 700.0, 620.0], [1.5, 1.3, 1.4])
    after = Runs(Variant("new"), [660.0, 640.0, 700.0], [1.36, 1.4, 1.3])
    first, second = summary_lines([before, after])
    assert "median 620" in first
    assert "median 1.400" in first
    assert "against old: events/s +6.5%, CPU -2.9%" in second


def test_an_unknown_revision_is_refused_before_anything_runs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--rev", "no-such-revision-anywhere", "--rev", "HEAD"]) == 1
    assert "not a commit of this repository: no-such-revision-anywhere" in capsys.readouterr().err


def test_fewer_than_one_round_is_refused() -> None:
    with pytest.raises(SystemExit):
        main(["--rev", "HEAD~1", "--rev", "HEAD", "--pairs", "0"])


FAILING_BENCH = """import sys
print("[bench] FAILED: broker away", file=sys.stderr)
sys.exit(1)
"""


def test_a_bench_run_that_fails_is_an_error_naming_the_variant(tmp_path: Path) -> None:
    script = tmp_path / "bench" / "run.py"
    script.parent.mkdir()
    script.write_text(FAILING_BENCH)
    with pytest.raises(RuntimeError, match=r"old: bench/run\.py exited 1") as raised:
        run_once(Variant("old"), tmp_path, [])
    assert "broker away" in str(raised.value)


PATH_REPORTING_BENCH = """import os, sys
print("[bench] path " + os.environ["PYTHONPATH"], file=sys.stderr)
sys.exit(1)
"""


def test_a_run_keeps_the_callers_python_path_after_its_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = tmp_path / "bench" / "run.py"
    script.parent.mkdir()
    script.write_text(PATH_REPORTING_BENCH)
    monkeypatch.setenv("PYTHONPATH", "/trial/hooks")
    with pytest.raises(RuntimeError) as raised:
        run_once(Variant("old"), tmp_path, [])
    assert f"path {tmp_path}:/trial/hooks" in str(raised.value)
