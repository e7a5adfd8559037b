"""A stand-in for a Faust app's `timer` decorator: the test runs the registered timers by hand."""

from collections.abc import Awaitable, Callable
from typing import Any


class HandTimers:
    def __init__(self) -> None:
        self.timers: list[Callable[[], Awaitable[None]]] = []

    def timer(self, interval: float, name: str) -> Callable[[Any], Any]:
        def register(function: Callable[[], Awaitable[None]]) -> Any:
            self.timers.append(function)
            return function

        return register
