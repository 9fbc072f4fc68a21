"""The nightly commitment tasks through a real Celery worker on the real Redis broker."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from jobs.services.referrals import referral_create
from portal.constants import StaffRole
from portal.models import Area, AuditEvent
from registration.constants import CommitmentStatus, RegistrationEvent
from registration.models import Person, ReferralCommitment
from tests.conftest import make_staff
from tests.jobs.factories import EmployerFactory, SeekerProfileFactory, VacancyFactory
from tests.portal.test_celery_worker import worker  # noqa: F401  (the fixture)
from tests.registration.factories import PersonFactory
from tests.registration.factories_cases import ReferralCommitmentFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_nightly_reconcile_and_escalation_run_on_a_real_worker_and_rerun_cleanly(worker):  # noqa: F811
    client, queue = worker
    community = Area.objects.get(code="420102002003")
    clerk = make_staff(StaffRole.CLERK, community)
    profile = SeekerProfileFactory(area=community)
    person = PersonFactory(area=community, account=profile.account, seeker_profile=profile)
    commitment = ReferralCommitmentFactory(area=community, case__person=person, starts_on=timezone.localdate())
    overdue = ReferralCommitmentFactory(area=community, due_on=timezone.localdate() - datetime.timedelta(days=40))
    referral_create(actor=clerk, seeker=profile,
                    vacancy=VacancyFactory(employer=EmployerFactory(area=community), area=community))

    first = client.send_task("registration.tasks.commitments_reconcile", queue=queue).get(timeout=90)
    second = client.send_task("registration.tasks.commitments_reconcile", queue=queue).get(timeout=90)
    assert first["met"] == 1 and second["met"] == 0
    assert ReferralCommitment.objects.get(pk=commitment.pk).status == CommitmentStatus.MET
    assert Person.objects.get(pk=person.pk).seeker_profile == profile

    steps = client.send_task("registration.tasks.commitments_escalate", queue=queue).get(timeout=90)
    again = client.send_task("registration.tasks.commitments_escalate", queue=queue).get(timeout=90)
    assert (steps, again) == (2, 0)
    events = AuditEvent.objects.filter(event_type=RegistrationEvent.COMMITMENT_ESCALATED, object_id=str(overdue.pk))
    assert sorted(e.new_values["level"] for e in events) == [1, 2]
