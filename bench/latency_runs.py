"""The latency phase: fresh router workers fed open-loop at each rate in turn, their handoff
latency from their histograms and from Kafka timestamps (`bench/latency.py` feeds and reads)."""

from agents.plumbing.topics import LEAD_EVENTS, TopicNames
from bench import latency
from bench.loading import create_producer
from bench.measurements import LatencyPhase
from bench.run_setup import Setup, prepare_router_topics, router_topics, router_workers
from bench.stats import (
    Buckets,
    LatencySummary,
    Stage,
    bucket_delta,
    combined_buckets,
    histogram_buckets,
    pauses_between,
    stages_between,
    summarize_histogram,
)
from bench.topics import TopicProbe
from bench.workers import worker_settings
from bench.workloads import make_feed


async def run_latency(
    setup: Setup, probe: TopicProbe, max_rate: float | None, workers: int
) -> list[LatencyPhase]:
    """Fresh workers (one consumer group) in their own namespace, fed open-loop at each rate in
    turn; `max_rate` is what that many workers sustained in the throughput run."""
    args = setup.args
    group = setup.names.app("latency")
    prefix = setup.names.latency_prefix
    settings = worker_settings(setup.bootstrap, group, prefix, args.partitions)
    names = TopicNames(prefix)
    topics = router_topics(names)
    await prepare_router_topics(setup, settings)
    child, urls = router_workers(setup, "latency-worker", settings, workers, "latency worker")
    setup.children.start(child)
    for url in urls:
        await latency.wait_worker_ready(child, url, len(setup.accounts), len(setup.reps))
    feed = make_feed(
        args.workload, args.seed + 1, setup.accounts, args.garbage_share, args.identity_keyed
    )
    source = names.name(LEAD_EVENTS)
    rates = latency.latency_rates(args.rates, max_rate)
    producer = create_producer(setup.bootstrap, linger_ms=0)
    await producer.start()
    measured: list[
        tuple[
            str,
            float,
            latency.FeedRun,
            float,
            LatencySummary,
            tuple[Stage, ...],
            tuple[Stage, ...],
        ]
    ] = []

    async def scrape_workers() -> list[str]:
        return [await latency.scrape_async(url) for url in urls]

    def handoff_buckets(pages: list[str]) -> Buckets:
        return combined_buckets([histogram_buckets(page) for page in pages])

    try:
        await latency.feed_open_loop(producer, source, feed, 100.0, 3.0)  # warm-up
        await latency.wait_drained(child, probe, group, topics["sources"])
        for name, rate in rates:
            before = await scrape_workers()
            seconds = latency.feed_seconds(rate, args.latency_seconds, max_rate, args.drain_budget)
            print(f"[bench] latency: {name} ({rate:,.0f} events/s) for {seconds:.1f}s")
            fed = await latency.feed_open_loop(producer, source, feed, rate, seconds)
            drain = await latency.wait_drained(child, probe, group, topics["sources"])
            after = await scrape_workers()
            handoff = bucket_delta(handoff_buckets(before), handoff_buckets(after))
            stages = stages_between(before, after)
            pauses = pauses_between(before, after)
            handoff_summary = summarize_histogram(handoff)
            measured.append((name, rate, fed, drain, handoff_summary, stages, pauses))
    finally:
        await producer.stop()
    routed = await probe.read_all(topics["queues"])
    child.stop()
    by_kafka = latency.latencies_by_window(
        routed, [(fed.started, fed.ended) for _, _, fed, _, _, _, _ in measured]
    )
    return [
        LatencyPhase(
            name=name,
            target_rate=rate,
            achieved_rate=fed.achieved_rate,
            seconds=fed.ended - fed.started,
            sent=fed.sent,
            saturated=max_rate is not None and rate > max_rate,
            feed_late_max=fed.max_behind,
            drain_seconds=drain,
            histogram=histogram,
            kafka=kafka,
            workers=workers,
            stages=stages,
            collector=pauses,
        )
        for (name, rate, fed, drain, histogram, stages, pauses), kafka in zip(
            measured, by_kafka, strict=True
        )
    ]
