"""Suppression that protects: no hidden count can be worked out from what is published.

The attacker here is independent of pipeline.figures.suppression's own arithmetic: it
enumerates, for each hidden count, every value consistent with the published
total, the visible counts and the marks ("1–4" for a small count, ".." for any
other hidden count, which is at most the smallest visible count).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.figures.suppression import labelled, protect


def possible_values(
    counts: dict[str, int], hidden: set[str], small: set[str], threshold: int, marked=True
):
    """Per hidden category, every value it could have given what is published.

    `marked`: the reader sees which hidden counts are small ("1–4") and which are not
    (".."; those are at most the smallest visible count). In the csv every hidden count
    looks the same: each is then either small or at most the smallest visible count.
    """
    total = sum(counts.values())
    visible = [v for k, v in counts.items() if k not in hidden]
    hidden_sum = total - sum(visible)
    ceiling = min(visible) if visible else hidden_sum
    if not marked:
        ceiling = max(ceiling, threshold - 1)
    options = {
        k: range(1, threshold) if k in small else range(0, ceiling + 1) for k in sorted(hidden)
    }
    result = {}
    for k in options:
        others = [options[o] for o in options if o != k]
        sums = {0}
        for values in others:  # every sum the other hidden counts can make
            sums = {s + v for s in sums for v in values if s + v <= hidden_sum}
        result[k] = {v for v in options[k] if hidden_sum - v in sums}
    return result


groups = st.dictionaries(
    keys=st.sampled_from(["Kvinna", "Man", "Annat", "0–17", "18–29", "30–44", "80+"]),
    values=st.integers(min_value=0, max_value=40),
    min_size=2,
    max_size=7,
)


@settings(max_examples=300, deadline=None)
@given(groups, st.integers(min_value=1, max_value=10))
def test_no_hidden_count_can_be_pinned(counts, threshold):
    hidden = protect(counts, threshold)
    small = labelled(counts, hidden, threshold)
    # Every small count is hidden; the true values are always among the possible ones.
    assert {k for k, v in counts.items() if 1 <= v < threshold} <= hidden
    values = possible_values(counts, hidden, small, threshold)
    for k in hidden:
        assert counts[k] in values[k]
        assert len(values[k]) >= 2, (counts, threshold, sorted(hidden), k, values[k])


@settings(max_examples=300, deadline=None)
@given(groups, st.integers(min_value=1, max_value=10))
def test_the_contract_rule_holds(counts, threshold):
    hidden = protect(counts, threshold)
    if not hidden:
        assert all(v == 0 or v >= threshold for v in counts.values())
        return
    assert hidden == set(counts) or (
        len(hidden) >= 2 and sum(counts[k] for k in hidden) >= threshold
    )
    # Secondary counts are taken smallest first: none visible is smaller than one hidden.
    visible = [v for k, v in counts.items() if k not in hidden]
    if visible:
        assert max(counts[k] for k in hidden) <= min(visible) or all(
            1 <= counts[k] < threshold for k in hidden if counts[k] > min(visible)
        )


def test_the_examples_from_the_issue():
    # Kvinna 44, Man 23, Annat 2 of 69: Annat alone would be 69 − 44 − 23.
    counts = {"Kvinna": 44, "Man": 23, "Annat/uppger ej": 2}
    assert protect(counts, 5) == {"Annat/uppger ej", "Man"}
    # Two counts of 4 behind a hidden sum of 8 would both be 4: a third is hidden.
    assert protect({"a": 4, "b": 4, "c": 50}, 5) == {"a", "b", "c"}


def test_threshold_zero_turns_it_off():
    assert protect({"a": 1, "b": 2}, 0) == set()
