"""make mutation: break the rules behind the published figures one at a time, count the catches.

Each mutant is one small change to one target module (a `<` made `<=`, a 30 made 31,
`and` made `or`, `min` made `max`, a condition negated, a return value made None ...).
The target's own test files run against a copy of the tree with that one change; a
mutant the tests fail on (or that runs past its time limit) is killed, one they pass
is a survivor. Score = killed / (killed + survived).

The working tree is never changed: every mutant is written into a temporary copy
(one per job), and the copies are removed on exit, Ctrl-C included. To skip the
imports (pandas, pandera, matplotlib: seconds per mutant), this process loads the
third-party libraries once and forks one child per mutant; the child imports the
project from its copy and runs pytest in-process.

A survivor is either a gap in the tests (add one that kills it) or equivalent (no
input can tell it from the original): then its explanation goes into
bench/mutation-forklaringar.yaml under its id, and every run copies it into
bench/mutation.md. Type annotations, docstrings and message strings are never mutated.

    python -m tools.mutate                 # every target; writes bench/mutation.md
    python -m tools.mutate --only compare  # targets whose path contains 'compare'
    python -m tools.mutate --list          # the mutants, without running anything
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import copy
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.machine import machine


@dataclass(frozen=True)
class Target:
    path: str  # the module, from the project root
    tests: tuple[str, ...]  # the test files that guard it, fastest and most specific first
    names: tuple[str, ...] | None = None  # top-level functions, classes, constants; None: all


# The modules whose rules are published figures. A module that moves is a one-line edit here.
TARGETS = (
    Target(
        "pipeline/figures/suppression.py",
        ("tests/test_suppression.py", "tests/test_truthful_figures.py"),
    ),
    Target(
        "pipeline/figures/aggregate.py",
        (
            "tests/test_rule_boundaries.py",
            "tests/test_aggregate.py",
            "tests/test_service_quality.py",
            "tests/test_truthful_figures.py",
        ),
    ),
    # The comparison's measures: ratios, sums, bounds, spread, rank and coverage (all of
    # measures.py), the target statuses, and the table that puts them together.
    Target(
        "pipeline/comparison/measures.py",
        ("tests/test_compare_measures.py", "tests/test_compare.py"),
    ),
    Target(
        "pipeline/comparison/value.py",
        ("tests/test_compare_measures.py", "tests/test_compare.py"),
        ("NEAR_BAND", "Target"),
    ),
    Target(
        "pipeline/comparison/table.py",
        ("tests/test_compare_measures.py", "tests/test_compare.py"),
        ("_small", "_measure_cells", "_count_cells", "build"),
    ),
)
GOAL = 0.90  # the share of mutants the tests must kill
ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "mutation.md"
EXPLANATIONS = ROOT / "bench" / "mutation-forklaringar.yaml"
# Loaded once before the children fork (never the project itself: each child imports its copy).
PRELOAD = (
    "pytest",
    "hypothesis",
    "numpy",
    "pandas",
    "pandera.pandas",
    "yaml",
    "openpyxl",
    "python_calamine",
    "lxml.etree",
    "docx",
    "docxtpl",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.font_manager",
    "matplotlib.ticker",
    "matplotlib.backends.backend_agg",
)
PYTEST_ARGS = ("-x", "-q", "-p", "no:cacheprovider", "--hypothesis-seed=0")


# --- the mutants -----------------------------------------------------------------------

SWAPS: dict[type, tuple[type, ...]] = {
    # comparisons: off by one, flipped, negated
    ast.Lt: (ast.LtE, ast.Gt),
    ast.LtE: (ast.Lt, ast.GtE),
    ast.Gt: (ast.GtE, ast.Lt),
    ast.GtE: (ast.Gt, ast.LtE),
    ast.Eq: (ast.NotEq,),
    ast.NotEq: (ast.Eq,),
    ast.In: (ast.NotIn,),
    ast.NotIn: (ast.In,),
    ast.Is: (ast.IsNot,),
    ast.IsNot: (ast.Is,),
    # arithmetic and masks
    ast.Add: (ast.Sub,),
    ast.Sub: (ast.Add,),
    ast.Mult: (ast.Div,),
    ast.Div: (ast.Mult,),
    ast.FloorDiv: (ast.Mult,),
    ast.Mod: (ast.FloorDiv,),
    ast.BitAnd: (ast.BitOr,),
    ast.BitOr: (ast.BitAnd,),
    ast.And: (ast.Or,),
    ast.Or: (ast.And,),
}
SYMBOLS = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.And: "and",
    ast.Or: "or",
}
CALL_SWAPS = {
    "min": "max",
    "max": "min",
    "any": "all",
    "all": "any",
    "head": "tail",
    "tail": "head",
}


@dataclass
class Mutant:
    target: Target
    qualname: str
    line: int
    kind: str  # the operator, e.g. "< → <="
    start: int  # byte offsets in the module's source
    end: int
    replacement: str
    original: str
    before: str = ""  # the whole lines, as they were and as the mutant has them
    after: str = ""
    id: str = ""
    source: bytes = b""  # the whole mutated module
    pristine: bytes = b""  # the whole module as it was
    status: str = ""  # killed, timeout, survived
    seconds: float = 0.0

    def text(self) -> str:
        return f"`{_short(self.before)}` → `{_short(self.after)}`"


def _short(text: str, width: int = 120) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= width else text[: width - 1] + "…"


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str | bytes)
    )


class _Finder(ast.NodeVisitor):
    """Every mutation point of one module, as (node, qualname, kind, replacement text)."""

    def __init__(self, source: bytes, names: tuple[str, ...] | None):
        self.source = source
        self.names = names
        self.stack: list[str] = []
        self.found: list[tuple[ast.AST, str, str, str]] = []

    # where to look
    def _selected(self) -> bool:
        return self.names is None or (bool(self.stack) and self.stack[0] in self.names)

    def visit_Module(self, node: ast.Module) -> None:
        for statement in _without_docstring(node.body):
            if isinstance(statement, ast.Import | ast.ImportFrom):
                continue
            if isinstance(statement, ast.Assign | ast.AnnAssign):
                targets = (
                    statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                )
                for name in (t.id for t in targets if isinstance(t, ast.Name)):
                    self.stack.append(name)
                    self._statement(statement)
                    self.stack.pop()
                continue
            self.visit(statement)

    def _statement(self, statement: ast.stmt) -> None:
        if isinstance(statement, ast.AnnAssign):  # the annotation is never mutated
            if statement.value is not None:
                self.visit(statement.value)
        else:
            self.visit(statement)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.stack.append(node.name)
        for default in node.args.defaults + [d for d in node.args.kw_defaults if d]:
            self.visit(default)
        for statement in _without_docstring(node.body):
            self._statement(statement)
        self.stack.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.stack.append(node.name)
        for statement in _without_docstring(node.body):
            self._statement(statement)
        self.stack.pop()

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        return  # message text

    def visit_Import(self, node) -> None:
        return

    visit_ImportFrom = visit_Import

    # what to change
    def add(self, node: ast.AST, kind: str, replacement: str) -> None:
        if self._selected():
            self.found.append((node, ".".join(self.stack), kind, replacement))

    def visit_Compare(self, node: ast.Compare) -> None:
        for index, op in enumerate(node.ops):
            for new in SWAPS.get(type(op), ()):
                changed = copy.deepcopy(node)
                changed.ops[index] = new()
                self.add(node, f"{SYMBOLS[type(op)]} → {SYMBOLS[new]}", ast.unparse(changed))
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        if not (_is_text(node.left) or _is_text(node.right)):  # no string building
            for new in SWAPS.get(type(node.op), ()):
                changed = copy.deepcopy(node)
                changed.op = new()
                self.add(node, f"{SYMBOLS[type(node.op)]} → {SYMBOLS[new]}", ast.unparse(changed))
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        for new in SWAPS.get(type(node.op), ()):
            changed = copy.deepcopy(node)
            changed.op = new()
            kind = f"{SYMBOLS[type(node.op)]}= → {SYMBOLS[new]}="
            self.add(node, kind, ast.unparse(changed))
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        new = SWAPS[type(node.op)][0]
        changed = copy.deepcopy(node)
        changed.op = new()
        self.add(node, f"{SYMBOLS[type(node.op)]} → {SYMBOLS[new]}", ast.unparse(changed))
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        names = {ast.Not: "not", ast.USub: "-", ast.Invert: "~"}
        if type(node.op) in names and not isinstance(node.operand, ast.Constant):
            self.add(node, f"{names[type(node.op)]} bort", ast.unparse(node.operand))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            self.add(node, f"{value} → {not value}", repr(not value))
        elif isinstance(value, int | float):
            for new in (value + 1, value - 1):
                self.add(node, f"{value!r} → {new!r}", repr(new))

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in CALL_SWAPS:
            self.add(func, f"{func.id} → {CALL_SWAPS[func.id]}", CALL_SWAPS[func.id])
        elif isinstance(func, ast.Attribute) and func.attr in CALL_SWAPS:
            changed = copy.deepcopy(func)
            changed.attr = CALL_SWAPS[func.attr]
            self.add(func, f".{func.attr} → .{changed.attr}", ast.unparse(changed))
        self.generic_visit(node)

    def _condition(self, test: ast.expr) -> None:
        plain = not isinstance(test, ast.Compare | ast.BoolOp) and not (
            isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
        )
        if plain:
            self.add(test, "villkor negerat", f"not ({ast.unparse(test)})")

    def visit_If(self, node: ast.If) -> None:
        self._condition(node.test)
        self.generic_visit(node)

    visit_While = visit_If
    visit_IfExp = visit_If

    def visit_comprehension(self, node: ast.comprehension) -> None:
        for test in node.ifs:
            self._condition(test)
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        if node.value is not None and not (
            isinstance(node.value, ast.Constant) and node.value.value is None
        ):
            self.add(node.value, "return None", "None")
        self.generic_visit(node)

    def visit_Continue(self, node: ast.Continue) -> None:
        self.add(node, "continue → break", "break")

    def visit_Break(self, node: ast.Break) -> None:
        self.add(node, "break → continue", "continue")


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    first = body[0] if body else None
    if isinstance(first, ast.Expr) and _is_text(first.value):
        return body[1:]
    return body


def _offsets(source: bytes) -> list[int]:
    """The byte offset where each line starts (ast positions are UTF-8 byte columns)."""
    starts, position = [0, 0], 0
    for line in source.splitlines(keepends=True):
        position += len(line)
        starts.append(position)
    return starts


def _tree(text: str, expression: bool) -> str | None:
    try:
        return ast.dump(
            ast.parse(f"({text})" if expression else text, mode="eval" if expression else "exec")
        )
    except SyntaxError:
        return None


def mutants(target: Target, root: Path = ROOT) -> list[Mutant]:
    """Every valid, distinct mutant of one target, with an id that survives unrelated edits."""
    source = (root / target.path).read_bytes()
    finder = _Finder(source, target.names)
    finder.visit(ast.parse(source))
    starts = _offsets(source)
    seen: set[tuple[int, int, str]] = set()
    result: list[Mutant] = []
    occurrences: dict[str, int] = {}
    stem = Path(target.path).stem
    for node, qualname, kind, replacement in finder.found:
        start = starts[node.lineno] + node.col_offset
        end = starts[node.end_lineno] + node.end_col_offset
        before = source[start:end].decode("utf-8")
        # Only the changed part is parsed (the whole module for each mutant takes seconds):
        # skipped when it does not parse, changes nothing, or another mutant made the same.
        expression = isinstance(node, ast.expr)
        new, old = _tree(replacement, expression), _tree(before, expression)
        if new is None or new == old or (start, end, new) in seen:
            continue
        seen.add((start, end, new))
        wrap = expression and not re.fullmatch(r"[\w.]+", replacement)  # a name or number: none
        text = f"({replacement})" if wrap else replacement
        mutated = source[:start] + text.encode("utf-8") + source[end:]
        key = f"{stem}:{qualname}:{kind}:{_short(before)}→{_short(replacement)}"
        occurrences[key] = occurrences.get(key, 0) + 1
        digest = hashlib.sha1(f"{key}#{occurrences[key]}".encode()).hexdigest()[:6]
        mutant = Mutant(target, qualname, node.lineno, kind, start, end, replacement, before)
        mutant.id, mutant.source, mutant.pristine = f"{stem}.{qualname}#{digest}", mutated, source
        first, last = starts[node.lineno], starts[node.end_lineno + 1]
        mutant.before = source[first:last].decode("utf-8")
        mutant.after = mutated[first : last + len(mutated) - len(source)].decode("utf-8")
        result.append(mutant)
    return result


# --- running them ----------------------------------------------------------------------


def _copy_tree(destination: Path) -> None:
    """The project's files (tracked or not ignored) into `destination`: no venv, no raw data."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        path = Path(os.fsdecode(name))
        if not (ROOT / path).is_file():
            continue  # deleted but still in the index
        (destination / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / path, destination / path)


def _child(slot: Path, tests: tuple[str, ...], log: Path) -> None:
    """In the forked child: the project from `slot`, pytest in-process; never returns."""
    try:
        os.setpgid(0, 0)  # its own group: a timeout kills what it started too
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        descriptor = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(descriptor, 1)
        os.dup2(descriptor, 2)
        os.chdir(slot)
        sys.dont_write_bytecode = True  # a mutant of equal size and mtime must not reuse a .pyc
        root = str(ROOT)
        sys.path[:] = [str(slot)] + [
            p for p in sys.path if p not in ("", ".") and os.path.realpath(p) != root
        ]
        import pytest

        code = pytest.main([*PYTEST_ARGS, *tests])
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(int(code))
    except BaseException:  # noqa: BLE001 - the child must never return into the parent's loop
        os._exit(99)


class Slots:
    """One copy of the tree per job; a mutant is written into a free copy and undone after."""

    def __init__(self, folder: Path, jobs: int):
        self.free: list[Path] = []
        for index in range(jobs):
            slot = folder / f"kopia-{index}"
            slot.mkdir()
            _copy_tree(slot)
            self.free.append(slot)
        self.running: dict[int, tuple[Path, Mutant | None, float, float]] = {}

    def start(self, tests: tuple[str, ...], mutant: Mutant | None, limit: float) -> None:
        slot = self.free.pop()
        if mutant is not None:
            (slot / mutant.target.path).write_bytes(mutant.source)
        shutil.rmtree(slot / ".hypothesis", ignore_errors=True)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(slot, tests, slot.parent / f"{slot.name}.log")
        self.running[pid] = (slot, mutant, time.monotonic(), limit)

    def wait(self) -> tuple[Mutant | None, str, float, Path]:
        """The next finished run: its mutant, 'passed'/'failed'/'timeout' and seconds."""
        while True:
            pid, status = os.waitpid(-1, os.WNOHANG)
            now = time.monotonic()
            if pid == 0:
                for child, (_, _, started, limit) in self.running.items():
                    if now - started > limit:
                        _kill(child)
                time.sleep(0.02)
                continue
            slot, mutant, started, limit = self.running.pop(pid)
            if mutant is not None:  # undone before the copy runs anything else
                (slot / mutant.target.path).write_bytes(mutant.pristine)
            self.free.append(slot)
            seconds = now - started
            if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
                return mutant, "passed", seconds, slot
            if os.WIFSIGNALED(status) and seconds > limit:
                return mutant, "timeout", seconds, slot
            return mutant, "failed", seconds, slot

    def stop(self) -> None:
        for child in list(self.running):
            _kill(child)
            os.waitpid(child, 0)
        self.running.clear()


def _interrupted(number: int, frame) -> None:
    raise KeyboardInterrupt


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)


def _preload() -> None:
    import importlib

    os.environ.setdefault("MPLBACKEND", "Agg")
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    if any(name == "pipeline" or name.startswith("pipeline.") for name in sys.modules):
        raise SystemExit(
            "tools.mutate: pipeline laddades före forken; varje kopia måste ladda sin egen."
        )


def run(targets: list[Target], jobs: int, found: list[Mutant]) -> dict[str, float]:
    """Run every mutant; returns each target's baseline seconds."""
    _preload()
    signal.signal(signal.SIGTERM, _interrupted)  # kill: children and copies go, as on Ctrl-C
    signal.signal(signal.SIGINT, _interrupted)  # also when started where SIGINT was ignored
    baselines: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="mutation-") as folder:
        slots = Slots(Path(folder), jobs)
        try:
            for target in targets:  # unmutated, one at a time: the tests must pass as they are
                slots.start(target.tests, None, 600)
                _, outcome, seconds, slot = slots.wait()
                if outcome != "passed":
                    log = (slot.parent / f"{slot.name}.log").read_text(errors="replace")
                    raise SystemExit(
                        f"Testerna för {target.path} går inte igenom utan mutant:\n{log}"
                    )
                baselines[target.path] = seconds
                print(f"{target.path}: {len(target.tests)} testfiler, {seconds:.1f} s utan mutant")
            queue = deque(found)
            done = 0
            while queue or slots.running:
                while queue and slots.free:
                    mutant = queue.popleft()
                    limit = 3 * baselines[mutant.target.path] + 10
                    slots.start(mutant.target.tests, mutant, limit)
                mutant, outcome, seconds, _ = slots.wait()
                mutant.status = {"passed": "survived", "failed": "killed"}.get(outcome, outcome)
                mutant.seconds = seconds
                done += 1
                mark = "ÖVERLEVDE" if mutant.status == "survived" else mutant.status
                print(
                    f"[{done}/{len(found)}] {mark:9} {mutant.id} rad {mutant.line}: {mutant.text()}"
                    f" ({seconds:.1f} s)",
                    flush=True,
                )
        finally:
            slots.stop()
    return baselines


# --- the report ------------------------------------------------------------------------


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the mutants)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def explanations() -> dict[str, str]:
    if not EXPLANATIONS.exists():
        return {}
    loaded = yaml.safe_load(EXPLANATIONS.read_text(encoding="utf-8")) or {}
    return {
        str(k): str(v["varfor"] if isinstance(v, dict) else v).strip() for k, v in loaded.items()
    }


def score(found: list[Mutant]) -> float:
    killed = sum(m.status in ("killed", "timeout") for m in found)
    survived = sum(m.status == "survived" for m in found)
    return killed / (killed + survived) if killed + survived else 1.0


def report(targets, found: list[Mutant], seconds: float, jobs: int, baselines, load) -> str:
    why = explanations()
    lines = [
        "# Mutationstester",
        "",
        "Skrivs av `make mutation` (`python -m tools.mutate`); förklaringarna till överlevande",
        f"mutanter står i `{EXPLANATIONS.relative_to(ROOT)}` under mutantens id.",
        "",
        f"Maskin: {machine()}. {jobs} mutanter åt gången; körtid {seconds / 60:.1f} minuter,"
        f" CPU-tid {load[2] / 60:.1f} minuter (medelbelastning {load[0]:.1f} vid start och"
        f" {load[1]:.1f} vid slut: maskinen kan vara delad).",
        "",
        f"**Poäng: {score(found):.1%} dödade** (mål: minst {GOAL:.0%}); dödade = testerna föll"
        " eller tog mer än 3 × tiden utan mutant + 10 s (timeout).",
        "",
        "| modul | testfiler (s utan mutant) | mutanter | dödade | timeout | överlevde | poäng |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for target in targets:
        own = [m for m in found if m.target is target]
        count = {s: sum(m.status == s for m in own) for s in ("killed", "timeout", "survived")}
        tests = ", ".join(f"`{Path(t).name}`" for t in target.tests)
        tests += f" ({baselines[target.path]:.0f} s)"
        lines.append(
            f"| `{target.path}` | {tests} | {len(own)} | {count['killed']} | {count['timeout']} "
            f"| {count['survived']} | {score(own):.1%} |"
        )
    survivors = [m for m in found if m.status == "survived"]
    lines += ["", f"## Överlevande mutanter ({len(survivors)})", ""]
    if not survivors:
        lines.append("Inga.")
    for mutant in survivors:
        explanation = why.get(mutant.id, "**OFÖRKLARAD**: lägg till ett test eller en förklaring.")
        lines += [
            f"- `{mutant.id}` ({mutant.target.path} rad {mutant.line}, {mutant.kind}): "
            f"{mutant.text()}",
            f"  {explanation}",
        ]
    stale = sorted({m.id for m in found if m.status != "survived"} & set(why))
    if stale:
        lines += ["", "Förklarade mutanter som testerna nu fångar (ta bort dem ur filen):"]
        lines += [f"- `{key}`" for key in stale]
    lines += [
        "",
        "Mutationerna: jämförelser ett steg och vända (`<` ↔ `<=`, `<` ↔ `>`, `==` ↔ `!=`,"
        " `in` ↔ `not in`, `is` ↔ `is not`), talkonstanter ±1, `+` ↔ `-`, `*` ↔ `/`, `&` ↔ `|`,"
        " `and` ↔ `or`, `True` ↔ `False`, `not`/`-`/`~` borttagna, villkor negerade, `min` ↔"
        " `max`, `any` ↔ `all`, `.head` ↔ `.tail`, returvärden till `None`, `continue` ↔"
        " `break`. Typannoteringar, docstrings och meddelandetexter ändras aldrig.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.mutate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--only", help="bara moduler vars sökväg innehåller texten")
    parser.add_argument("--list", action="store_true", help="visa mutanterna, kör inget")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--id", action="append", help="bara mutanten med detta id (flera går)")
    args = parser.parse_args(argv)
    targets = [t for t in TARGETS if not args.only or args.only in t.path]
    found = [m for t in targets for m in mutants(t)]
    if args.id:
        found = [m for m in found if m.id in args.id]
    if args.list:
        for mutant in found:
            print(f"{mutant.id} rad {mutant.line} ({mutant.kind}): {mutant.text()}")
        print(f"{len(found)} mutanter")
        return 0
    started, before, cpu = time.monotonic(), os.getloadavg()[0], _cpu_seconds()
    baselines = run(targets, max(1, args.jobs), found)
    seconds = time.monotonic() - started
    load = (before, os.getloadavg()[0], _cpu_seconds() - cpu)
    text = report(targets, found, seconds, max(1, args.jobs), baselines, load)
    complete = not args.only and not args.id
    if complete:
        RESULTS.write_text(text, encoding="utf-8")
    print(text)
    unexplained = [m.id for m in found if m.status == "survived" and m.id not in explanations()]
    if score(found) < GOAL:
        print(f"Poängen är under målet {GOAL:.0%}.")
    if unexplained:
        print(f"Överlevande mutanter utan förklaring: {', '.join(unexplained)}.")
    return 1 if score(found) < GOAL or unexplained else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("Avbrutet: inga mutanter finns kvar, de tillfälliga kopiorna är borttagna.")
        sys.exit(130)
