"""What a benchmark returns: measured rows, targets with met/not met, and notes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Row:
    """One measured number."""

    measure: str
    value: float
    unit: str


@dataclass(frozen=True)
class Target:
    """A goal for a measured value: `value ≤ limit` (or `≥` when `at_least`)."""

    goal: str
    value: float
    limit: float
    unit: str
    at_least: bool = False

    @property
    def met(self) -> bool:
        """True when the measured value satisfies the goal (NaN never does)."""
        if math.isnan(self.value):
            return False
        return self.value >= self.limit if self.at_least else self.value <= self.limit


@dataclass
class Result:
    """Everything one benchmark measured, ready to print and to write into the README."""

    title: str
    description: str
    rows: list[Row] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, measure: str, value: float, unit: str) -> None:
        """Record one measured number."""
        self.rows.append(Row(measure, value, unit))

    def target(
        self, goal: str, value: float, limit: float, unit: str, at_least: bool = False
    ) -> None:
        """Record a target and the value it is judged on."""
        self.targets.append(Target(goal, value, limit, unit, at_least))
