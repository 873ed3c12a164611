"""Deferred drawing: once, now or when its patience is spent."""

from __future__ import annotations

from switchboard.ui.deferred import Deferred


def test_it_draws_once_when_asked_and_not_before_its_patience_is_spent() -> None:
    drawn: list[str] = []
    waiting = Deferred(lambda: drawn.append("sidebar"), patience=3600)
    waiting.due()
    assert drawn == [], "patience not spent: not drawn"
    waiting.now()
    waiting.now()
    waiting.due()
    assert drawn == ["sidebar"], "drawn once"


def test_it_draws_when_due_once_its_patience_is_spent() -> None:
    drawn: list[str] = []
    spent = Deferred(lambda: drawn.append("sidebar"), patience=0)
    spent.due()
    spent.due()
    assert drawn == ["sidebar"]
