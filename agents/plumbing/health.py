"""`/health` on the worker's web port: ready once every reference view has caught up and the
worker's tables are recovered (its partitions are being processed)."""

from typing import Any

from faust import web

from agents.plumbing.reference import ReferenceData
from agents.plumbing.runtime import Runtime


def health_report(reference: ReferenceData, tables_recovered: bool = True) -> dict[str, Any]:
    views = {view.topic: view.ready.is_set() for view in reference.views}
    return {
        "ready": all(views.values()) and tables_recovered,
        "views": views,
        "tables_recovered": tables_recovered,
        "ruleset_version": reference.policy.version,
        "accounts": len(reference.accounts),
        "reps": len(reference.reps),
    }


def register_health(runtime: Runtime, reference: ReferenceData) -> None:
    @runtime.app.page("/health")
    async def health(self: web.View, request: web.Request) -> web.Response:
        recovered = runtime.app.tables.recovery.completed.is_set()  # type: ignore[attr-defined]
        report = health_report(reference, tables_recovered=recovered)
        return self.json(report, status=200 if report["ready"] else 503)
