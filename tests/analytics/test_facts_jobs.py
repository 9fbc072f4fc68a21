"""jobs/facts.py against hand-made records: vacancies open at the end of the day, active job seekers,
referrals and applications with their hires; a 武昌区 record never counts in 江岸区."""

from __future__ import annotations

import datetime

import pytest

from jobs import facts
from jobs.constants import ApplicationStatus, ReferralOutcome, VacancyStatus
from tests.analytics.factories import answers, at
from tests.jobs.factories import (
    ApplicationFactory,
    EmployerFactory,
    ReferralFactory,
    SeekerProfileFactory,
    VacancyFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date(2026, 3, 10)
ONE = datetime.timedelta(days=1)


def _vacancy(area, **kwargs):
    return VacancyFactory(employer=EmployerFactory(area=area), area=area, **kwargs)


def test_vacancies_open_at_the_end_of_the_day_as_postings_and_positions(tree):
    open_kwargs = {"published_at": at(D - 3 * ONE, 9), "closing_date": D + 10 * ONE}
    _vacancy(tree.c1, headcount=2, **open_kwargs)
    _vacancy(tree.c1, headcount=5, status=VacancyStatus.CLOSED, closed_at=at(D + ONE, 10), **open_kwargs)
    _vacancy(tree.s1, headcount=3, **open_kwargs)  # a workplace at a street counts at the street
    _vacancy(tree.c1, headcount=4, status=VacancyStatus.CLOSED, closed_at=at(D, 15), **open_kwargs)  # closed on D
    _vacancy(tree.c1, headcount=4, published_at=at(D + ONE, 9), closing_date=D + 10 * ONE)  # published after
    _vacancy(tree.c1, headcount=4, published_at=at(D - 40 * ONE, 9), closing_date=D - ONE)  # expired
    _vacancy(tree.c1, headcount=4, status=VacancyStatus.PENDING, published_at=None, closing_date=D + 10 * ONE)
    _vacancy(tree.c3, headcount=9, **open_kwargs)  # 武昌区

    found = answers(facts.FACTS, D, tree.d1.path)
    assert {key: value for key, value in found.items() if key[1] in ("vacancies", "vacancy_positions")} == {
        (tree.c1.code, "vacancies"): 2, (tree.c1.code, "vacancy_positions"): 7,
        (tree.s1.code, "vacancies"): 1, (tree.s1.code, "vacancy_positions"): 3,
    }
    assert answers(facts.FACTS, D, tree.d2.path)[(tree.c3.code, "vacancy_positions")] == 9
    # A vacancy published at 23:59 on D is open at the end of D; at 00:01 on D + 1 it is not.
    _vacancy(tree.c2, headcount=1, published_at=at(D, 23, 59), closing_date=D + 10 * ONE)
    _vacancy(tree.c2, headcount=1, published_at=at(D + ONE, 0, 1), closing_date=D + 10 * ONE)
    assert answers(facts.FACTS, D, tree.d1.path)[(tree.c2.code, "vacancies")] == 1


def test_active_seekers_applied_or_were_referred_in_the_thirty_days_up_to_the_day(tree):
    vacancy = _vacancy(tree.c2, published_at=at(D - 60 * ONE, 9), closing_date=D + 30 * ONE)
    both = SeekerProfileFactory(area=tree.c1)
    ApplicationFactory(seeker=both, vacancy=vacancy, applied_at=at(D - 29 * ONE, 10))  # first day of the window
    ReferralFactory(seeker=both, vacancy=_vacancy(tree.c2, published_at=at(D - 9 * ONE, 9)), referred_at=at(D, 9))
    ApplicationFactory(seeker=SeekerProfileFactory(area=tree.c1), vacancy=vacancy,
                       applied_at=at(D - 30 * ONE, 10))  # a day too early
    ReferralFactory(seeker=SeekerProfileFactory(area=tree.c1), vacancy=vacancy, referred_at=at(D, 20))
    ApplicationFactory(seeker=SeekerProfileFactory(area=tree.c1), vacancy=vacancy, applied_at=at(D + ONE, 8))
    SeekerProfileFactory(area=tree.c1)  # never active
    ApplicationFactory(seeker=SeekerProfileFactory(area=tree.c3), vacancy=vacancy, applied_at=at(D, 9))  # 武昌区

    found = answers(facts.FACTS, D, tree.d1.path)
    assert found[(tree.c1.code, "active_seekers")] == 2  # the one who did both counts once
    assert answers(facts.FACTS, D, tree.d2.path)[(tree.c3.code, "active_seekers")] == 1


def test_referrals_and_applications_made_and_hired_on_the_day(tree):
    vacancy = _vacancy(tree.c2, published_at=at(D - 20 * ONE, 9), closing_date=D + 30 * ONE)
    ReferralFactory(area=tree.c1, vacancy=vacancy, referred_at=at(D, 10))
    ReferralFactory(area=tree.c1, vacancy=vacancy, referred_at=at(D, 11), status=ReferralOutcome.REFUSED,
                    refusal_reason="不合适")
    ReferralFactory(area=tree.c1, vacancy=vacancy, referred_at=at(D - 7 * ONE, 10), status=ReferralOutcome.HIRED,
                    outcome_on=D)
    ReferralFactory(area=tree.c1, vacancy=vacancy, referred_at=at(D - ONE, 23, 59))
    ReferralFactory(area=tree.c3, vacancy=vacancy, referred_at=at(D, 10))  # a 武昌区 seeker
    ApplicationFactory(vacancy=vacancy, applied_at=at(D, 9))
    ApplicationFactory(vacancy=vacancy, applied_at=at(D - 5 * ONE, 9), status=ApplicationStatus.HIRED, hired_on=D)
    ApplicationFactory(vacancy=vacancy, applied_at=at(D - 5 * ONE, 9), status=ApplicationStatus.HIRED,
                       hired_on=D - ONE)

    found = answers(facts.FACTS, D, tree.d1.path)
    assert {k: v for k, v in found.items() if k[1] in ("referrals", "referral_hires", "applications",
                                                       "application_hires")} == {
        (tree.c1.code, "referrals"): 2, (tree.c1.code, "referral_hires"): 1,
        (tree.c2.code, "applications"): 1, (tree.c2.code, "application_hires"): 1,
    }
    assert answers(facts.FACTS, D, tree.d2.path)[(tree.c3.code, "referrals")] == 1
