"""The facts run in-process: roll-ups add up at every level, a rerun replaces a day exactly, a failure
or an overlapping run never leaves a half-written day, and the run log says what happened."""

from __future__ import annotations

import datetime
from collections import defaultdict

import psycopg2
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from analytics.constants import LATE_DATA_DAYS, RUN_STALE_AFTER_SECONDS, AnalyticsEvent, RunStatus, RunTrigger
from analytics.facts import FactSet
from analytics.models import AreaStructure, DailyFact, FactRun, FactTaskRun, StagedFact
from analytics.services import run as facts_run
from analytics.tasks import facts_nightly
from jobs.facts import FACTS as JOB_FACTS
from portal.constants import AreaLevel
from portal.models import Area, AuditEvent
from registration.constants import EmploymentKind
from registration.facts import FACTS as REGISTRATION_FACTS
from tests.analytics.factories import DailyFactFactory, FactRunFactory, answers, at
from tests.jobs.factories import EmployerFactory, SeekerProfileFactory, VacancyFactory
from tests.registration.factories import EmploymentRegistrationFactory, PersonFactory, UnemploymentRegistrationFactory

pytestmark = pytest.mark.django_db
D = datetime.date(2026, 3, 10)
ONE = datetime.timedelta(days=1)


def _records(tree):
    """Records in two communities of one street, a community of another street, and 武昌区."""
    other_street_community = Area.objects.filter(parent=tree.s2).order_by("code").first()
    places = [tree.c1, tree.c1, tree.c2, other_street_community, tree.c3, tree.c3]
    kinds = [EmploymentKind.ENTERPRISE_HIRE, EmploymentKind.FLEXIBLE, EmploymentKind.SELF_EMPLOYED,
             EmploymentKind.ENTERPRISE_HIRE, EmploymentKind.PUBLIC_WELFARE, EmploymentKind.FLEXIBLE]
    for place, kind in zip(places, kinds):
        EmploymentRegistrationFactory(person=PersonFactory(area=place), kind=kind, started_on=D)
        UnemploymentRegistrationFactory(person=PersonFactory(area=place), registered_on=D - 3 * ONE)
        VacancyFactory(employer=EmployerFactory(area=place), area=place, headcount=3,
                       published_at=at(D - ONE, 9), closing_date=D + 30 * ONE)
    return other_street_community


def _rows(day=D) -> dict[tuple[str, str], tuple[str, int]]:
    return {(row.fact, row.area_id): (row.level, row.value) for row in DailyFact.objects.filter(day=day)}


def test_rollups_equal_the_sum_of_their_children_at_every_level(tree):
    _records(tree)
    run = facts_run.run_day_in_process(day=D)
    assert run.status == RunStatus.DONE and run.rows == len(_rows())

    rows = _rows()
    parents = dict(Area.objects.values_list("code", "parent_id"))
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for (fact, code), (_level, value) in rows.items():
        sums[(fact, parents[code])] += value
    for (fact, code), (level, value) in rows.items():
        if level != AreaLevel.COMMUNITY:
            assert value == sums[(fact, code)], (fact, code, level)
    levels = {level for level, _value in rows.values()}
    assert levels == {AreaLevel.COMMUNITY, AreaLevel.STREET, AreaLevel.DISTRICT, AreaLevel.CITY}
    assert rows[("new_employment", tree.s1.code)] == (AreaLevel.STREET, 3)
    assert rows[("new_employment", tree.d1.code)] == (AreaLevel.DISTRICT, 4)
    assert rows[("new_employment", tree.d2.code)] == (AreaLevel.DISTRICT, 2)
    assert rows[("new_employment", tree.city.code)] == (AreaLevel.CITY, 6)
    assert rows[("vacancy_positions", tree.city.code)] == (AreaLevel.CITY, 18)
    # The community rows are exactly what the apps' facts answer; every row carries its area's path.
    expected = {**answers(REGISTRATION_FACTS, D, tree.d1.path), **answers(JOB_FACTS, D, tree.d1.path)}
    assert {(code, fact): value for (fact, code), (level, value) in rows.items()
            if level == AreaLevel.COMMUNITY and code.startswith(tree.d1.path)} == expected
    paths = dict(Area.objects.values_list("code", "path"))
    assert all(row.area_path == paths[row.area_id] for row in DailyFact.objects.filter(day=D))
    assert not StagedFact.objects.exists()  # the staging rows went with the swap


def test_a_record_placed_at_a_street_counts_in_the_street_district_and_city_but_no_community(tree):
    VacancyFactory(employer=EmployerFactory(area=tree.c1), area=tree.s1, headcount=4,
                   published_at=at(D - ONE, 9), closing_date=D + 30 * ONE)
    facts_run.run_day_in_process(day=D)
    rows = {code: value for (fact, code), (_level, value) in _rows().items() if fact == "vacancy_positions"}
    assert rows == {tree.s1.code: 4, tree.d1.code: 4, tree.city.code: 4}


def test_a_rerun_of_a_day_gives_identical_rows_and_replaces_them_exactly(tree):
    other = _records(tree)
    DailyFactFactory(day=D - ONE, fact="new_employment", area=tree.d1, value=99)  # another day: untouched
    facts_run.run_day_in_process(day=D)
    first = _rows()
    second_run = facts_run.run_day_in_process(day=D)
    assert _rows() == first and second_run.rows == len(first)

    # The records change: a registration goes, another comes; the day's rows follow exactly.
    EmploymentRegistrationFactory._meta.model.objects.filter(area=other).delete()
    EmploymentRegistrationFactory(person=PersonFactory(area=tree.c2), kind=EmploymentKind.FLEXIBLE, started_on=D)
    facts_run.run_day_in_process(day=D)
    rows = _rows()
    assert ("new_employment", other.code) not in rows
    assert ("new_employment", tree.s2.code) not in rows  # its street had nothing else
    assert rows[("new_employment", tree.c2.code)] == (AreaLevel.COMMUNITY, 2)
    assert rows[("new_employment", tree.d1.code)] == (AreaLevel.DISTRICT, 4)
    assert DailyFact.objects.get(day=D - ONE, area=tree.d1).value == 99
    assert FactRun.objects.filter(day=D, status=RunStatus.DONE).count() == 3


def test_statistics_are_refreshed_after_a_new_latest_day_only(tree):
    from django.test.utils import CaptureQueriesContext

    _records(tree)
    DailyFactFactory(day=D - ONE, fact="new_employment", area=tree.d1, value=99)

    def analyzed(day) -> bool:
        with CaptureQueriesContext(connection) as queries:
            assert facts_run.run_day_in_process(day=day).status == RunStatus.DONE
        return any(query["sql"].startswith("ANALYZE") for query in queries.captured_queries)

    assert analyzed(D)  # past the last day stored: the day column's range moved
    assert not analyzed(D)  # the same day again
    assert not analyzed(D - ONE)  # a day inside the range (the late-data window)


def test_a_failing_district_fails_the_run_and_keeps_the_days_rows(tree, monkeypatch):
    _records(tree)
    facts_run.run_day_in_process(day=D)
    before = _rows()

    def broken(day, prefix):
        if prefix == tree.d2.path:
            raise RuntimeError("source table unreadable")
        return iter(())

    queries = [*facts_run.fact_queries(), FactSet(facts=(), rows=broken)]
    monkeypatch.setattr(facts_run, "fact_queries", lambda: queries)
    run = facts_run.run_day_in_process(day=D)

    assert run.status == RunStatus.FAILED and "武昌区" in run.error and run.finished_at
    task = FactTaskRun.objects.get(run=run, district=tree.d2)
    assert task.status == RunStatus.FAILED and "source table unreadable" in task.error
    assert FactTaskRun.objects.get(run=run, district=tree.d1).status == RunStatus.DONE
    assert _rows() == before  # the live day is the previous run's, whole
    assert not StagedFact.objects.filter(run=run).exists()
    finished = AuditEvent.objects.filter(event_type=AnalyticsEvent.RUN_FINISHED, object_id=str(run.pk)).get()
    assert finished.new_values["status"] == RunStatus.FAILED


def test_the_advisory_lock_of_the_day_refuses_an_overlapping_roll_up(tree):
    # The day's live rows as an earlier run left them. They are written here rather than by a run in
    # this test: a run's transaction-level lock would stay held until the test's own transaction ends.
    _records(tree)
    DailyFactFactory(day=D, area=tree.d1, value=7)
    DailyFactFactory(day=D, area=tree.city, value=9)
    before = _rows()
    run = facts_run.run_start(day=D, trigger=RunTrigger.BACKFILL)
    for code in facts_run.district_codes():
        facts_run.district_build(run_id=run.pk, district_code=code)
    settings = connection.settings_dict
    other = psycopg2.connect(dbname=settings["NAME"], user=settings["USER"], host=settings["HOST"],
                             port=settings["PORT"], password=settings["PASSWORD"])
    try:
        with other.cursor() as cursor:  # another run of the same day writing its rows
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [facts_run.LOCK_NAMESPACE, D.toordinal()])
        with translation.override("en"):  # the reason is checked in English
            refused = facts_run.run_roll_up(run_id=run.pk)
    finally:
        other.close()
    assert refused.status == RunStatus.FAILED and "Another run" in refused.error
    assert _rows() == before
    assert not StagedFact.objects.filter(run=run).exists()
    # The lock of another day does not stand in the way.
    assert facts_run.run_day_in_process(day=D + ONE).status == RunStatus.DONE


def test_a_second_run_of_a_day_is_refused_while_the_first_is_going_and_a_stale_one_is_marked_failed(tree):
    first = facts_run.run_start(day=D)
    with pytest.raises(facts_run.RunRefused):
        facts_run.run_start(day=D)
    assert facts_run.run_start(day=D - ONE).status == RunStatus.RUNNING  # another day may start

    stale = timezone.now() - datetime.timedelta(seconds=RUN_STALE_AFTER_SECONDS + 60)
    FactRun.objects.filter(pk=first.pk).update(started_at=stale)
    with translation.override("en"):  # the reason is checked in English
        assert facts_run.runs_mark_stale() == 1
    first.refresh_from_db()
    assert first.status == RunStatus.FAILED and "did not finish" in first.error
    assert facts_run.run_start(day=D).status == RunStatus.RUNNING


def test_the_run_log_records_each_task_with_its_times_rows_and_worker(tree):
    _records(tree)
    run = facts_run.run_day_in_process(day=D)
    tasks = {task.district_id: task for task in FactTaskRun.objects.filter(run=run)}
    assert set(tasks) == set(facts_run.district_codes()) | {None}
    assert all(t.status == RunStatus.DONE and t.started_at <= t.finished_at and t.worker == "in-process"
               for t in tasks.values())
    assert tasks[tree.d1.code].rows == (len(answers(REGISTRATION_FACTS, D, tree.d1.path))
                                        + len(answers(JOB_FACTS, D, tree.d1.path)))
    assert tasks[None].rows == run.rows == DailyFact.objects.filter(day=D).count()
    assert run.started_at < run.finished_at and run.trigger == RunTrigger.BACKFILL
    assert AuditEvent.objects.filter(event_type=AnalyticsEvent.RUN_STARTED, object_id=str(run.pk)).exists()


def test_nightly_days_are_yesterday_and_the_late_window_without_generated_history(tree):
    today = datetime.date(2026, 3, 20)
    days = facts_run.nightly_days(today)
    assert days == [today - ONE * n for n in range(LATE_DATA_DAYS + 1, 0, -1)]
    FactRunFactory(day=today - 2 * ONE, trigger=RunTrigger.GENERATED)
    FactRunFactory(day=today - 3 * ONE, trigger=RunTrigger.GENERATED)
    FactRunFactory(day=today - 3 * ONE, trigger=RunTrigger.BACKFILL)  # rebuilt since: no longer generated
    assert today - 2 * ONE not in facts_run.nightly_days(today)
    assert today - 3 * ONE in facts_run.nightly_days(today)


@pytest.mark.parametrize("day", [None, "2026-03-01", datetime.date(1999, 12, 31), datetime.date(9999, 12, 31),
                                 datetime.date(1, 1, 1), "today", datetime.datetime(2026, 3, 1, 12)])
def test_days_outside_what_a_run_can_build_are_refused_with_a_clear_error(tree, day):
    day = timezone.localdate() if day == "today" else day
    with pytest.raises(ValidationError) as error:
        facts_run.run_start(day=day)
    assert error.value.messages
    assert not FactRun.objects.exists()


def test_the_area_structure_names_each_ancestor_and_a_second_refresh_changes_nothing(tree):
    facts_run.area_structure_refresh()
    row = AreaStructure.objects.get(area=tree.c1)
    assert (row.level, row.city, row.district, row.street, row.community) == (
        AreaLevel.COMMUNITY, tree.city.code, tree.d1.code, tree.s1.code, tree.c1.code)
    street = AreaStructure.objects.get(area=tree.s1)
    assert (street.district, street.street, street.community) == (tree.d1.code, tree.s1.code, "")
    assert AreaStructure.objects.count() == Area.objects.count()
    assert facts_run.area_structure_refresh() == 0


def test_the_nightly_task_runs_its_chord_in_process_without_a_broker(tree):
    _records(tree)
    result = facts_nightly.delay(day=D.isoformat()).get()
    assert len(result["runs"]) == 1 and result["refused"] == []
    run = FactRun.objects.get(pk=result["runs"][0])
    assert run.status == RunStatus.DONE and run.trigger == RunTrigger.NIGHTLY
    via_task = _rows()
    facts_run.run_day_in_process(day=D)
    assert _rows() == via_task
