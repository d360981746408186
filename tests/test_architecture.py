"""The boundaries ARCHITECTURE.md promises, checked where a test can check them."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pipeline import config

PERSONAL_DATA_READERS = ("pipeline.validate", "pipeline.read", "pandera", "python_calamine")


COMPARISON = (
    "pipeline.cli, pipeline.compare_job, pipeline.compare, pipeline.compare_xlsx, "
    "pipeline.compare_docx, pipeline.compare_charts, pipeline.datapackage"
)
AFTER_VALIDATION = "pipeline.aggregate, pipeline.render"

# One fresh interpreter: what the comparison loads, then what counting and rendering add.
# Whatever aggregate and render load is in the second set, so checking it checks them.
LOADED = f"""
import sys
import {COMPARISON}
print(' '.join(sorted(sys.modules)))
import {AFTER_VALIDATION}
print(' '.join(sorted(sys.modules)))
"""


@pytest.fixture(scope="module")
def loaded() -> tuple[set[str], set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", LOADED], capture_output=True, text=True, check=True, cwd=config.ROOT
    )
    comparison, both = done.stdout.splitlines()
    return set(comparison.split()), set(both.split())


def test_the_comparison_loads_nothing_that_reads_workbooks_or_personal_data(loaded):
    """What `make compare` runs (the command line and the comparison job) and every
    comparison module: none of them loads the readers, the validation or the report's
    counting and rendering."""
    comparison, _ = loaded
    assert "pipeline.compare_docx" in comparison
    banned = {*PERSONAL_DATA_READERS, "pipeline.aggregate", "pipeline.render"}
    assert not comparison & banned, sorted(comparison & banned)


def test_after_validation_nothing_reads_workbooks(loaded):
    _, both = loaded
    assert "pipeline.render" in both
    assert not both & set(PERSONAL_DATA_READERS), sorted(both & set(PERSONAL_DATA_READERS))


def test_render_reads_key_figures_not_raw_rows():
    source = (config.ROOT / "pipeline" / "render.py").read_text(encoding="utf-8")
    for frame in ("remisser", "samtal", "narvaro", "aktiviteter", "tidigare_ar"):
        assert f"dataset.{frame}" not in source, frame


def test_architecture_names_every_module():
    """Every module of pipeline/ and of the portal (pipeline/web/, its tests and
    migrations aside)."""
    text = (config.ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    package = config.ROOT / "pipeline"
    modules = sorted(
        p.relative_to(package).as_posix()
        for p in [*package.glob("*.py"), *package.glob("web/*.py"), *package.glob("web/*/*/*.py")]
        if p.name != "__init__.py"
    )
    assert "web/views.py" in modules and "web/management/commands/serve.py" in modules
    missing = [m for m in modules if f"pipeline/{m}" not in text]
    assert missing == []


def test_libreoffice_script_imports_nothing_of_ours():
    source = (config.ROOT / "pipeline" / "lo_export.py").read_text(encoding="utf-8")
    assert "pipeline" not in "".join(
        line for line in source.splitlines() if line.startswith(("import", "from"))
    )
