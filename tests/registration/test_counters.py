"""The workbench's to-do counters registration registers, and the "My registration" panel of a job
seeker's own page: each counter equals what its queue shows, reads the declared workflow, and costs
one query."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.constants import AccountType, StaffRole
from portal.scoping import has_staff_role
from portal.selectors import own_page_panels, todo_counters
from portal.workflow import available_moves
from registration.constants import EmploymentKind, UnemploymentStatus
from registration.models import HardshipCase
from registration.selectors.cases import cases_awaiting_step_count, cases_visible_to
from registration.selectors.commitments import attach_escalations, commitment_queue, overdue_commitments_count
from registration.selectors.registrations import unemployment_to_confirm_count
from registration.services.commitments import commitments_escalate
from registration.services.hardship import hardship_case_review
from tests.conftest import make_staff
from tests.factories import UserFactory
from tests.registration.factories import (
    EmploymentRegistrationFactory,
    PersonFactory,
    UnemploymentRegistrationFactory,
)
from tests.registration.factories_cases import ReferralCommitmentFactory, approved_case, submitted_case

pytestmark = pytest.mark.django_db
CLERKS = ["clerk@community", "clerk@street", "clerk@district"]
OTHERS = ["official@district", "official@city", "administrator@street", "administrator@district",
          "administrator@city"]


def counted(user) -> dict[str, int]:
    return {counter.key: counter.count for counter in todo_counters(user=user)}


def one_query(django_assert_max_num_queries, count, user):
    """At most one query (none when the user can take no such step anywhere)."""
    has_staff_role(user)  # the grants are read once per request (cached on the user)
    with django_assert_max_num_queries(1):
        return count(fetched_by=user)


# --- Overdue referral commitments -----------------------------------------------------------------


@pytest.fixture
def commitments(tree):
    today = timezone.localdate()
    made = {
        "fresh": ReferralCommitmentFactory(area=tree.c1, due_on=today + datetime.timedelta(days=3)),
        "late": ReferralCommitmentFactory(area=tree.c1, due_on=today - datetime.timedelta(days=1)),
        "very late": ReferralCommitmentFactory(area=tree.c1, due_on=today - datetime.timedelta(days=30)),
        "other district": ReferralCommitmentFactory(area=tree.c3, due_on=today - datetime.timedelta(days=30)),
    }
    commitments_escalate()
    return made


@pytest.mark.parametrize("position, expected", [("clerk@community", 2), ("clerk@street", 2), ("clerk@district", 1)])
def test_overdue_commitments_are_the_overdue_rows_of_my_queue(client, staff, commitments, position, expected,
                                                               django_assert_max_num_queries):
    user = staff[position]
    client.force_login(user)
    rows = client.get(reverse("staff-registration:commitment-list")).context["commitments"]
    assert sum(1 for row in rows if row.escalation.overdue) == expected
    assert one_query(django_assert_max_num_queries, overdue_commitments_count, user) == expected
    assert counted(user)["registration.commitments_overdue"] == expected


def test_the_overdue_counter_comes_first_on_the_workbench(client, staff, commitments):
    client.force_login(staff["clerk@community"])
    response = client.get(reverse("staff:workbench"))
    counters = response.context["counters"]
    assert counters[0].key == "registration.commitments_overdue" and counters[0].overdue
    assert counters[0].url == reverse("staff-registration:commitment-list")
    assert "逾期的推荐就业承诺" in response.content.decode()


@pytest.mark.parametrize("position", OTHERS)
def test_who_is_no_clerk_has_no_registration_counters(staff, commitments, position):
    user = staff[position]
    assert overdue_commitments_count(fetched_by=user) is None
    assert cases_awaiting_step_count(fetched_by=user) is None
    assert unemployment_to_confirm_count(fetched_by=user) is None
    assert not {key for key in counted(user) if key.startswith("registration.")}


def test_a_met_commitment_is_not_overdue(staff, commitments):
    commitments["late"].status = "met"
    commitments["late"].save()
    assert overdue_commitments_count(fetched_by=staff["clerk@community"]) == 1
    queue = attach_escalations(list(commitment_queue(fetched_by=staff["clerk@community"])))
    assert [c.pk for c in queue if c.escalation.overdue] == [commitments["very late"].pk]


# --- Hard-to-employ cases awaiting my step -------------------------------------------------------


def test_cases_awaiting_my_step_are_what_available_moves_offers(staff, tree, django_assert_max_num_queries):
    intake = submitted_case(staff, PersonFactory(area=tree.c1))
    reviewed = submitted_case(staff, PersonFactory(area=tree.c1))
    hardship_case_review(actor=staff["clerk@street"], case=reviewed)
    approved_case(staff, PersonFactory(area=tree.c1))  # approved: nobody's forward step
    expected = {"clerk@community": 0, "clerk@street": 1, "clerk@district": 1}
    for position, count in expected.items():
        user = staff[position]
        offered = [case for case in cases_visible_to(fetched_by=user)
                   if {"review", "approve"} & set(available_moves(user, case))]
        assert len(offered) == count, position
        assert one_query(django_assert_max_num_queries, cases_awaiting_step_count, user) == count
        assert counted(user)["registration.cases_awaiting_step"] == count
    assert [c.pk for c in cases_visible_to(fetched_by=staff["clerk@street"])
            if "review" in available_moves(staff["clerk@street"], c)] == [intake.pk]


def test_maker_is_not_the_checker_in_the_count(staff, tree):
    """A district clerk who reviewed a case as a street clerk too does not count it to approve."""
    both = make_staff(StaffRole.CLERK, tree.s1)
    from portal.models import RoleGrant

    RoleGrant.objects.create(user=both, role=StaffRole.CLERK, area=tree.d1)
    case = submitted_case(staff, PersonFactory(area=tree.c1))
    assert cases_awaiting_step_count(fetched_by=both) == 1  # the intake, to review
    hardship_case_review(actor=both, case=case)
    both = type(both).objects.get(pk=both.pk)
    assert "approve" not in available_moves(both, HardshipCase.objects.get(pk=case.pk))
    assert cases_awaiting_step_count(fetched_by=both) == 0
    assert cases_awaiting_step_count(fetched_by=staff["clerk@district"]) == 1


# --- Online unemployment applications to confirm ------------------------------------------------


def test_applications_to_confirm_are_the_pending_ones_in_my_area(client, staff, tree, django_assert_max_num_queries):
    pending = UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c1), status=UnemploymentStatus.PENDING,
                                              applied_online=True)
    UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c1))  # open
    UnemploymentRegistrationFactory(person=PersonFactory(area=tree.c3), status=UnemploymentStatus.PENDING)
    for position in CLERKS:
        user = staff[position]
        assert one_query(django_assert_max_num_queries, unemployment_to_confirm_count, user) == 1
        assert counted(user)["registration.unemployment_to_confirm"] == 1
    assert unemployment_to_confirm_count(fetched_by=make_staff(StaffRole.CLERK, tree.d2)) == 1
    assert unemployment_to_confirm_count(fetched_by=make_staff(StaffRole.CLERK, tree.c2)) == 0
    client.force_login(staff["clerk@community"])
    response = client.get(reverse("staff-registration:unemployment-to-confirm"))
    assert list(response.context["registrations"]) == [pending]


# --- The job seeker's own page --------------------------------------------------------------------


def test_an_unlinked_seeker_is_told_how_to_link(client, job_seeker):
    panels = {panel.key: panel for panel in own_page_panels(user=job_seeker)}
    assert panels["registration.me"].context == {"person": None}
    client.force_login(job_seeker)
    page = client.get(reverse("me")).content.decode()
    assert "我的登记" in page and reverse("registration:me") in page and "身份证号码" in page


def test_a_linked_seeker_sees_registration_and_commitment(client, staff, tree, job_seeker):
    person = PersonFactory(area=tree.c1, account=job_seeker)
    UnemploymentRegistrationFactory(person=person, registered_on=timezone.localdate() - datetime.timedelta(days=9))
    commitment = approved_case(staff, person).commitment
    client.force_login(job_seeker)
    page = client.get(reverse("me")).content.decode()
    assert 'id="panel-unemployment"' in page and "已登记失业" in page
    assert commitment.due_on.isoformat() in page
    EmploymentRegistrationFactory(person=person, kind=EmploymentKind.FLEXIBLE, employer_name="个体经营")
    assert "个体经营" in client.get(reverse("me")).content.decode()


def test_the_panel_is_for_job_seekers_only(staff):
    employer = UserFactory(account_type=AccountType.EMPLOYER)
    for user in (employer, staff["clerk@community"]):
        assert "registration.me" not in {panel.key for panel in own_page_panels(user=user)}
