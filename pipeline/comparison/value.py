"""One value of the comparison: a number, hidden, a lower bound, or missing, and its text;
and a target (malvarden.csv) such a value is held against.

Hidden counts stay hidden: a value built on one is `..`, and a sum that includes
one is shown only as a lower bound ("≥ 312"). Missing (a file without the figure,
or no denominator) is `–`, never 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.contract.comparison import Better, TargetStatus
from pipeline.publish.formatting import MISSING, SECONDARY, number, round_half_away

SUPPRESSED = SECONDARY  # '..': hidden to protect individuals
NEAR_BAND = 0.10  # a target is near within 10 % of it


@dataclass(frozen=True)
class Value:
    """One cell: a number, hidden, a lower bound, or missing (number None)."""

    number: float | None = None
    suppressed: bool = False
    at_least: bool = False  # the number is a lower bound (a hidden count is in the sum)

    @property
    def exact(self) -> bool:
        return self.number is not None and not self.suppressed and not self.at_least

    def rounded(self, decimals: int) -> float | None:
        """The number as published: rounded half away from zero (the contract's rule)."""
        return None if self.number is None else round_half_away(self.number, decimals)

    def text(self, decimals: int = 1) -> str:
        """'6,6', '..', '≥ 48,2' or '–': how every document shows a value."""
        if self.suppressed:
            return SUPPRESSED
        if self.number is None:
            return MISSING
        shown = number(self.rounded(decimals), decimals)
        return f"≥ {shown}" if self.at_least else shown


MISSING_VALUE = Value()
HIDDEN = Value(suppressed=True)


@dataclass(frozen=True)
class Target:
    matt: str
    malvarde: float
    battre: Better  # HIGHER or LOWER

    def status(self, value: Value) -> TargetStatus | None:
        """Met, near (within 10 % of the target) or not met; None without an exact value."""
        if not value.exact:
            return None
        number, goal, band = value.number, self.malvarde, abs(self.malvarde) * NEAR_BAND
        if self.battre == Better.HIGHER:
            if number >= goal:
                return TargetStatus.MET
            return TargetStatus.NEAR if number >= goal - band else TargetStatus.NOT_MET
        if number <= goal:
            return TargetStatus.MET
        return TargetStatus.NEAR if number <= goal + band else TargetStatus.NOT_MET

    @property
    def bound_word(self) -> str:
        """'minst' or 'högst': how a heading says the target."""
        return "minst" if self.battre == Better.HIGHER else "högst"
