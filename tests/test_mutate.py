"""make mutation's own promises, checked without running it (that takes minutes)."""

from __future__ import annotations

import ast
from collections import Counter

import pytest
import yaml

from pipeline import config
from tools import mutate


@pytest.fixture(scope="module")
def found() -> dict[str, list[mutate.Mutant]]:
    return {t.path: mutate.mutants(t) for t in mutate.TARGETS}


def test_targets_and_their_tests_exist():
    for target in mutate.TARGETS:
        assert (config.ROOT / target.path).is_file(), target.path
        for test in target.tests:
            assert (config.ROOT / test).is_file(), test


def test_the_rules_the_issue_broke_are_among_the_mutants(found):
    texts = {m.text() for m in found["pipeline/figures/aggregate.py"]}
    assert "`WAIT_LIMIT_DAYS = 30` → `WAIT_LIMIT_DAYS = 31`" in texts
    assert any("(waits < WAIT_LIMIT_DAYS)" in t for t in texts)
    assert any("int(counts.get(number, 1))" in t for t in texts)  # a month without cases as 1
    suppression = {m.text() for m in found["pipeline/figures/suppression.py"]}
    assert any("sum((counts[k] for k in hidden)) <= threshold" in t for t in suppression)
    measures = {m.text() for m in found["pipeline/comparison/measures.py"]}
    assert any("len(exact) * 4" in t for t in measures)  # the rank's quarters
    table = found["pipeline/comparison/table.py"]
    assert {m.qualname.split(".")[0] for m in table} <= set(mutate.TARGETS[4].names)
    assert any("denominator.number <= SMALL_BASE" in m.text() for m in table)  # small base


def _untouchable(text: str) -> Counter:
    """Docstrings, message text and type annotations in a piece of code."""
    try:
        tree = ast.parse(f"({text})", mode="eval")
    except SyntaxError:
        tree = ast.parse(text)  # a statement
    kept = Counter()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            kept[node.value] += 1
        elif isinstance(node, ast.JoinedStr):
            kept[ast.unparse(node)] += 1
        for annotation in ("annotation", "returns"):
            if getattr(node, annotation, None) is not None:
                kept[ast.unparse(getattr(node, annotation))] += 1
    return kept


def test_a_mutant_changes_its_own_span_and_no_text_or_annotation(found):
    """Outside its span a mutant is the module byte for byte; inside, it may drop a whole
    expression (a return value made None), never alter or add text."""
    for path, mutants in found.items():
        pristine = (config.ROOT / path).read_bytes()
        for index, mutant in enumerate(mutants):
            assert mutant.pristine == pristine
            tail = len(pristine) - mutant.end
            assert mutant.source[: mutant.start] == pristine[: mutant.start], mutant.id
            assert mutant.source[len(mutant.source) - tail :] == pristine[mutant.end :], mutant.id
            assert not _untouchable(mutant.replacement) - _untouchable(mutant.original), mutant.id
            if index % 10 == 0:  # the splice keeps the module valid Python (a sample: speed)
                ast.parse(mutant.source)


def test_ids_are_unique_and_every_explanation_names_a_mutant(found):
    ids = [m.id for mutants in found.values() for m in mutants]
    assert len(ids) == len(set(ids))
    explained = yaml.safe_load(mutate.EXPLANATIONS.read_text(encoding="utf-8"))
    assert set(explained) <= set(ids), "a changed line gives a mutant a new id: update the file"
    assert all(entry["varfor"].strip() for entry in explained.values())
