"""Baseline: a bare Faust agent that copies raw records from one topic to another.

The app comes from agents.plumbing.app.create_faust_app with the worker's settings
(LEADROUTER_* from the environment), so every Faust setting matches leadrouter's: one agent,
concurrency 1, raw bytes in and out, and the same send path as leadrouter's stages
(`agents.plumbing.outputs.Output`: the worker's producer, without Faust's per-message wrapping).

Usage: python -m bench.passthrough_faust SOURCE TARGET   (SIGTERM stops it)
"""

import argparse
import sys
from typing import Any

from agents.plumbing.app import create_faust_app
from agents.plumbing.event_loop import use_event_loop
from agents.plumbing.outputs import Output
from agents.plumbing.settings import Settings


def raw_topic(app: Any, name: str) -> Any:
    """A topic of `app` read as raw bytes, key and value, as leadrouter's stages read theirs."""
    return app.topic(
        name, key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("source")
    parser.add_argument("target")
    args = parser.parse_args()
    settings = Settings()
    use_event_loop(settings.tuning.event_loop)  # as the router's worker does
    app = create_faust_app(settings)
    source = raw_topic(app, args.source)
    target = Output(app, args.target)

    @app.agent(source, name="passthrough", concurrency=1)
    async def passthrough(stream: Any) -> None:
        async for event in stream.events():
            await target.send(key=event.key, value=event.value)

    sys.argv = [sys.argv[0], "worker", "-l", settings.log_level]
    sys.argv += ["--web-port", str(settings.web.port), "--web-host", settings.web.host]
    app.main()


if __name__ == "__main__":
    main()
