"""Crash points: where the tests kill the oracle for real to prove every step resumes.

``ORACLE_TEST_KILL_AT=<point>`` makes the process SIGKILL itself when it reaches that point:
no exception handler, ``finally`` or atexit runs, exactly like a power cut or an OOM kill.
The variable is for the crash-resume tests only; unset (always, in production) this is a no-op.
"""

from __future__ import annotations

import os
import signal
from typing import Final

KILL_AT_ENV: Final = "ORACLE_TEST_KILL_AT"

POINTS: Final = (
    "ingest-stored",  # records stored, transaction not yet committed
    "ingested",  # an input committed
    "computed",  # allocations and root committed
    "publish-written",  # evidence folder written, state not yet committed
    "published",  # state PUBLISHED committed, request written
    "signed",  # verifier signature files written (oracle run --sign-with)
    "collected",  # state SIGNED committed
    "tx-recorded",  # transaction hash committed, not yet broadcast
    "broadcast",  # transaction sent, receipt not yet seen
    "submitted",  # report id committed
)


def crash_point(point: str) -> None:
    """Kill this process with SIGKILL if ``ORACLE_TEST_KILL_AT`` names ``point``."""
    if os.environ.get(KILL_AT_ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)
