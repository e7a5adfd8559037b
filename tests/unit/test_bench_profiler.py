"""Reading py-spy's raw samples into hotspots, tasks and areas."""

import pytest

from bench.profiler import ROOT, area, frame_name, parse_raw, summarize_profile, task_of

LOOP = "BaseEventLoop._run_once (asyncio/base_events.py:1845);Handle._run (asyncio/events.py:78)"
AGENT = "Agent._execute_actor (faust/agents/agent.py:694)"
PROFILE = f"register_profiling.<locals>.profile ({ROOT}/agents/profiling.py:222)"
EVALUATE = f"evaluate_event ({ROOT}/service/pipeline.py:44)"
SCORE = f"score_lead ({ROOT}/service/scoring.py:30)"
SENDER = "Sender._send_produce_req (aiokafka/producer/sender.py:277)"
RAW = [
    f"{LOOP};{AGENT};{PROFILE};{EVALUATE};{SCORE} 6",
    f"{LOOP};{AGENT};{PROFILE};{EVALUATE} 2",
    f"{LOOP};{SENDER} 1",
    "EpollSelector.select (selectors.py:451) 1",
    "not a sample line",
]


def test_frames_are_named_by_path_within_the_repository_and_function() -> None:
    assert frame_name(PROFILE) == "agents/profiling.py:register_profiling.<locals>.profile"
    assert frame_name(SENDER) == "aiokafka/producer/sender.py:Sender._send_produce_req"


def test_library_and_stdlib_paths_are_shortened() -> None:
    site = "/x/lib/python3.11/site-packages/faust/streams.py"
    assert frame_name(f"Stream.events ({site}:342)") == "faust/streams.py:Stream.events"
    stdlib = "/root/.pyenv/versions/3.11.7/lib/python3.11/json/decoder.py"
    assert frame_name(f"decode ({stdlib}:10)") == "json/decoder.py:decode"


def test_samples_count_own_time_for_the_innermost_frame_and_total_for_every_frame() -> None:
    samples = parse_raw(RAW)
    assert samples.count == 10
    assert samples.own["service/scoring.py:score_lead"] == 6
    assert samples.own["service/pipeline.py:evaluate_event"] == 2
    assert samples.total["service/pipeline.py:evaluate_event"] == 8


def test_a_recursive_function_counts_once_per_sample() -> None:
    samples = parse_raw([f"{EVALUATE};{EVALUATE};{SCORE} 3"])
    assert samples.total["service/pipeline.py:evaluate_event"] == 3


def test_samples_belong_to_the_task_under_the_event_loop() -> None:
    frames = [frame_name(frame) for frame in f"{LOOP};{AGENT};{PROFILE};{SCORE}".split(";")]
    assert task_of(frames) == "agents/profiling.py:register_profiling.<locals>.profile"
    assert task_of(["selectors.py:EpollSelector.select"]) == "(event loop)"


def test_areas_separate_leadrouter_layers_libraries_and_single_modules() -> None:
    assert area("service/scoring.py:score_lead") == "leadrouter service/"
    assert area("asyncio/events.py:Handle._run") == "asyncio"
    assert area("pydantic/main.py:BaseModel.model_dump_json") == "pydantic"
    assert area("selectors.py:EpollSelector.select") == "modules (stdlib)"


def test_profile_summary_ranks_hotspots_tasks_and_leadrouter_functions() -> None:
    profile = summarize_profile(RAW, "raw.txt")
    assert profile.samples == 10
    assert profile.hotspots[0].function == "service/scoring.py:score_lead"
    assert profile.hotspots[0].self_share == pytest.approx(0.6)
    assert dict(profile.tasks)["agents/profiling.py:register_profiling.<locals>.profile"] == 0.8
    assert dict(profile.tasks)["aiokafka/producer/sender.py:Sender._send_produce_req"] == 0.1
    assert profile.leadrouter[0].total_share == pytest.approx(0.8)
    assert dict(profile.areas)["leadrouter service/"] == pytest.approx(0.8)


def test_no_samples_give_an_empty_profile() -> None:
    assert summarize_profile([], "raw.txt").hotspots == ()
