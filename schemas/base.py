"""Base model configurations shared by every contract."""

from pydantic import BaseModel, ConfigDict


class InputModel(BaseModel):
    """Tolerant reader: unknown fields from upstream systems are ignored, strings are trimmed."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, frozen=True)


class OutputModel(BaseModel):
    """Strict writer: what leadrouter publishes has exactly the declared fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)
