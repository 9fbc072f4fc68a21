"""Demo data of registration: real-name persons in the demo communities, their unemployment and
employment registrations, and hard-to-employ cases at each step (one approved with an open
referral commitment for the clerks' queue). Written through the services, so it is audited like
real work; idempotent (persons are found by identity number, and each step runs only once).
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext

from portal.models import User
from registration.constants import EmploymentKind
from registration.identity import identity_lookup_hash, identity_make
from registration.models import HardshipCase, HardshipCategory, Person, UnemploymentRegistration
from registration.services.commitments import commitments_escalate
from registration.services.hardship import hardship_case_approve, hardship_case_review, hardship_case_submit
from registration.services.persons import person_register
from registration.services.registrations import employment_register, unemployment_register

# (name, birth date, sequence: odd = male, what happens to them)
PEOPLE = [
    ("刘建国", datetime.date(1972, 3, 8), 131, "hard_approved"),
    ("陈秀英", datetime.date(1981, 11, 20), 242, "hard_reviewed"),
    ("王强", datetime.date(1990, 5, 2), 351, "hard_intake"),
    ("李娜", datetime.date(1995, 8, 16), 462, "unemployed"),
    ("张伟", datetime.date(1988, 1, 30), 571, "employed"),
    ("赵敏", datetime.date(2000, 7, 9), 682, "unemployed"),
]


def build(*, scale: int, log) -> None:
    for prefix in ("jiangan", "wuchang"):
        community_clerk = User.objects.get(username=f"{prefix}_community_clerk")
        street_clerk = User.objects.get(username=f"{prefix}_street_clerk")
        district_clerk = User.objects.get(username=f"{prefix}_clerk")
        community = community_clerk.role_grants.get().area
        created = 0
        for name, birth, sequence, fate in PEOPLE:
            number = identity_make(community.code[:6], birth, sequence)
            person = Person.objects.filter(id_hash=identity_lookup_hash(number)).first()
            if person is None:
                person = person_register(actor=community_clerk, identity_number=number, name=name, area=community,
                                         phone=f"139{sequence:04d}{birth:%m%d}", education="senior_middle")
                created += 1
                _give_fate(person, fate, community_clerk, street_clerk, district_clerk)
        log(gettext("persons in %(area)s: %(new)d new") % {"area": community.name, "new": created})
    # What the nightly task would have done: the overdue commitment is escalated in the queues.
    log(gettext("commitment escalations recorded: %(count)d") % {"count": commitments_escalate()})


def _give_fate(person, fate, community_clerk, street_clerk, district_clerk) -> None:
    today = timezone.localdate()
    if fate == "employed":
        employment_register(actor=community_clerk, person=person, kind=EmploymentKind.FLEXIBLE,
                            started_on=today - datetime.timedelta(days=20), employer_name="个体网约车")
        return
    if not UnemploymentRegistration.objects.filter(person=person).exists():
        unemployment_register(actor=community_clerk, person=person, registered_on=today - datetime.timedelta(days=40))
    if not fate.startswith("hard_") or HardshipCase.objects.filter(person=person).exists():
        return
    categories = [HardshipCategory.objects.get(code="older_urban" if person.birth_date.year < 1980
                                               else "long_term_unemployed")]
    case = hardship_case_submit(actor=community_clerk, person=person, categories=categories,
                                circumstances="连续失业一年以上，家庭收入较低。")
    if fate in ("hard_reviewed", "hard_approved"):
        case = hardship_case_review(actor=street_clerk, case=case)
    if fate == "hard_approved":
        # Approved three weeks ago: the commitment (10 working days) is some working days overdue and
        # escalated in the queues.
        hardship_case_approve(actor=district_clerk, case=case, approved_on=today - datetime.timedelta(days=21))
