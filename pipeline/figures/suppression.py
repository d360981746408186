"""Small counts that protect: primary and secondary suppression of one published group.

A group is one breakdown of one figure for one year (kön of the year's referrals,
say), published together with its total. Hiding only the counts of 1 to
threshold-1 protects nothing: the total minus the visible counts gives the hidden
one. The contract's rule: when a group has a hidden count, further counts are
hidden, smallest first, until at least two are hidden and together they add up to
at least the threshold (or all are hidden).

The report also says *how* a count is hidden ("1–4" for a small count, ".." for
a secondary one), and the choice of secondary counts is public (smallest first).
So the rule is checked against a reader who knows all that: while any hidden
count could still be worked out exactly, the next smallest count is hidden too.
"""

from __future__ import annotations

from collections.abc import Mapping


def primary(counts: Mapping[str, int], threshold: int) -> set[str]:
    """The small counts themselves: 1 to threshold-1 (0 is shown: nobody to reveal)."""
    if threshold <= 0:
        return set()
    return {k for k, v in counts.items() if 1 <= v < threshold}


def protect(counts: Mapping[str, int], threshold: int) -> set[str]:
    """The categories to hide in one group: the small counts and enough others.

    Deterministic: ties are broken by the group's own category order.
    """
    hidden = primary(counts, threshold)
    if not hidden:
        return hidden
    order = list(counts)
    others = sorted(
        (k for k in counts if k not in hidden), key=lambda k: (counts[k], order.index(k))
    )
    while others and (
        len(hidden) < 2
        or sum(counts[k] for k in hidden) < threshold
        or recoverable(counts, hidden, primary(counts, threshold), threshold)
    ):
        hidden.add(others.pop(0))
    return hidden


def labelled(counts: Mapping[str, int], hidden: set[str], threshold: int) -> set[str]:
    """The hidden counts that may be shown as small ("1–4"); the others are shown as "..".

    When every count of a group is hidden and the "1–4" labels alone would still give
    the counts away (five counts of 1 behind a total of 5), every one is shown as "..".
    """
    small = primary(counts, threshold) & hidden
    return set() if recoverable(counts, hidden, small, threshold) else small


def bounds(
    counts: Mapping[str, int], hidden: set[str], small: set[str], threshold: int
) -> dict[str, tuple[int, int]]:
    """What a reader can work out about each hidden count: its lowest and highest value.

    The reader knows the total and the visible counts (so the hidden sum), that a
    count shown as small (`small`, "1–4") lies between 1 and threshold-1, and that
    any other hidden count is at most the smallest visible one (they are hidden
    smallest first); nothing is below 0.
    """
    hidden_sum = sum(counts[k] for k in hidden)
    visible = [v for k, v in counts.items() if k not in hidden]
    ceiling = min(visible) if visible else hidden_sum
    ranges = {
        k: (1, threshold - 1) if k in small else (0, min(ceiling, hidden_sum)) for k in hidden
    }
    result = {}
    for k in hidden:
        low, high = ranges[k]
        others_low = sum(ranges[o][0] for o in hidden if o != k)
        others_high = sum(ranges[o][1] for o in hidden if o != k)
        result[k] = (max(low, hidden_sum - others_high), min(high, hidden_sum - others_low))
    return result


def recoverable(
    counts: Mapping[str, int], hidden: set[str], small: set[str], threshold: int
) -> bool:
    """True when some hidden count can be pinned to one value by arithmetic."""
    return any(low == high for low, high in bounds(counts, hidden, small, threshold).values())
