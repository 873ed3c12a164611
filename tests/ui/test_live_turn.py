"""The live turn's pieces that need no page: when the answer has begun."""

from __future__ import annotations

from switchboard.chat.events import Kind
from switchboard.chat.turns import TurnView
from switchboard.ui.live_turn import answer_begun


def test_the_answer_has_begun_once_the_counterpart_says_something() -> None:
    view = TurnView(turn=1, prompt="story")
    view.apply(Kind.TASK, {"task_id": "t1", "state": "submitted"})
    view.apply(Kind.STATUS, {"task_id": "t1", "state": "working"})
    assert not answer_begun(view), "a state alone: the first words are drawn the moment they come"
    view.apply(Kind.ARTIFACT, {"artifact_id": "a", "parts": [{"kind": "text", "text": "Once"}]})
    assert answer_begun(view)
    words = TurnView(turn=1)
    words.apply(Kind.STATUS, {"state": "working", "message": [{"kind": "text", "text": "Hm"}]})
    assert answer_begun(words)
