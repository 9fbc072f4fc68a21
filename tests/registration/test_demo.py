import pytest
from django.core.management import call_command
from django.utils import timezone

from registration.models import (
    EmploymentRegistration,
    HardshipCase,
    Person,
    ReferralCommitment,
    UnemploymentRegistration,
)

pytestmark = pytest.mark.django_db


def test_registration_demo_data_covers_each_step_and_is_created_once():
    call_command("demo_data")
    counts = (Person.objects.count(), UnemploymentRegistration.objects.count(),
              EmploymentRegistration.objects.count(), HardshipCase.objects.count(), ReferralCommitment.objects.count())
    # At least the registration demo's own records; the subsidies demo adds the applicants of its steps.
    assert all(found >= least for found, least in zip(counts, (12, 10, 2, 6, 2))), counts
    assert {"intake", "street_reviewed", "approved"} <= set(HardshipCase.objects.values_list("status", flat=True))
    assert all("*" in p.id_masked for p in Person.objects.all())
    # The demo escalates overdue commitments as the nightly task would, so the queues show it.
    overdue = ReferralCommitment.objects.filter(status="open", due_on__lt=timezone.localdate())
    assert overdue.exists(), "the README's overdue commitment is past its due day, not due today"
    assert all(c.escalation_level > 0 and c.escalated_at for c in overdue)
    call_command("demo_data")
    assert (Person.objects.count(), UnemploymentRegistration.objects.count(), EmploymentRegistration.objects.count(),
            HardshipCase.objects.count(), ReferralCommitment.objects.count()) == counts
