"""Builds the Faust app from settings, and the `/metrics` page it serves."""

from typing import Any

import faust
from aiohttp.web import Response
from faust import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from agents.plumbing import faust_speedups, faust_start, isolation
from agents.plumbing.credentials import broker_credentials
from agents.plumbing.log_limits import RepeatLimit, limited_worker
from agents.plumbing.partitioner import remembering_partitioner
from agents.plumbing.settings import Settings


def create_faust_app(settings: Settings) -> faust.App:
    limits = settings.limits
    repeat_limit = RepeatLimit(limits.log_repeat_burst, limits.log_repeat_interval_seconds)
    tuning = settings.tuning
    light: dict[str, Any] = {"Monitor": faust_speedups.LightMonitor} if tuning.light_monitor else {}
    app = faust.App(
        settings.app_id,
        broker=[f"kafka://{host}" for host in settings.kafka.hosts],
        broker_credentials=broker_credentials(settings.kafka),
        # Faust would otherwise let plain WEB_PORT etc. override these settings.
        env_prefix="LEADROUTER_FAUST_",
        autodiscover=False,
        store=settings.store,
        datadir=str(settings.datadir),
        topic_partitions=settings.topics.partitions,
        topic_replication_factor=settings.topics.replication_factor,
        consumer_auto_offset_reset="earliest",
        consumer_group_instance_id=settings.kafka.instance_id(settings.web.port),
        broker_session_timeout=settings.kafka.session_timeout_s,
        broker_heartbeat_interval=settings.kafka.heartbeat_interval_s,
        producer_acks=-1,
        producer_linger=settings.kafka.producer_linger_ms / 1000,
        producer_partitioner=remembering_partitioner,
        key_serializer="raw",
        value_serializer="raw",
        web_enabled=True,
        web_host=settings.web.host,
        web_bind=settings.web.host,
        web_port=settings.web.port,
        # Table contents must not be readable over HTTP (they hold personal data).
        web_tables_enabled=False,
        web_graph_enabled=False,
        table_cleanup_interval=60.0,
        # Repeated log lines (a broker away) at a bounded rate: agents/plumbing/log_limits.py.
        Worker=limited_worker(repeat_limit),
        cython_optimizations=tuning.cython,
        **light,
    )
    faust_speedups.install(app, fast_delivery=tuning.fast_delivery)
    faust_start.install(app)
    isolation.install()  # aborted upstream transactions are never read
    return app


def register_metrics_page(app: faust.App, registry: CollectorRegistry) -> None:
    """`/metrics`: leadrouter's own metrics (Faust's sensors stay off unless asked for)."""

    @app.page("/metrics")
    async def metrics(self: web.View, request: web.Request) -> Any:
        return Response(
            body=generate_latest(registry), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )
