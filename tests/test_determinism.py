"""The same input gives the same bytes, even when the clock has moved.

Two renders within one second cannot catch a timestamp that leaks into a file
(zip entries have a 2-second resolution). So the second run happens in another
process whose clock says 2031: time.time, time.localtime and datetime.now all
lie there. Any date that leaks into a file makes the bytes differ.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from pipeline import config

FAKETIME = shutil.which("faketime")
needs_faketime = pytest.mark.skipif(
    FAKETIME is None,
    reason="faketime saknas (Debian-paketet faketime); .ci/run installerar det",
)
LATER = "2031-06-01 12:00:00"


def build_hashes() -> dict[str, str]:
    """The sha256 of every file the program writes, for the small hand-counted year."""
    import datetime
    import hashlib
    import tempfile
    from pathlib import Path

    from conftest import Workbooks

    from pipeline.coach.blank_workbooks import write_blank_workbooks
    from pipeline.figures import aggregate
    from pipeline.report import render
    from pipeline.validation.report import validation_report
    from pipeline.validation.validate import validate

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        raw = Workbooks(out / "raw").write()
        result = validate(raw, today=datetime.date(2026, 1, 1))
        figures = aggregate.compute(result.dataset)
        previous = aggregate.previous_year(result.dataset)
        files = {
            "docx": render.render(result.dataset, figures, previous).docx,
            "csv": aggregate.to_csv(figures).encode(),
            "valideringsrapport": validation_report(result.problems, result.sheets),
        }
        for path in write_blank_workbooks(out / "mallar"):
            files[path.name] = path.read_bytes()
    return {k: hashlib.sha256(v).hexdigest() for k, v in files.items()}


# Run in another interpreter: another clock, and another hash seed for sets and dicts.
BUILD = "import json, test_determinism; print(json.dumps(test_determinism.build_hashes()))"


def _start(code: str, later: bool) -> subprocess.Popen:
    command = [sys.executable, "-c", code]
    if later:
        command = [FAKETIME, LATER, *command]
    tests = str(config.ROOT / "tests")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([tests, str(config.ROOT)])}
    return subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=config.ROOT, env=env)


def _run(code: str, later: bool) -> str:
    process = _start(code, later)
    output, _ = process.communicate(timeout=120)
    assert process.returncode == 0
    return output


@needs_faketime
def test_outputs_do_not_depend_on_the_clock():
    later = json.loads(_run(BUILD, True))  # another process, its clock in 2031
    now = build_hashes()  # this one, with today's clock
    assert set(now) == {
        "docx",
        "csv",
        "valideringsrapport",
        "remisser.xlsx",
        "aktiviteter.xlsx",
        "verksamhet.xlsx",
    }
    assert now == later


@needs_faketime
def test_the_moved_clock_really_moves():
    """Without this, the test above could pass with a clock that never moved."""
    probe = "import datetime, time; print(datetime.datetime.now().year, time.localtime().tm_year)"
    assert _run(probe, True).split() == ["2031", "2031"]
