"""Submitting, correcting, resubmitting and withdrawing subsidy applications: online by a job seeker
or an employer, at the community window for anyone of the community (an agency's too)."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.utils import timezone

from portal.constants import AccountType, StaffRole
from portal.models import AuditEvent
from portal.notifications import Notification
from portal.reference.calendar import add_working_days
from portal.workflow import transition
from registration.retirement import add_months
from subsidies.constants import APPLICATION_WORKFLOW, ApplicantType, ApplicationStatus, Channel, ProgrammeKind
from subsidies.models import Application
from subsidies.services.applications import (
    ApplicationExists,
    application_correct,
    application_resubmit,
    application_submit,
    application_withdraw,
)
from tests.conftest import make_staff
from tests.factories import UserFactory
from tests.registration.factories import PersonFactory
from tests.subsidies.apply_support import (
    graduate_hire,
    hard_to_employ_flexible,
    identity_of,
    linked_seeker,
    months_from_now,
    programme,
    public_welfare_post,
    referral_placement,
    social_insurance_input,
)
from tests.subsidies.factories import ProgrammeVersionFactory

pytestmark = pytest.mark.django_db


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {name: [e.code for e in errors] for name, errors in exc.error_dict.items()}


@pytest.fixture
def seeker(tree):
    person = hard_to_employ_flexible(tree.c1, name="李梅")
    return linked_seeker(person)


@pytest.fixture
def social():
    return programme(ProgrammeKind.SOCIAL_INSURANCE)


@pytest.fixture
def window(tree):
    return make_staff(StaffRole.CLERK, tree.c1)


# --- Online by a job seeker -----------------------------------------------------------------------


def test_seeker_submits_online_with_amounts_snapshot_due_date_audit_and_notice(seeker, social):
    application = application_submit(actor=seeker, programme=social, **social_insurance_input())
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.channel == Channel.ONLINE
    assert application.applicant_type == ApplicantType.PERSON
    assert application.person.account == seeker and application.applicant_account == seeker
    assert application.area == application.person.area
    # 2/3 of 600 yuan = 400 yuan a month, three months.
    assert (application.monthly_amount_fen, application.amount_requested_fen) == (40_000, 120_000)
    assert application.needs_city_approval is False
    assert application.version == social.versions.get()
    assert application.due_on == add_working_days(timezone.localdate(), 5).due_on
    snapshot = application.eligibility
    assert snapshot["eligible"] is True and snapshot["version"] == 1
    assert {f["code"] for f in snapshot["findings"]} >= {"hard_to_employ", "flexible_employment", "months_limit"}
    assert AuditEvent.objects.filter(event_type="subsidy.application_submitted", object_id=str(application.pk)).exists()
    notice = Notification.objects.get(recipient=seeker)
    assert str(application.pk) in notice.text and notice.link == f"/subsidies/my/applications/{application.pk}/"


def test_amount_above_the_programmes_threshold_needs_city_approval(seeker):
    generous = programme(ProgrammeKind.SOCIAL_INSURANCE, city_approval_above_fen=100_000)
    application = application_submit(actor=seeker, programme=generous, **social_insurance_input())
    assert application.amount_requested_fen == 120_000 and application.needs_city_approval is True


def test_ineligible_claim_is_refused_with_the_findings_in_words_on_the_fields_at_fault(tree, social):
    person = PersonFactory(area=tree.c1)  # neither hard-to-employ nor flexibly employed
    user = linked_seeker(person)
    with pytest.raises(ValidationError) as caught:
        application_submit(actor=user, programme=social,
                           **social_insurance_input(period_end=months_from_now(40)))
    found = codes(caught.value)
    assert found["__all__"] == ["not_eligible.hard_to_employ", "not_eligible.flexible_employment"]
    assert found["period_end"] == ["not_eligible.months_limit"]
    assert all(text.strip() for text in caught.value.message_dict["__all__"])
    assert not Application.objects.exists()


def test_seeker_without_a_linked_person_is_told_to_link_the_account(tree, social):
    user = UserFactory(account_type=AccountType.JOB_SEEKER)
    with pytest.raises(ValidationError) as caught:
        application_submit(actor=user, programme=social, **social_insurance_input())
    assert caught.value.code == "not_linked"
    assert "我的登记" in caught.value.messages[0] or "My registration" in caught.value.messages[0]


@pytest.mark.parametrize(("basis", "code"), [(-100, "not_positive"), (0, "not_positive"),
                                              (10**15, "too_large"), ("abc", "required"), (True, "required")])
def test_negative_zero_absurd_or_malformed_amounts_are_refused_on_the_amount(seeker, social, basis, code):
    with pytest.raises(ValidationError) as caught:
        application_submit(actor=seeker, programme=social, **social_insurance_input(basis_fen=basis))
    assert codes(caught.value) == {"basis_fen": [code]}
    assert not Application.objects.exists()


def test_loan_above_the_programmes_cap_is_refused_naming_the_cap(tree):
    loan = programme(ProgrammeKind.STARTUP_LOAN)
    person = PersonFactory(area=tree.c1)
    from tests.registration.factories import UnemploymentRegistrationFactory
    UnemploymentRegistrationFactory(person=person, area=tree.c1)
    user = linked_seeker(person)
    with pytest.raises(ValidationError) as caught:
        application_submit(actor=user, programme=loan, period_start=timezone.localdate(), basis_fen=30_000_001,
                           loan_term_months=24, payee_name="张三", payee_account="6222020200001234567")
    assert codes(caught.value) == {"basis_fen": ["above_cap"]}
    assert "300,000.00" in caught.value.messages[0]
    ok = application_submit(actor=user, programme=loan, period_start=timezone.localdate(), basis_fen=10_000_000,
                            loan_term_months=24, payee_name="张三", payee_account="6222020200001234567")
    assert ok.amount_requested_fen == 600_000  # 100,000 yuan × 3 % × 2 years
    assert ok.period_end == add_months(timezone.localdate(), 24) - datetime.timedelta(days=1)


def test_bad_payee_account_and_control_characters_are_refused(seeker, social):
    with pytest.raises(ValidationError) as caught:
        application_submit(actor=seeker, programme=social,
                           **social_insurance_input(payee_account="12ab", payee_name="张\x00三"))
    assert set(codes(caught.value)) == {"payee_account", "payee_name"}


def test_closed_programme_or_no_version_in_force_takes_no_applications(seeker, social):
    social.active = False
    social.save()
    with pytest.raises(ValidationError) as caught:
        application_submit(actor=seeker, programme=social, **social_insurance_input())
    assert codes(caught.value) == {"programme": ["closed"]}


def test_the_version_in_force_on_the_application_date_decides(seeker, social):
    later = ProgrammeVersionFactory(programme=social, effective_from=timezone.localdate() + datetime.timedelta(days=30),
                                    parameters={**social.versions.get(number=1).parameters, "share": "1/2"})
    application = application_submit(actor=seeker, programme=social, **social_insurance_input())
    assert application.version.number == 1 and later.number == 2
    assert application.monthly_amount_fen == 40_000  # 2/3, not the coming 1/2


# --- Duplicates and overlaps --------------------------------------------------------------------


def test_second_open_application_for_the_same_period_is_answered_with_the_first(seeker, social):
    first = application_submit(actor=seeker, programme=social, **social_insurance_input())
    with pytest.raises(ApplicationExists) as caught:
        application_submit(actor=seeker, programme=social, **social_insurance_input())
    assert caught.value.application == first
    assert codes(caught.value) == {"period_start": ["duplicate"]}
    assert str(first.pk) in caught.value.messages[0]
    # An overlapping period that starts later is the same open claim too.
    with pytest.raises(ApplicationExists):
        application_submit(actor=seeker, programme=social,
                           **social_insurance_input(period_start=months_from_now(1).replace(day=1)))


def test_a_period_overlapping_a_granted_one_is_refused_with_its_dates(seeker, social):
    first = application_submit(actor=seeker, programme=social, **social_insurance_input())
    Application.objects.filter(pk=first.pk).update(status=ApplicationStatus.APPROVED)
    with pytest.raises(ValidationError) as caught:
        application_submit(actor=seeker, programme=social,
                           **social_insurance_input(period_start=months_from_now(2).replace(day=1),
                                                    period_end=months_from_now(4)))
    assert codes(caught.value) == {"period_start": ["period_granted"]}
    assert str(first.period_start) in caught.value.messages[0]
    # The period right after the granted one is fine.
    after = application_submit(actor=seeker, programme=social,
                               **social_insurance_input(period_start=months_from_now(3).replace(day=1),
                                                        period_end=months_from_now(4)))
    assert after.amount_requested_fen == 80_000


def test_the_database_refuses_two_granted_overlapping_periods_whatever_the_code(seeker, social):
    first = application_submit(actor=seeker, programme=social, **social_insurance_input())
    Application.objects.filter(pk=first.pk).update(status=ApplicationStatus.APPROVED)
    second = Application.objects.get(pk=first.pk)
    second.pk = None
    second.status = ApplicationStatus.WITHDRAWN
    second.period_start = months_from_now(1).replace(day=1)  # overlaps, but is not the same open claim
    second.save()
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Application.objects.filter(pk=second.pk).update(status=ApplicationStatus.DISBURSED)
    assert "subsidy_granted_periods_do_not_overlap" in str(caught.value)


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_the_same_moment_give_one_application(committed_tree):
    """Both race past the service's own check; the partial unique constraint lets one through."""
    from portal.models import Area

    area = Area.objects.get(code="420102002003")
    person = hard_to_employ_flexible(area)
    user = linked_seeker(person)
    social = programme(ProgrammeKind.SOCIAL_INSURANCE)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit():
        try:
            barrier.wait(timeout=5)
            application_submit(actor=user, programme=social, **social_insurance_input())
            outcomes.append("created")
        except ApplicationExists as exc:
            outcomes.append("duplicate" if exc.application is not None else "duplicate-unnamed")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(outcomes) == ["created", "duplicate"]
    assert Application.objects.filter(person=person, programme=social).count() == 1


# --- Employers ------------------------------------------------------------------------------------


def test_employer_applies_online_for_its_hired_graduate_named_by_identity_number(tree):
    graduate = programme(ProgrammeKind.GRADUATE_SOCIAL_INSURANCE)
    employer, person = graduate_hire(tree.c1)
    application = application_submit(
        actor=employer.account, programme=graduate, person=person,
        details={"staff_count": 30, "graduation_year": timezone.localdate().year - 1},
        **social_insurance_input(basis_fen=90_000))
    assert application.applicant_type == ApplicantType.EMPLOYER and application.employer == employer
    assert application.applicant_account == employer.account and application.area == person.area
    assert application.monthly_amount_fen == 90_000 and application.amount_requested_fen == 270_000


def test_employer_cannot_apply_for_a_person_it_does_not_employ(tree):
    graduate = programme(ProgrammeKind.GRADUATE_SOCIAL_INSURANCE)
    employer, _person = graduate_hire(tree.c1)
    stranger = PersonFactory(area=tree.c1, education="bachelor")
    with pytest.raises(ValidationError) as caught:
        application_submit(actor=employer.account, programme=graduate, person=stranger,
                           details={"staff_count": 30, "graduation_year": 2025}, **social_insurance_input())
    assert codes(caught.value) == {"person": ["not_employee"]}


def test_employer_lookup_finds_only_its_employee_and_says_the_same_whatever_failed(tree):
    from subsidies.selectors.applications import employee_by_identity

    employer, person = graduate_hire(tree.c1)
    stranger = PersonFactory(area=tree.c1)
    number = identity_of(person)
    assert employee_by_identity(fetched_by=employer.account, identity_number=number, name=person.name) == person
    assert employee_by_identity(fetched_by=employer.account, identity_number=number, name="别人") is None
    assert employee_by_identity(fetched_by=employer.account, identity_number=identity_of(stranger),
                                name=stranger.name) is None
    other = UserFactory(account_type=AccountType.EMPLOYER)
    assert employee_by_identity(fetched_by=other, identity_number=number, name=person.name) is None


def test_job_seeker_cannot_apply_for_an_employer_programme(seeker):
    graduate = programme(ProgrammeKind.GRADUATE_SOCIAL_INSURANCE)
    with pytest.raises(ValidationError) as caught:
        application_submit(actor=seeker, programme=graduate, **social_insurance_input())
    assert codes(caught.value) == {"programme": ["wrong_applicant"]}


# --- The community window -------------------------------------------------------------------------


def test_window_clerk_enters_an_application_for_a_person_of_the_community(tree, window, social):
    person = hard_to_employ_flexible(tree.c1)
    application = application_submit(actor=window, programme=social, person=person, **social_insurance_input())
    assert application.channel == Channel.WINDOW and application.entered_by == window
    assert application.applicant_account is None  # the person has no account yet
    # The one who entered it may never approve it (declared on the workflow).
    approve = APPLICATION_WORKFLOW.named("approve")[0]
    assert "entered_by" in approve.not_by


def test_window_clerk_of_another_community_gets_not_found(tree, social):
    person = hard_to_employ_flexible(tree.c1)
    other_window = make_staff(StaffRole.CLERK, tree.c2)
    with pytest.raises(Http404):
        application_submit(actor=other_window, programme=social, person=person, **social_insurance_input())
    street = make_staff(StaffRole.CLERK, tree.s1)  # a street clerk is no window
    with pytest.raises(Http404):
        application_submit(actor=street, programme=social, person=person, **social_insurance_input())


def test_window_enters_an_agencys_job_referral_subsidy(tree, window):
    referral = programme(ProgrammeKind.JOB_REFERRAL)
    agency, person, placed_on = referral_placement(tree.c1)
    application = application_submit(actor=window, programme=referral, person=person, agency=agency,
                                     period_start=placed_on, payee_name=agency.name[:60],
                                     payee_account="6222020200009876543")
    assert application.applicant_type == ApplicantType.AGENCY and application.agency == agency
    assert application.period_end == placed_on and application.amount_requested_fen == 20_000
    assert application.area == person.area


def test_window_without_the_agency_is_told_to_name_it(tree, window):
    referral = programme(ProgrammeKind.JOB_REFERRAL)
    _agency, person, placed_on = referral_placement(tree.c1)
    with pytest.raises(ValidationError) as caught:
        application_submit(actor=window, programme=referral, person=person, period_start=placed_on,
                           payee_name="x", payee_account="6222020200009876543")
    assert codes(caught.value) == {"agency": ["required"]}


def test_window_enters_an_employers_public_welfare_post_subsidy(tree, window):
    posts = programme(ProgrammeKind.PUBLIC_WELFARE_POST)
    employer, person = public_welfare_post(tree.c1)
    application = application_submit(actor=window, programme=posts, person=person, employer=employer,
                                     **social_insurance_input(basis_fen=0))
    assert application.applicant_type == ApplicantType.EMPLOYER
    assert application.applicant_account == employer.account  # the employer follows it online
    assert application.amount_requested_fen == 3 * 180_000


# --- Correct, resubmit, withdraw ----------------------------------------------------------------


def _returned(application, tree):
    clerk = make_staff(StaffRole.CLERK, tree.c1)
    return transition(instance=application, workflow=APPLICATION_WORKFLOW, to=ApplicationStatus.RETURNED,
                      actor=clerk, note="缴费证明不清晰", changes={"reason_code": "documents_missing",
                                                              "remark": "缴费证明不清晰"})


def test_applicant_corrects_a_returned_application_and_it_is_assessed_again(tree, seeker, social):
    application = _returned(application_submit(actor=seeker, programme=social, **social_insurance_input()), tree)
    corrected = application_correct(actor=seeker, application=application,
                                    **social_insurance_input(basis_fen=90_000, period_end=months_from_now(1)))
    assert corrected.monthly_amount_fen == 60_000 and corrected.amount_requested_fen == 120_000
    assert corrected.status == ApplicationStatus.RETURNED
    event = AuditEvent.objects.get(event_type="subsidy.application_updated", object_id=str(application.pk))
    assert event.old_values["basis_fen"] == 60_000 and event.new_values["basis_fen"] == 90_000


def test_correction_is_refused_when_not_returned_or_not_the_applicants(tree, seeker, social):
    application = application_submit(actor=seeker, programme=social, **social_insurance_input())
    with pytest.raises(ValidationError) as caught:
        application_correct(actor=seeker, application=application, **social_insurance_input())
    assert caught.value.code == "invalid_transition"
    _returned(application, tree)
    stranger = UserFactory(account_type=AccountType.JOB_SEEKER)
    with pytest.raises(Http404):
        application_correct(actor=stranger, application=application, **social_insurance_input())


def test_an_ineligible_correction_is_refused_and_nothing_changes(tree, seeker, social):
    application = _returned(application_submit(actor=seeker, programme=social, **social_insurance_input()), tree)
    with pytest.raises(ValidationError):
        application_correct(actor=seeker, application=application,
                            **social_insurance_input(period_end=months_from_now(48)))
    application.refresh_from_db()
    assert application.period_end == months_from_now(2)


def test_resubmit_sends_it_back_to_the_community_with_a_fresh_due_date_and_notice(tree, seeker, social):
    application = _returned(application_submit(actor=seeker, programme=social, **social_insurance_input()), tree)
    again = application_resubmit(actor=seeker, application=application, note="已补充材料")
    assert again.status == ApplicationStatus.SUBMITTED
    assert again.due_on == add_working_days(timezone.localdate(), 5).due_on
    assert (again.reason_code, again.remark, again.overdue_since) == ("", "", None)
    assert Notification.objects.filter(recipient=seeker).count() == 2  # submitted, submitted again


def test_applicant_withdraws_and_a_stranger_cannot(tree, seeker, social):
    application = application_submit(actor=seeker, programme=social, **social_insurance_input())
    with pytest.raises(Http404):
        application_withdraw(actor=UserFactory(account_type=AccountType.JOB_SEEKER), application=application)
    done = application_withdraw(actor=seeker, application=application, note="不再需要")
    assert done.status == ApplicationStatus.WITHDRAWN and done.due_on is None
    # A withdrawn application no longer blocks a new one for the period.
    assert application_submit(actor=seeker, programme=social, **social_insurance_input()).pk != application.pk
