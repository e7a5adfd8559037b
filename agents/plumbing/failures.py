"""The one place that decides what happens when processing an event fails.

Faust acks an event whose agent body raised, and commits it: the event would be lost. So every
stage catches failures per event and dead-letters the event itself. If even the dead-letter
write fails, the worker exits at once without committing, so the event is processed again
after the restart (at-least-once), instead of being acknowledged silently.
"""

import logging
import os
import sys

log = logging.getLogger(__name__)

# sysexits.h EX_SOFTWARE: an internal error; supervisors restart the worker.
EXIT_WITHOUT_COMMIT = 70


def exit_without_commit(message: str, error: BaseException) -> None:
    log.critical("%s: %r; exiting without committing so the event is reprocessed", message, error)
    for handler in logging.getLogger().handlers:
        handler.flush()
    sys.stderr.flush()
    os._exit(EXIT_WITHOUT_COMMIT)
