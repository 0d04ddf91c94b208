"""Who may draft a commitment, who sees it, who evaluates it.

- Drafting: a chairman whose unit reaches the agency's unit (the district's chairman for
  its land division, the province's too), or a superuser; never the head, a handling
  official, an administrator, nor another district's chairman.
- Seeing: the head, the chairman, the evaluator, and the unit-wide roles (chairman,
  inspector, administrator, ...) over the agency's unit; not the agency's staff, another
  agency's, nor another district's — for whom the API answers 404.
- Evaluating: the chairman who signed or a chairman over the unit, never the head."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from motcua.commitments import selectors, services
from motcua.commitments.models import Commitment, CommitmentEvent
from motcua.core.errors import NotFound, PermissionDenied
from motcua.org.models import Official, Role
from tests.commitments.world import make, signed
from tests.dossiers.world import vn
from tests.tasks.world import TaskWorld, build, official


@pytest.fixture
def tw(world: Any) -> TaskWorld:
    return build(world)


def person(tw: TaskWorld, who: str) -> Official:
    """A named person of the world, or one made here for these tests."""
    if who == "tnmt_head":
        return tw.tnmt_head
    made = {
        "tinh_chutich": ("tinh.chutich", tw.w.ubnd_tinh, Role.CHAIRMAN),
        "tk_chutich": ("tk.chutich", tw.w.tk_ubnd, Role.CHAIRMAN),
        "dl_thanhtra": ("dl.thanhtra", tw.w.dl_ubnd, Role.INSPECTOR),
        "dl_mc_head": ("dl.mc.head", tw.w.dl_one_stop, Role.UNIT_HEAD),
        "commune_chutich": ("ds.chutich", tw.w.dl_commune_ubnd, Role.CHAIRMAN),
    }
    if who in made:
        username, agency, role = made[who]
        return official(username, [(agency, role)])
    found = getattr(tw.w, who)
    assert isinstance(found, Official)
    return found


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("dl_chutich", True),  # the district's chairman
        ("tinh_chutich", True),  # the province's chairman reaches the district
        ("root", True),
        ("tnmt_head", False),  # the head does not draft his own commitment
        ("dl_tnmt_cv", False),  # a handling official of the agency
        ("dl_admin", False),  # unit-wide, but not a chairman
        ("dl_thanhtra", False),
        ("tk_chutich", False),  # another district's chairman
        ("commune_chutich", False),  # a commune's chairman does not reach the district
        ("nobody", False),
    ],
)
def test_who_may_draft_a_commitment(tw: TaskWorld, who: str, allowed: bool) -> None:
    actor = person(tw, who)
    if allowed:
        c = make(tw, actor=actor)
        assert (c.chairman, c.state) == (actor, "draft")
        return
    with pytest.raises(PermissionDenied) as caught:
        make(tw, actor=actor)
    assert caught.value.code == "commitment.forbidden"
    assert not Commitment.objects.exists()
    assert not CommitmentEvent.objects.exists()


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("tnmt_head", True),  # the head
        ("dl_chutich", True),  # the chairman
        ("dl_admin", True),  # unit-wide roles over the district
        ("dl_thanhtra", True),
        ("tinh_admin", True),  # the province's reach the district
        ("tinh_chutich", True),
        ("root", True),
        ("dl_tnmt_cv", False),  # the agency's staff
        ("dl_motcua", False),  # another agency of the district
        ("dl_mc_head", False),  # another agency's head
        ("commune_chutich", False),  # a commune's chairman: below the district
        ("tk_motcua", False),  # another district
        ("tk_chutich", False),
        ("nobody", False),
    ],
)
def test_who_sees_a_commitment(
    tw: TaskWorld, api: Callable[..., Any], who: str, sees: bool
) -> None:
    c = make(tw)
    viewer = person(tw, who)
    visible = list(selectors.commitments_visible(official=viewer))
    detail = api("get", f"/commitments/{c.pk}", viewer)
    events = api("get", f"/commitments/{c.pk}/events", viewer)
    listed = api("get", "/commitments", viewer)
    assert listed.status_code == 200
    listed_ids = [item["id"] for item in listed.json()["items"]]
    if sees:
        assert visible == [c]
        assert selectors.commitment_visible_or_404(official=viewer, pk=c.pk) == c
        assert detail.status_code == 200
        assert detail.json()["id"] == c.pk
        assert events.status_code == 200
        assert listed_ids == [c.pk]
    else:
        assert visible == []
        with pytest.raises(NotFound):
            selectors.commitment_visible_or_404(official=viewer, pk=c.pk)
        for response in (detail, events):
            assert response.status_code == 404
            assert response.json()["error"]["code"] == "commitment.not_found"
        assert listed_ids == []


def test_the_evaluator_sees_what_he_evaluates(tw: TaskWorld) -> None:
    """A chairman over the unit who did not sign may evaluate (the post may have changed
    hands during the year), and sees the commitment then."""
    c = signed(tw)
    tinh = person(tw, "tinh_chutich")
    c = services.commitment_act(
        commitment=c, actor=tinh, action="start_evaluation", payload={}, at=vn(2028, 1, 10, 9)
    )
    assert c.evaluator == tinh
    assert selectors.commitment_visible_or_404(official=tinh, pk=c.pk) == c
    assert services.may_evaluate(official=tinh, commitment=c) is True


@pytest.mark.parametrize(
    ("who", "may"),
    [
        ("dl_chutich", True),
        ("tinh_chutich", True),
        ("tnmt_head", False),
        ("dl_admin", False),
        ("dl_thanhtra", False),
        ("tk_chutich", False),
    ],
)
def test_who_may_evaluate(tw: TaskWorld, who: str, may: bool) -> None:
    c = signed(tw)
    assert services.may_evaluate(official=person(tw, who), commitment=c) is may


def test_a_chairman_who_heads_the_agency_may_not_evaluate_himself(tw: TaskWorld) -> None:
    """The district's chairman commits for the People's Committee with the province's;
    he is a chairman over his own unit, but the head is never the evaluator."""
    tinh = person(tw, "tinh_chutich")
    c = make(tw, actor=tinh, agency=tw.w.dl_ubnd, head=tw.w.dl_chutich)
    for who in (tw.w.dl_chutich, tinh):
        c = services.commitment_act(
            commitment=c, actor=who, action="sign", payload={}, at=vn(2027, 1, 6, 9)
        )
    assert services.may_evaluate(official=tw.w.dl_chutich, commitment=c) is False
    with pytest.raises(PermissionDenied):
        services.commitment_act(
            commitment=c,
            actor=tw.w.dl_chutich,
            action="start_evaluation",
            payload={},
            at=vn(2028, 1, 10, 9),
        )
    c.refresh_from_db()
    assert c.state == "signed"
