"""The queue settings a qualified lead carries from the profile stage to the assign stage."""

from typing import Any

from schemas.pipeline import QualifiedLead
from service.rules import QueueConfig


def queue_fields(config: QueueConfig) -> dict[str, Any]:
    """The queue settings a QualifiedLead carries, the inverse of `queue_config`."""
    return {
        "queue": config.name,
        "strategy": config.strategy,
        "overflow": config.overflow,
        "sla_minutes": config.sla_minutes,
        "respect_availability": config.respect_availability,
        "respect_capacity": config.respect_capacity,
    }


def queue_config(lead: QualifiedLead) -> QueueConfig:
    """The queue settings the profile stage resolved (rule overrides included)."""
    return QueueConfig(
        name=lead.queue,
        strategy=lead.strategy,  # type: ignore[arg-type]
        sla_minutes=lead.sla_minutes,
        overflow=lead.overflow,
        respect_availability=lead.respect_availability,
        respect_capacity=lead.respect_capacity,
    )
