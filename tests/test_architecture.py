"""The boundaries ARCHITECTURE.md promises, checked where a test can check them."""

from __future__ import annotations

import subprocess
import sys

from pipeline import config

PERSONAL_DATA_READERS = ("pipeline.validate", "pipeline.read", "pandera", "python_calamine")


def _loaded_after_import(module: str) -> set[str]:
    code = f"import sys, {module}; print(' '.join(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=config.ROOT
    )
    return set(done.stdout.split())


def test_after_validation_nothing_reads_workbooks():
    # One fresh interpreter for both: what either loads is in what both load.
    loaded = _loaded_after_import("pipeline.aggregate, pipeline.render")
    assert "pipeline.render" in loaded
    assert not loaded & set(PERSONAL_DATA_READERS), sorted(loaded & set(PERSONAL_DATA_READERS))


def test_render_reads_key_figures_not_raw_rows():
    source = (config.ROOT / "pipeline" / "render.py").read_text(encoding="utf-8")
    for frame in ("remisser", "samtal", "narvaro", "aktiviteter", "tidigare_ar"):
        assert f"dataset.{frame}" not in source, frame


def test_architecture_names_every_module():
    text = (config.ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    modules = sorted(
        p.name for p in (config.ROOT / "pipeline").glob("*.py") if p.name != "__init__.py"
    )
    missing = [m for m in modules if f"pipeline/{m}" not in text]
    assert missing == []


def test_libreoffice_script_imports_nothing_of_ours():
    source = (config.ROOT / "pipeline" / "lo_export.py").read_text(encoding="utf-8")
    assert "pipeline" not in "".join(
        line for line in source.splitlines() if line.startswith(("import", "from"))
    )
