"""Staff use (seed 一(三)3): workload per window and per clerk, processing time per workflow step in
working days (median and p90, computed in PostgreSQL), overdue counts. The tests that read the
workload and processing times run twice: with the PostgreSQL statements and with the ORM-and-Python
rows the embedded SQLite demo uses, on the same data."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.utils import timezone

from analytics.selectors import staffuse
from analytics.selectors.staffuse import calendar_exceptions, percentile_cont, staff_use
from jobs.constants import JobsEvent
from portal.constants import AccountType, StaffRole
from portal.models import RoleGrant, StatusChange
from registration.constants import CommitmentStatus, RegistrationEvent
from subsidies.constants import ApplicationStatus
from tests.analytics.factories import at
from tests.conftest import make_staff
from tests.factories import AuditEventFactory, UserFactory
from tests.registration.factories_cases import ReferralCommitmentFactory
from tests.subsidies.factories import ApplicationFactory

pytestmark = pytest.mark.django_db
FROM, TO = datetime.date(2025, 9, 1), datetime.date(2025, 10, 31)
CASE = "registration.hardshipcase"


def change(area, actor, when, object_id, source, target, object_type=CASE):
    return StatusChange.objects.create(area=area, object_type=object_type, object_id=str(object_id), from_status=source,
                                       to_status=target, actor=actor, changed_at=when)


def created(area, actor, when, object_id, event_type=RegistrationEvent.HARDSHIP_SUBMITTED, object_type=CASE):
    return AuditEventFactory(area=area, actor=actor, occurred_at=when, event_type=event_type,
                             object_type=object_type, object_id=str(object_id))


@pytest.fixture(params=["sql", "python"])
def computed_in(request, monkeypatch):
    """Each test using it runs with the PostgreSQL statements and with the rows computed in Python."""
    if request.param == "python":
        monkeypatch.setattr(staffuse, "sql_available", lambda: False)
    return request.param


@pytest.fixture
def work(tree):
    """Two hard-to-employ cases through intake, street review and district approval, plus a window's
    registrations, a referral, an online registration confirmed and a subsidy step."""
    community = make_staff(StaffRole.CLERK, tree.c1, username="community_clerk")
    street = make_staff(StaffRole.CLERK, tree.s1, username="street_clerk")
    district = make_staff(StaffRole.CLERK, tree.d1, username="district_clerk")
    for grant_user in (community, street, district):
        grant_user.role_grants.update(valid_from=datetime.date(2025, 1, 1))
    # case 1: submitted Mon 1 Sep, reviewed Wed 3 Sep (2 working days), approved Thu 4 Sep (1)
    created(tree.c1, community, at(datetime.date(2025, 9, 1), 9), 1)
    change(tree.c1, street, at(datetime.date(2025, 9, 3), 10), 1, "intake", "street_reviewed")
    change(tree.c1, district, at(datetime.date(2025, 9, 4), 16), 1, "street_reviewed", "approved")
    # case 2: submitted Thu 25 Sep, reviewed Fri 26 Sep (1), approved Thu 9 Oct: 28 Sep (a Sunday worked),
    # 29 and 30 Sep, then the National Day holiday 1-8 Oct, then 9 Oct: 4 working days
    created(tree.c1, community, at(datetime.date(2025, 9, 25), 9), 2)
    change(tree.c1, street, at(datetime.date(2025, 9, 26), 9), 2, "intake", "street_reviewed")
    change(tree.c1, district, at(datetime.date(2025, 10, 9), 9), 2, "street_reviewed", "approved")
    # the community window's own work
    for n in range(2):
        AuditEventFactory(area=tree.c1, actor=community, occurred_at=at(datetime.date(2025, 9, 10 + n), 10),
                          event_type=RegistrationEvent.PERSON_REGISTERED, object_type="registration.person",
                          object_id=str(100 + n))
    AuditEventFactory(area=tree.c1, actor=community, occurred_at=at(datetime.date(2025, 9, 12), 10),
                      event_type=JobsEvent.REFERRAL_CREATED, object_type="jobs.referral", object_id="7")
    change(tree.c1, community, at(datetime.date(2025, 9, 15), 10), 5, "pending", "open",
           object_type="registration.unemploymentregistration")
    change(tree.c1, community, at(datetime.date(2025, 9, 16), 10), 6, "submitted", "accepted",
           object_type="subsidies.application")
    # not staff work: an employer resubmitting; and outside the period
    employer = UserFactory(account_type=AccountType.EMPLOYER)
    change(tree.c1, employer, at(datetime.date(2025, 9, 16), 11), 8, "returned", "pending", object_type="jobs.vacancy")
    change(tree.c1, district, at(datetime.date(2025, 11, 3), 9), 9, "street_reviewed", "approved")
    # another district's window
    other = make_staff(StaffRole.CLERK, tree.c3, username="other_clerk")
    other.role_grants.update(valid_from=datetime.date(2025, 1, 1))
    change(tree.c3, other, at(datetime.date(2025, 9, 5), 9), 10, "pending", "open",
           object_type="registration.unemploymentregistration")
    return {"community": community, "street": street, "district": district, "other": other}


def test_workload_per_window_counts_each_clerks_actions_where_they_were_taken(tree, staff, work, computed_in):
    use = staff_use(fetched_by=staff["official@district"], area=tree.d1, date_from=FROM, date_to=TO)
    windows = {w.area_code: (w.workload.registrations, w.workload.reviews, w.workload.referrals,
                             w.workload.applications, w.clerks) for w in use.windows}
    assert windows == {tree.c1.code: (2, 1, 1, 1, 1), tree.s1.code: (0, 2, 0, 0, 1), tree.d1.code: (0, 2, 0, 0, 1)}
    assert use.total.total == 9


def test_workload_per_clerk_with_their_processing_times(tree, staff, work, computed_in):
    use = staff_use(fetched_by=staff["official@district"], area=tree.d1, date_from=FROM, date_to=TO)
    clerks = {c.username: c for c in use.clerks}
    assert set(clerks) == {"community_clerk", "street_clerk", "district_clerk"}
    assert clerks["community_clerk"].workload.total == 5
    assert clerks["community_clerk"].window_code == tree.c1.code
    street = clerks["street_clerk"]
    assert (street.steps, street.median_days, street.p90_days) == (2, 1.5, pytest.approx(1.9))
    district = clerks["district_clerk"]
    assert (district.steps, district.median_days, district.p90_days) == (2, 2.5, pytest.approx(3.7))


def test_processing_time_per_step_is_counted_in_working_days_with_holidays_and_adjusted_days(tree, staff, work,
                                                                                               computed_in):
    use = staff_use(fetched_by=staff["official@district"], area=tree.d1, date_from=FROM, date_to=TO)
    steps = {(s.object_type, s.from_status, s.to_status): (s.count, s.median_days, s.p90_days) for s in use.steps}
    assert steps[(CASE, "intake", "street_reviewed")] == (2, 1.5, pytest.approx(1.9))
    assert steps[(CASE, "street_reviewed", "approved")] == (2, 2.5, pytest.approx(3.7))
    # a first step without an earlier record of the object starts when it is taken: 0 days
    assert steps[("registration.unemploymentregistration", "pending", "open")] == (1, 0.0, 0.0)
    assert ("jobs.vacancy", "returned", "pending") not in steps  # an employer's step is not staff work
    labels = {s.label for s in use.steps}
    assert all(" · " in label for label in labels)


def test_a_district_official_never_counts_another_districts_windows(tree, staff, work, computed_in):
    use = staff_use(fetched_by=staff["official@district"], area=tree.d1, date_from=FROM, date_to=TO)
    assert tree.c3.code not in {w.area_code for w in use.windows}
    assert "other_clerk" not in {c.username for c in use.clerks}
    with pytest.raises(Http404):
        staff_use(fetched_by=staff["official@district"], area=tree.d2, date_from=FROM, date_to=TO)
    city = staff_use(fetched_by=staff["official@city"], area=tree.city, date_from=FROM, date_to=TO)
    assert tree.c3.code in {w.area_code for w in city.windows}


def test_clerks_do_not_read_the_staff_use_table(tree, staff):
    with pytest.raises(Http404):
        staff_use(fetched_by=staff["clerk@district"], area=tree.d1)


def test_overdue_commitments_and_subsidy_applications_per_area_below(tree, staff):
    today = timezone.localdate()
    ReferralCommitmentFactory(area=tree.c1, due_on=today - datetime.timedelta(days=1))
    ReferralCommitmentFactory(area=tree.c1, due_on=today + datetime.timedelta(days=3))  # not yet due
    ReferralCommitmentFactory(area=tree.c1, due_on=today - datetime.timedelta(days=5), status=CommitmentStatus.MET,
                              met_at=timezone.now())  # met late, in this month
    ApplicationFactory(status=ApplicationStatus.SUBMITTED, due_on=today - datetime.timedelta(days=2))
    ApplicationFactory(status=ApplicationStatus.SUBMITTED, due_on=today + datetime.timedelta(days=2))
    ReferralCommitmentFactory(area=tree.c3, due_on=today - datetime.timedelta(days=1))  # another district
    use = staff_use(fetched_by=staff["official@district"], area=tree.d1)
    assert [(r.area_code, r.commitments_overdue, r.commitments_met_late, r.applications_overdue)
            for r in use.overdue] == [(tree.s1.code, 1, 1, 1)]


def test_the_calendar_knows_holidays_and_weekend_working_days():
    holidays, worked = calendar_exceptions()
    assert datetime.date(2025, 10, 1) in holidays and datetime.date(2025, 9, 28) in worked


def test_staff_use_takes_a_fixed_number_of_queries(tree, staff, work, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        staff_use(fetched_by=staff["official@city"], area=tree.city, date_from=FROM, date_to=TO)


def test_the_python_rows_take_a_fixed_number_of_queries(tree, staff, work, monkeypatch,
                                                       django_assert_max_num_queries):
    monkeypatch.setattr(staffuse, "sql_available", lambda: False)
    with django_assert_max_num_queries(12):
        staff_use(fetched_by=staff["official@city"], area=tree.city, date_from=FROM, date_to=TO)


def test_percentile_cont_interpolates_as_postgresql_does():
    assert percentile_cont([], 0.5) is None
    assert percentile_cont([3], 0.9) == 3.0
    assert percentile_cont([1, 2], 0.5) == 1.5
    assert percentile_cont([0, 1, 4, 10], 0.9) == pytest.approx(8.2)  # position 2.7: 4 + 0.7 × 6
    assert percentile_cont([0, 1, 4, 10, 20], 0.5) == 4.0


def test_the_python_rows_are_the_statements_rows_on_the_same_data(tree, staff, work):
    """Beyond the fixture: a clerk holding a street and a community grant (the deeper covering one is
    the window), an official's grant beside a clerk's (the clerk's wins), grants that ended, were
    revoked or were not yet in force, an action early in the morning (its local day, not the UTC
    one, decides the grant), steps over the Spring Festival and its weekend days worked, seven steps
    of one kind (interpolated percentiles), an object whose first audit event is later than its
    first status change."""
    street, community, other = tree.s1, tree.c1, tree.c2
    busy = make_staff(StaffRole.CLERK, street, username="busy_clerk")
    RoleGrant.objects.filter(user=busy).update(valid_from=datetime.date(2024, 1, 1))
    RoleGrant.objects.create(user=busy, role=StaffRole.CLERK, area=community, valid_from=datetime.date(2025, 1, 1))
    RoleGrant.objects.create(user=busy, role=StaffRole.OFFICIAL, area=tree.d1, valid_from=datetime.date(2024, 1, 1))
    RoleGrant.objects.create(user=busy, role=StaffRole.CLERK, area=other, valid_from=datetime.date(2024, 1, 1),
                             valid_to=datetime.date(2025, 1, 15))
    RoleGrant.objects.create(user=busy, role=StaffRole.CLERK, area=other, valid_from=datetime.date(2025, 1, 17),
                             revoked_at=at(datetime.date(2025, 1, 20), 12))
    RoleGrant.objects.create(user=busy, role=StaffRole.CLERK, area=other, valid_from=datetime.date(2025, 3, 1),
                             revoked_at=at(datetime.date(2025, 9, 30), 12))
    # 16 Jan 07:00 in Wuhan is still 15 Jan in UTC, the last day of the first grant of ``other``
    for n, (area, day, hour) in enumerate([(community, datetime.date(2025, 1, 6), 10),
                                           (other, datetime.date(2025, 1, 10), 23),
                                           (other, datetime.date(2025, 1, 16), 7),
                                           (other, datetime.date(2025, 1, 18), 9),
                                           (other, datetime.date(2025, 1, 21), 9),
                                           (other, datetime.date(2025, 3, 3), 9)]):
        AuditEventFactory(area=area, actor=busy, occurred_at=at(day, hour),
                          event_type=RegistrationEvent.UNEMPLOYMENT_REGISTERED, object_type="registration.person",
                          object_id=str(500 + n))
    # five cases around the Spring Festival 2025 (28 Jan – 4 Feb off; Sun 26 Jan and Sat 8 Feb worked):
    # 4, 3, 1, 2 and 19 working days from submission to the street's review
    spans = [(datetime.date(2025, 1, 20), datetime.date(2025, 1, 24)),
             (datetime.date(2025, 1, 24), datetime.date(2025, 2, 5)),
             (datetime.date(2025, 1, 25), datetime.date(2025, 1, 26)),
             (datetime.date(2025, 2, 7), datetime.date(2025, 2, 10)),
             (datetime.date(2025, 1, 27), datetime.date(2025, 2, 28))]
    for n, (begun, taken) in enumerate(spans):
        created(community, busy, at(begun, 17), 600 + n)
        change(community, busy, at(taken, 8), 600 + n, "intake", "street_reviewed")
        change(community, staff["clerk@district"], at(taken + datetime.timedelta(days=n), 15), 600 + n,
               "street_reviewed", "approved")
    # a status change before the object's first audit event: a negative span counts 0
    change(street, busy, at(datetime.date(2025, 1, 7), 9), 700, "pending", "open",
           object_type="registration.unemploymentregistration")
    created(street, busy, at(datetime.date(2025, 1, 8), 9), 700, object_type="registration.unemploymentregistration")
    change(street, busy, at(datetime.date(2025, 1, 9), 9), 700, "open", "cancelled",
           object_type="registration.unemploymentregistration")
    start, end = staffuse._bounds(datetime.date(2024, 12, 1), datetime.date(2025, 10, 31))
    found = {}
    for name, area in [("official@city", tree.city), ("official@district", tree.d1),
                       ("administrator@street", street)]:
        with connection.cursor() as cursor:
            in_sql = (sorted(staffuse._workload(cursor, staff[name], area, start, end), key=repr),
                      sorted(staffuse._processing(cursor, staff[name], area, start, end), key=repr))
        in_python = (sorted(staffuse._workload_python(staff[name], area, start, end), key=repr),
                     sorted(staffuse._processing_python(staff[name], area, start, end), key=repr))
        assert in_python == in_sql
        found[name] = in_sql
    workload, processing = found["official@city"]
    busy_work = {(row[0], row[5]): row[6] for row in workload if row[4] == "busy_clerk"}
    # 6 Jan in the community; 10 and 18 Jan and 3 Mar through a grant of ``other``; 16 Jan (the first
    # grant ended the day before, the second not yet begun) and 21 Jan (revoked) through the street
    assert busy_work[(community.code, "registrations")] == 1
    assert busy_work[(other.code, "registrations")] == 3
    assert busy_work[(street.code, "registrations")] == 2
    steps = {row[1:4]: row[5:] for row in processing if row[0]}
    # with the fixture's two cases (2 and 1): 1, 1, 2, 2, 3, 4, 19
    assert steps[(CASE, "intake", "street_reviewed")] == (7, 2.0, pytest.approx(10.0))
