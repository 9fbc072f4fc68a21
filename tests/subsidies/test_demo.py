"""The subsidies' demo data: built through the services, and running it twice adds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from portal.models import AuditEvent
from registration.models import Person
from subsidies.constants import ApplicationStatus, ProgrammeKind
from subsidies.models import Application, Fund, FundEntry, Programme, SupportingDocument
from subsidies.services.fundbooks import fund_check

pytestmark = pytest.mark.django_db


def _counts():
    return {"programmes": Programme.objects.count(), "applications": Application.objects.count(),
            "funds": Fund.objects.count(), "entries": FundEntry.objects.count(), "persons": Person.objects.count(),
            "documents": SupportingDocument.objects.count()}


def test_demo_twice_adds_nothing_and_shows_every_step(tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    call_command("demo_data", stdout=open("/dev/null", "w"))
    first = _counts()
    events = AuditEvent.objects.filter(event_type__startswith="subsidy.").count()
    call_command("demo_data", stdout=open("/dev/null", "w"))
    assert _counts() == first
    assert AuditEvent.objects.filter(event_type__startswith="subsidy.").count() == events

    assert {p.kind for p in Programme.objects.all()} == set(ProgrammeKind.values)
    for programme in Programme.objects.all():
        source = programme.versions.get().source
        assert "〔" in source or "示例数值" in source  # cites a policy or says it is illustrative
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses >= {ApplicationStatus.SUBMITTED, ApplicationStatus.ACCEPTED, ApplicationStatus.STREET_REVIEWED,
                        ApplicationStatus.DISTRICT_APPROVED, ApplicationStatus.APPROVED, ApplicationStatus.DISBURSED,
                        ApplicationStatus.RETURNED, ApplicationStatus.REJECTED}
    short = [fund.area.name for fund in Fund.objects.select_related("area") if fund_check(fund).shortfall_fen]
    assert short == ["武昌区"]
    seeker_person = Person.objects.get(account__username="seeker")
    assert Application.objects.filter(person=seeker_person, applicant_account__username="seeker").count() == 2
