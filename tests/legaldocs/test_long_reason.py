"""A proposal's reason may be as long as any reason: its task's description takes what
fits, the outcome keeps it whole."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.legaldocs import services
from motcua.legaldocs.models import ReviewOutcome
from tests.legaldocs.world import LegalWorld, build, documents, record, review


@pytest.fixture
def lw(world: Any) -> LegalWorld:
    return build(world)


def test_a_proposal_with_the_longest_reason_allowed_is_recorded(lw: LegalWorld) -> None:
    [d] = documents(lw, 1)
    rv = review(lw)
    reason = "x" * services.MAX_TEXT
    outcome = record(lw, rv, d, "propose_amend", reason=reason)
    assert outcome.reason == reason
    assert ReviewOutcome.objects.count() == 1
    assert outcome.task is not None
    assert len(outcome.task.description) == services.task_services.MAX_TEXT
