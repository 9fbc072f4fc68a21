"""Payment cycles: generating a month's list (idempotent, eligibility re-checked, capped, failed and late
months paid by a later cycle), per district, and the system's monthly run."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from portal.models import AuditEvent
from portal.scoping import OutOfScope
from registration.constants import EmploymentKind
from registration.models import EmploymentRegistration
from subsidies.constants import ApplicationStatus, CycleStatus, PaymentStatus, ProgrammeKind, SubsidiesEvent
from subsidies.models import Fund, Payment, PaymentCycle
from subsidies.services.funds import fund_release
from subsidies.services.payments import (
    cycle_districts,
    cycle_export,
    cycle_generate,
    cycle_import,
    cycles_generate_month,
    cycles_generate_previous_month,
)
from tests.subsidies.factories import ProgrammeFactory
from tests.subsidies.payments_support import (
    approved_application,
    district_clerk,
    month_at,
    result_csv,
    result_line,
    social_insurance,
)

pytestmark = pytest.mark.django_db

LAST_MONTH = -1


def in_chinese(text: str) -> str:
    """A finding as the record keeps it: in Chinese."""
    with translation.override("zh-hans"):
        return gettext(text)


def _lines(cycle) -> list[tuple[int, datetime.date, int]]:
    return sorted(cycle.payments.values_list("application_id", "month", "amount_fen"))


def test_generating_twice_gives_one_list(tree):
    clerk = district_clerk(tree.d1)
    first, second = approved_application(tree.c1), approved_application(tree.c2)

    one = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(LAST_MONTH))
    again = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(LAST_MONTH))

    assert one.cycle == again.cycle and PaymentCycle.objects.count() == 1
    # Each application began two months ago: that month and last month are owed, 400 yuan each.
    assert _lines(one.cycle) == sorted([(a.pk, month_at(m), 40_000) for a in (first, second) for m in (-2, -1)])
    assert (one.added, one.added_fen) == (4, 160_000)
    assert (again.added, again.added_fen) == (0, 0)
    assert one.cycle.area == tree.d1 and one.cycle.status == CycleStatus.GENERATED
    events = AuditEvent.objects.filter(event_type=SubsidiesEvent.CYCLE_GENERATED, object_id=str(one.cycle.pk))
    assert [e.new_values["added"] for e in events.order_by("id")] == [4, 0]


def test_a_rerun_adds_only_what_became_owed_since(tree):
    clerk = district_clerk(tree.d1)
    approved_application(tree.c1)
    cycle = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(LAST_MONTH)).cycle
    late = approved_application(tree.c1, start=-3, months=2)  # approved since: its two months are owed

    again = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(LAST_MONTH))

    assert again.cycle == cycle and again.added == 2
    assert sorted(m for a, m, _ in _lines(cycle) if a == late.pk) == [month_at(-3), month_at(-2)]


def test_someone_whose_flexible_employment_ended_gets_no_line_and_the_reason_is_kept(tree):
    clerk = district_clerk(tree.d1)
    staying = approved_application(tree.c1)
    leaving = approved_application(tree.c1)
    # The flexible employment ended before last month was over: no longer eligible for it.
    EmploymentRegistration.objects.filter(person=leaving.person, kind=EmploymentKind.FLEXIBLE).update(
        ended_on=month_at(-2) + datetime.timedelta(days=40))

    result = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(LAST_MONTH))

    assert {a for a, _, _ in _lines(result.cycle)} == {staying.pk}
    assert [entry["application"] for entry in result.left_out] == [leaving.pk]
    assert result.left_out[0]["codes"] == ["flexible_employment"]
    assert result.left_out[0]["reasons"] == [in_chinese("No flexible employment registered for the whole period.")]
    assert PaymentCycle.objects.get().left_out == result.left_out


def test_someone_no_longer_hard_to_employ_gets_no_line(tree):
    clerk = district_clerk(tree.d1)
    application = approved_application(tree.c1)
    application.person.hardship_cases.update(status="ended")

    result = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(LAST_MONTH))

    assert _lines(result.cycle) == []
    assert result.left_out[0]["codes"] == ["hard_to_employ"]


def test_each_month_is_capped_at_the_versions_monthly_maximum(tree):
    clerk = district_clerk(tree.d1)
    # Approved at 1,000 yuan a month; the version pays at most 800 (monthly_cap_fen).
    application = approved_application(tree.c1, monthly=100_000)

    result = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(LAST_MONTH))

    assert _lines(result.cycle) == [(application.pk, month_at(-2), 80_000), (application.pk, month_at(-1), 80_000)]


def test_lines_never_exceed_what_is_still_reserved(tree):
    clerk = district_clerk(tree.d1)
    application = approved_application(tree.c1)  # 1,200 yuan reserved for three months
    fund_release(application=application, actor=None, amount_fen=100_000)  # 200 yuan left

    result = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(LAST_MONTH))

    assert _lines(result.cycle) == [(application.pk, month_at(-2), 20_000)]


def test_nothing_reserved_leaves_the_application_out_with_the_reason(tree):
    clerk = district_clerk(tree.d1)
    application = approved_application(tree.c1, reserve=False)

    result = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(LAST_MONTH))

    assert _lines(result.cycle) == []
    assert result.left_out == [{"application": application.pk, "codes": ["not_reserved"],
                                "reasons": [in_chinese("No money is left reserved on the fund for this application.")]}]


def test_a_month_whose_payment_failed_is_paid_by_the_next_cycle(tree):
    clerk = district_clerk(tree.d1)
    application = approved_application(tree.c1, start=-2, months=3)
    earlier = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(-2)).cycle
    cycle_export(actor=clerk, cycle=earlier)
    failed = earlier.payments.get()
    cycle_import(actor=clerk, cycle=earlier, data=result_csv([result_line(failed, "失败", "账户已销户")]))

    later = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(LAST_MONTH)).cycle

    assert Payment.objects.get(pk=failed.pk).status == PaymentStatus.FAILED
    assert _lines(later) == [(application.pk, month_at(-2), 40_000), (application.pk, month_at(-1), 40_000)]


def test_a_paid_month_is_not_paid_again(tree):
    clerk = district_clerk(tree.d1)
    application = approved_application(tree.c1, start=-2, months=3)
    earlier = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(-2)).cycle
    cycle_export(actor=clerk, cycle=earlier)
    cycle_import(actor=clerk, cycle=earlier, data=result_csv([result_line(earlier.payments.get())]))

    later = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(LAST_MONTH)).cycle

    assert _lines(later) == [(application.pk, month_at(-1), 40_000)]


def test_a_clerk_generates_only_their_own_districts_list(tree):
    jiangan = approved_application(tree.c1)
    wuchang = approved_application(tree.c3)

    result = cycle_generate(actor=district_clerk(tree.d2), programme=social_insurance(), month=month_at(LAST_MONTH))

    assert result.cycle.area == tree.d2
    assert {a for a, _, _ in _lines(result.cycle)} == {wuchang.pk}
    assert not Payment.objects.filter(application=jiangan).exists()


def test_another_districts_list_cannot_be_generated(tree):
    approved_application(tree.c1)
    with pytest.raises(OutOfScope):
        cycle_generate(actor=district_clerk(tree.d2), programme=social_insurance(), month=month_at(LAST_MONTH),
                       district=tree.d1)
    assert not PaymentCycle.objects.exists()


@pytest.mark.parametrize("position", ["clerk@community", "clerk@street", "official@district", "official@city"])
def test_only_district_clerks_generate(position, staff, tree):
    approved_application(tree.c1)
    with pytest.raises(OutOfScope):
        cycle_generate(actor=staff[position], programme=social_insurance(), month=month_at(LAST_MONTH),
                       district=tree.d1)
    assert not Payment.objects.exists()


def test_a_future_month_and_a_one_off_programme_are_refused(tree):
    clerk = district_clerk(tree.d1)
    with pytest.raises(ValidationError) as future:
        cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(1))
    assert future.value.error_dict["month"][0].code == "future_month"
    with pytest.raises(ValidationError) as once:
        cycle_generate(actor=clerk, programme=ProgrammeFactory(kind=ProgrammeKind.JOB_REFERRAL),
                       month=month_at(LAST_MONTH))
    assert once.value.error_dict["programme"][0].code == "not_recurring"


def test_nobody_owed_makes_no_cycle(tree):
    result = cycle_generate(actor=district_clerk(tree.d1), programme=social_insurance(), month=month_at(LAST_MONTH))
    assert result.cycle is None and not PaymentCycle.objects.exists()


def test_a_list_sent_to_the_bank_gets_no_new_lines(tree):
    clerk = district_clerk(tree.d1)
    approved_application(tree.c1)
    cycle = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(LAST_MONTH)).cycle
    cycle_export(actor=clerk, cycle=cycle)
    late = approved_application(tree.c1)

    with pytest.raises(ValidationError) as refused:
        cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(LAST_MONTH))
    assert refused.value.code == "already_sent"
    nightly = cycles_generate_month(programme=social_insurance(), month=month_at(LAST_MONTH))
    assert [(r.cycle, r.sent_already) for r in nightly if r.cycle] == [(cycle, True)]
    assert not Payment.objects.filter(application=late).exists()
    # The months owed are paid by this month's cycle.
    this_month = cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(0)).cycle
    assert sorted(m for a, m, _ in _lines(this_month) if a == late.pk) == [month_at(-2), month_at(-1), month_at(0)]


def test_the_monthly_run_generates_last_month_in_every_district_and_reruns_cleanly(tree):
    approved_application(tree.c1)
    approved_application(tree.c3)
    approved_application(tree.c3, status=ApplicationStatus.DISBURSED)
    ProgrammeFactory(kind=ProgrammeKind.PUBLIC_WELFARE_POST)  # nobody to pay: no cycle

    first = cycles_generate_previous_month()
    second = cycles_generate_previous_month()

    assert first == {"cycles": 2, "added": 6, "left_out": 0, "sent_already": 0}
    assert second == {"cycles": 2, "added": 0, "left_out": 0, "sent_already": 0}
    cycles = PaymentCycle.objects.order_by("area__code")
    assert [(c.area, c.month, c.generated_by) for c in cycles] == [(tree.d1, month_at(-1), None),
                                                                   (tree.d2, month_at(-1), None)]
    assert Payment.objects.count() == 6


def test_generation_reads_the_same_number_of_queries_for_two_or_twelve_applications(tree):
    clerk = district_clerk(tree.d1)
    cycle_districts(clerk)  # the clerk's grants, read once per request in real use
    programme = social_insurance()
    for _ in range(2):
        approved_application(tree.c1)
    with CaptureQueriesContext(connection) as few:
        cycle_generate(actor=clerk, programme=programme, month=month_at(-2))
    for _ in range(10):
        approved_application(tree.c2)
    with CaptureQueriesContext(connection) as many:
        cycle_generate(actor=clerk, programme=programme, month=month_at(LAST_MONTH))
    assert Payment.objects.filter(month=month_at(-1)).count() == 12
    assert len(many) == len(few)


def test_fund_balances_are_untouched_by_generation(tree):
    clerk = district_clerk(tree.d1)
    approved_application(tree.c1)
    before = Fund.objects.values_list("reserved_fen", "paid_fen").get()
    cycle_generate(actor=clerk, programme=social_insurance(), month=month_at(LAST_MONTH))
    assert Fund.objects.values_list("reserved_fen", "paid_fen").get() == before == (120_000, 0)
