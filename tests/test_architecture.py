"""The boundaries ARCHITECTURE.md promises, checked where a test can check them.

The parts of the program are the folders of `pipeline/` (and its few top-level
modules). `MAY_IMPORT` is the one table of which part may import which; every
import in the package, also one inside a function, is held against it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import config

PACKAGE = config.ROOT / "pipeline"

# Each part and the parts it may import (besides itself). Lower parts never import higher.
MAY_IMPORT: dict[str, set[str]] = {
    "config": set(),
    "progress": set(),
    "contract": {"config"},
    "publish": {"config"},
    "validation": {"config", "progress", "contract", "publish"},
    "figures": {"config", "contract", "validation", "publish"},
    "report": {"config", "progress", "contract", "publish", "validation", "figures"},
    "comparison": {"config", "progress", "contract", "publish"},
    "coach": {"config", "contract", "publish"},
    "__init__": {"config", "contract", "report", "comparison"},
    "cli": {
        "__init__",
        "config",
        "progress",
        "contract",
        "publish",
        "validation",
        "report",
        "comparison",
        "coach",
        "web",
    },
    "web": {"__init__", "config", "contract", "publish", "report", "comparison", "coach"},
    "__main__": {"cli"},
}

PERSONAL_DATA_READERS = (
    "pipeline.validation.validate",
    "pipeline.validation.read",
    "pandera",
    "python_calamine",
)


def _part(module: str) -> str:
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def _module_name(path: Path) -> str:
    parts = path.relative_to(config.ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every pipeline module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "pipeline":
                found |= {f"pipeline.{alias.name}" for alias in node.names}
            elif node.module.startswith("pipeline."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("pipeline.")}
    return found


def _modules() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("*.py")
        if "migrations" not in p.parts and "tests" not in p.relative_to(PACKAGE).parts
    )


def test_every_part_is_in_the_table():
    parts = {_part(_module_name(p)) for p in _modules()}
    assert parts <= set(MAY_IMPORT), sorted(parts - set(MAY_IMPORT))
    assert all(deps <= set(MAY_IMPORT) for deps in MAY_IMPORT.values())


def test_no_import_runs_up_between_parts():
    wrong = []
    for path in _modules():
        source = _part(_module_name(path))
        for target in _imports(path):
            part = _part(target)
            if part != source and part not in MAY_IMPORT[source]:
                wrong.append(f"{path.relative_to(config.ROOT)} → {target}")
    assert wrong == []


def test_the_table_has_no_circle():
    """The parts stand in floors: following MAY_IMPORT never comes back to where it began."""

    def reachable(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for dep in MAY_IMPORT[todo.pop()]:
                if dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        return seen

    assert [part for part in MAY_IMPORT if part in reachable(part)] == []


def test_no_module_comes_back_to_itself():
    """Within a part too, modules stand in order: no module imports, through others, a
    module that imports it (also not for type hints only)."""
    modules = {_module_name(p): p for p in _modules()}

    def imported(path: Path) -> set[str]:
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [f"{node.module}.{alias.name}" for alias in node.names]
                found |= {n for n in names if n in modules} or {node.module}
            elif isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
        return {name for name in found if name in modules}

    graph = {name: imported(path) - {name} for name, path in modules.items()}
    circles = []
    for start in graph:
        seen, todo = set(), list(graph[start])
        while todo:
            name = todo.pop()
            if name == start:
                circles.append(start)
                break
            if name not in seen:
                seen.add(name)
                todo.extend(graph[name])
    assert circles == []


# One fresh interpreter: what the comparison loads, then what counting and rendering add.
# Whatever aggregate and render load is in the second set, so checking it checks them.
COMPARISON = (
    "pipeline.cli.main, pipeline.comparison.job, pipeline.comparison.reading, "
    "pipeline.comparison.targets, pipeline.comparison.measures, pipeline.comparison.table, "
    "pipeline.comparison.long_csv, pipeline.comparison.workbook, pipeline.comparison.document, "
    "pipeline.comparison.charts, pipeline.contract.datapackage"
)
AFTER_VALIDATION = "pipeline.figures.aggregate, pipeline.report.render"
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
    assert "pipeline.comparison.document" in comparison
    banned = {*PERSONAL_DATA_READERS, "pipeline.figures.aggregate", "pipeline.report.render"}
    assert not comparison & banned, sorted(comparison & banned)


def test_after_validation_nothing_reads_workbooks(loaded):
    _, both = loaded
    assert "pipeline.report.render" in both
    assert not both & set(PERSONAL_DATA_READERS), sorted(both & set(PERSONAL_DATA_READERS))


def test_render_reads_key_figures_not_raw_rows():
    source = (PACKAGE / "report" / "render.py").read_text(encoding="utf-8")
    for frame in ("remisser", "samtal", "narvaro", "aktiviteter", "tidigare_ar"):
        assert f"dataset.{frame}" not in source, frame


def test_architecture_names_every_module():
    """Every module of pipeline/ and of the portal (pipeline/web/, its tests and
    migrations aside)."""
    text = (config.ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    modules = [
        str(p.relative_to(config.ROOT)) for p in _modules() if p.name not in ("__init__.py",)
    ]
    missing = [m for m in modules if m not in text]
    assert missing == []


def test_libreoffice_script_imports_nothing_of_ours():
    source = (PACKAGE / "publish" / "lo_export.py").read_text(encoding="utf-8")
    assert "pipeline" not in "".join(
        line for line in source.splitlines() if line.startswith(("import", "from"))
    )
