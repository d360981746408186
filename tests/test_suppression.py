"""Suppression that protects: no hidden count can be worked out from what is published.

The attacker here is independent of pipeline.figures.suppression's own arithmetic: it
enumerates, for each hidden count, every value consistent with the published
total, the visible counts and the marks ("1–4" for a small count, ".." for any
other hidden count, which is at most the smallest visible count).
"""

from __future__ import annotations

import pytest
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


def test_the_examples_from_the_issue():
    # Kvinna 44, Man 23, Annat 2 of 69: Annat alone would be 69 − 44 − 23.
    counts = {"Kvinna": 44, "Man": 23, "Annat/uppger ej": 2}
    assert protect(counts, 5) == {"Annat/uppger ej", "Man"}
    # Two counts of 4 behind a hidden sum of 8 would both be 4: a third is hidden.
    assert protect({"a": 4, "b": 4, "c": 50}, 5) == {"a", "b", "c"}


def test_threshold_zero_turns_it_off():
    assert protect({"a": 1, "b": 2}, 0) == set()


# --- the rule's edges, exactly (issue 18): the property tests below only bound it --------


def test_a_count_equal_to_the_threshold_is_not_small():
    assert protect({"a": 5, "b": 6}, 5) == set()
    assert protect({"a": 0, "b": 6}, 5) == set()  # 0 is shown: nobody to reveal
    assert labelled({"a": 4, "b": 1, "c": 9}, {"a", "b"}, 5) == {"a", "b"}  # 4 is small


def test_hiding_stops_when_the_hidden_sum_equals_the_threshold():
    # 1 + 4 = 5: two hidden, together the threshold. Nothing more is hidden.
    counts = {"18–29": 1, "30–44": 4, "45–64": 20, "65–79": 30}
    assert protect(counts, 5) == {"18–29", "30–44"}
    assert labelled(counts, protect(counts, 5), 5) == {"18–29", "30–44"}


def test_hiding_goes_on_when_the_hidden_sum_is_one_below():
    # 1 + 3 = 4 < 5: the next smallest (20) is hidden too, as "..".
    counts = {"18–29": 1, "30–44": 3, "45–64": 20, "65–79": 30}
    assert protect(counts, 5) == {"18–29", "30–44", "45–64"}
    assert labelled(counts, protect(counts, 5), 5) == {"18–29", "30–44"}


def test_one_small_count_takes_the_smallest_other_first():
    # The 5 (not small) is hidden with the 1, not the 7; 0 is the smallest of all.
    assert protect({"a": 5, "b": 1, "c": 7}, 5) == {"a", "b"}
    assert protect({"a": 0, "b": 1, "c": 9, "d": 9}, 5) == {"a", "b", "c"}


def test_ties_go_by_the_groups_own_order():
    assert protect({"x": 9, "y": 1, "z": 9}, 5) == {"y", "x"}
    assert protect({"z": 9, "y": 1, "x": 9}, 5) == {"y", "z"}


def test_small_counts_that_protect_each_other_need_no_more():
    counts = {"a": 2, "b": 2, "c": 2, "d": 30}
    assert protect(counts, 5) == {"a", "b", "c"}
    assert labelled(counts, {"a", "b", "c"}, 5) == {"a", "b", "c"}


def test_small_labels_are_dropped_when_they_would_tell():
    counts = dict.fromkeys("abcde", 1)  # five "1–4" behind a total of 5: each is 1
    assert protect(counts, 5) == set(counts)
    assert labelled(counts, set(counts), 5) == set()


@pytest.mark.parametrize(
    ("counts", "threshold", "hidden", "small"),
    [
        # A "1–1" label would say the count is 1: both are shown as "..".
        ({"a": 1, "b": 2}, 2, {"a", "b"}, set()),
        ({"a": 0, "b": 1}, 2, {"a", "b"}, set()),
        ({"a": 0, "b": 1, "c": 2}, 2, {"a", "b", "c"}, set()),
        # "1–2" beside a ".." that may be 0: the hidden sum 1 would make them 1 and 0.
        ({"a": 0, "b": 1}, 3, {"a", "b"}, set()),
        # a "1–2" and b ".." (at most the smallest visible, 3) add up to 5: only 2 + 3 does,
        # so a third count is hidden.
        ({"a": 2, "b": 3, "c": 3, "d": 4}, 3, {"a", "b", "c"}, {"a"}),
        ({"a": 2, "b": 3, "c": 3}, 3, {"a", "b", "c"}, {"a"}),
    ],
)
def test_small_groups_where_a_label_or_a_bound_would_tell(counts, threshold, hidden, small):
    assert protect(counts, threshold) == hidden
    assert labelled(counts, hidden, threshold) == small
    values = possible_values(counts, hidden, small, threshold)
    assert all(len(values[k]) >= 2 for k in hidden), values


# --- properties: any group, any threshold ------------------------------------------------


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
