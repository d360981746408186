"""One measured run of the report in this process: import time, stage times, peak memory.

The stages as progress.stage names them: `limits` is inside `validate` (the size limits,
checked before anything reads a workbook); `validate` leaves out `read`.

Used by bench/run.py in a fresh interpreter; prints one JSON line.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

start = time.perf_counter()
import docx  # noqa: E402,F401
import matplotlib  # noqa: E402,F401
import pandas  # noqa: E402,F401
import pandera  # noqa: E402,F401

imports = time.perf_counter() - start

from pipeline import config, progress  # noqa: E402
from pipeline.report import job as report_job  # noqa: E402


def main() -> None:
    folder = Path(sys.argv[1])
    profile = sys.argv[2] if len(sys.argv) > 2 else None
    config.command_line_run()  # as the command line runs it (HALSOCENTER_CACHE says where)
    with tempfile.TemporaryDirectory() as out:
        progress.reset()
        if profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
        result = report_job.build_report(folder, Path(out))
        if profile:
            profiler.disable()
            with open(profile, "w", encoding="utf-8") as handle:
                stats = pstats.Stats(profiler, stream=handle)
                stats.sort_stats("tottime").print_stats(25)
    if result.status != report_job.Status.DONE:
        raise SystemExit(f"rapporten misslyckades för {folder}")
    times = dict(progress.TIMES)
    print(
        json.dumps(
            {
                "imports": imports,
                "read": times.get("read", 0.0),
                "limits": times.get("limits", 0.0),
                "validate": times.get("validate_total", 0.0) - times.get("read", 0.0),
                "aggregate": times.get("aggregate", 0.0),
                "render": times.get("render", 0.0),
                "write": times.get("write", 0.0),
                # This process or a helper process reading a workbook, whichever is largest.
                "maxrss_mb": max(
                    resource.getrusage(who).ru_maxrss
                    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
                )
                / 1024,
            }
        )
    )


if __name__ == "__main__":
    main()
