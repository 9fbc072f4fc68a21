"""Cross-district help (异地帮扶): propose, accept (the case moves), decline; the sender keeps sight."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from portal.constants import StaffRole
from portal.models import Area, AuditEvent
from portal.workflow import available_moves
from registration.constants import HandoverStatus, HardshipStatus, RegistrationEvent
from registration.models import (
    CaseHandover,
    FollowUpVisit,
    HardshipCase,
    ReferralCommitment,
)
from registration.selectors.cases import (
    case_for_staff,
    cases_visible_to,
    handover_for_staff,
    handovers_incoming,
    handovers_outgoing,
)
from registration.services.followups import followups_schedule
from registration.services.handovers import (
    handover_accept,
    handover_decline,
    handover_propose,
)
from tests.conftest import make_staff
from tests.registration.factories import PersonFactory
from tests.registration.factories_cases import (
    approved_case,
    error_codes,
    submitted_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def receiving(tree):
    """A clerk of district d2 (武昌区)."""
    return make_staff(StaffRole.CLERK, tree.d2)


@pytest.fixture
def case(staff, tree):
    return approved_case(staff, PersonFactory(area=tree.c1))


def propose(staff, case, tree, reason="本人长期居住在武昌区"):
    return handover_propose(actor=staff["clerk@district"], case=case, to_district=tree.d2, reason=reason)


def test_a_district_hands_a_case_over_and_the_receiver_moves_it_with_its_commitment_and_visits(
        staff, tree, case, receiving):
    visits = followups_schedule(person=case.person, case=case, placed_on=case.approved_on)
    handover = propose(staff, case, tree)
    assert (handover.status, handover.area, handover.to_district, handover.to_path) == (
        HandoverStatus.PROPOSED, tree.d1, tree.d2, tree.d2.path)
    assert list(handovers_incoming(fetched_by=receiving)) == [handover]
    assert list(handovers_outgoing(fetched_by=staff["clerk@district"])) == [handover]

    accepted = handover_accept(actor=receiving, handover=handover, handling_area=tree.c3, note="由积玉桥街道跟进")
    assert (accepted.status, accepted.decided_by) == (HandoverStatus.ACCEPTED, receiving)
    case = HardshipCase.objects.get(pk=case.pk)
    assert (case.area, case.area_path) == (tree.c3, tree.c3.path)
    commitment = ReferralCommitment.objects.get(case=case)
    assert (commitment.area, commitment.area_path) == (tree.c3, tree.c3.path)
    assert {(v.area_id, v.area_path) for v in FollowUpVisit.objects.filter(pk__in=[v.pk for v in visits])} == {
        (tree.c3.pk, tree.c3.path)}
    assert AuditEvent.objects.filter(event_type=RegistrationEvent.HARDSHIP_MOVED, object_id=str(case.pk)).exists()


def test_after_acceptance_the_sender_sees_the_case_read_only_and_the_receiver_acts(staff, tree, case, receiving):
    handover_accept(actor=receiving, handover=propose(staff, case, tree), handling_area=tree.c3)
    sender = staff["clerk@district"]
    assert case_for_staff(fetched_by=sender, pk=case.pk) == case
    assert not available_moves(sender, case_for_staff(fetched_by=sender, pk=case.pk))
    assert "end" in available_moves(receiving, case_for_staff(fetched_by=receiving, pk=case.pk))
    assert list(cases_visible_to(fetched_by=receiving)) == [case]
    # The handover belongs to the sending district: its community clerk no longer sees the case.
    assert case_for_staff(fetched_by=staff["clerk@community"], pk=case.pk) is None
    from registration.services.hardship import hardship_case_end

    with pytest.raises(Http404):
        hardship_case_end(actor=sender, case=case, note="不再跟进")
    # A third district sees nothing.
    third = make_staff(StaffRole.CLERK, Area.objects.get(code="420103000000"))
    assert case_for_staff(fetched_by=third, pk=case.pk) is None


def test_the_receiver_declines_with_a_reason_and_the_case_stays(staff, tree, case, receiving):
    handover = propose(staff, case, tree)
    with pytest.raises(ValidationError) as caught:
        handover_decline(actor=receiving, handover=handover, reason="")
    assert error_codes(caught.value) == {"decision_note": ["required"]}
    declined = handover_decline(actor=receiving, handover=handover, reason="本区无对应岗位资源")
    assert (declined.status, declined.decision_note) == (HandoverStatus.DECLINED, "本区无对应岗位资源")
    assert HardshipCase.objects.get(pk=case.pk).area == tree.c1
    assert case_for_staff(fetched_by=receiving, pk=case.pk) is None
    # A declined case can be proposed again.
    assert propose(staff, case, tree).pk != handover.pk


def test_proposal_bad_input(staff, tree, case):
    with pytest.raises(ValidationError) as caught:
        handover_propose(actor=staff["clerk@district"], case=case, to_district=tree.d1, reason="")
    assert error_codes(caught.value) == {"to_district": ["same_district"], "reason": ["required"]}
    with pytest.raises(ValidationError) as caught:
        handover_propose(actor=staff["clerk@district"], case=case, to_district=tree.c3, reason="x" * 301)
    assert error_codes(caught.value) == {"to_district": ["level"], "reason": ["max_length"]}
    propose(staff, case, tree)
    with pytest.raises(ValidationError) as caught:
        propose(staff, case, tree)
    assert error_codes(caught.value) == {"case": ["duplicate"]}
    intake = submitted_case(staff, PersonFactory(area=tree.c1))
    with pytest.raises(ValidationError) as caught:
        handover_propose(actor=staff["clerk@district"], case=intake, to_district=tree.d2, reason="迁居")
    assert error_codes(caught.value) == {"case": ["not_approved"]}
    assert CaseHandover.objects.count() == 1


def test_the_handling_area_must_be_a_street_or_community_of_the_receiving_district(staff, tree, case, receiving):
    handover = propose(staff, case, tree)
    for area, code in ((None, "required"), (tree.c1, "outside"), (tree.d2, "outside")):
        with pytest.raises(ValidationError) as caught:
            handover_accept(actor=receiving, handover=handover, handling_area=area)
        assert error_codes(caught.value) == {"handling_area": [code]}
    assert CaseHandover.objects.get(pk=handover.pk).status == HandoverStatus.PROPOSED


@pytest.mark.parametrize("position", ["clerk@community", "clerk@street", "official@district"])
def test_only_a_district_clerk_proposes(staff, tree, case, position):
    with pytest.raises(Http404):
        handover_propose(actor=staff[position], case=case, to_district=tree.d2, reason="迁居")


def test_only_the_receiving_district_decides(staff, tree, case):
    handover = propose(staff, case, tree)
    for actor in (staff["clerk@district"], make_staff(StaffRole.CLERK, tree.c3),
                  make_staff(StaffRole.CLERK, Area.objects.get(code="420103000000"))):
        with pytest.raises(Http404):
            handover_accept(actor=actor, handover=handover, handling_area=tree.c3)
        with pytest.raises(Http404):
            handover_decline(actor=actor, handover=handover, reason="不接收")
    assert CaseHandover.objects.get(pk=handover.pk).status == HandoverStatus.PROPOSED
    assert handover_for_staff(fetched_by=staff["clerk@community"], pk=handover.pk) is None


def test_a_case_ended_before_acceptance_cannot_be_taken_over(staff, tree, case, receiving):
    from registration.services.hardship import hardship_case_end

    handover = propose(staff, case, tree)
    hardship_case_end(actor=staff["clerk@district"], case=case, note="已退休")
    with pytest.raises(ValidationError) as caught:
        handover_accept(actor=receiving, handover=handover, handling_area=tree.c3)
    assert error_codes(caught.value) == {"case": ["not_approved"]}
    assert HardshipCase.objects.get(pk=case.pk).status == HardshipStatus.ENDED
