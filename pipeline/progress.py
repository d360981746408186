"""Progress lines in Swedish for long runs, and the time spent per stage.

Progress is shown only on an interactive terminal and never in CI; the
stage times are always kept (the benchmark reads them).
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterator

TIMES: dict[str, float] = defaultdict(float)


def interactive() -> bool:
    return sys.stdout.isatty() and not os.environ.get("CI")


@contextlib.contextmanager
def stage(key: str, message: str | None = None) -> Iterator[None]:
    """Time a stage (read, validate, aggregate, render, write); say what is happening."""
    if message and interactive():
        print(message, flush=True)
    start = time.perf_counter()
    try:
        yield
    finally:
        TIMES[key] += time.perf_counter() - start


def reset() -> None:
    TIMES.clear()
