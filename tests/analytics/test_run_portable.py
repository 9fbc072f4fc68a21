"""The facts run's statements for a database without PostgreSQL's (the embedded SQLite demo: bulk
inserts for COPY, a UNION ALL roll-up for GROUPING SETS, the area structure from Python, no advisory
lock) give the same rows as PostgreSQL's, run here on the same PostgreSQL data. The whole run on a
real SQLite file is tried in ``test_sqlite_demo``."""

from __future__ import annotations

import datetime

import pytest

from analytics.constants import RunStatus, RunTrigger
from analytics.models import AreaStructure, FactRun, StagedFact
from analytics.services import run as facts_run
from portal.models import Area
from subsidies import facts as subsidy_facts
from subsidies.constants import ApplicationStatus
from tests.analytics.factories import at
from tests.analytics.test_facts_subsidies import _application
from tests.analytics.test_run_rollup import D, ONE, _records, _rows

pytestmark = pytest.mark.django_db


def _applications(tree):
    _application(tree.c1, at(D - 5 * ONE, 9), (at(D - 3 * ONE, 10), ApplicationStatus.ACCEPTED),
                 (at(D - ONE, 10), ApplicationStatus.STREET_REVIEWED), (at(D + ONE, 10), ApplicationStatus.REJECTED))
    _application(tree.c2, at(D - ONE, 9))
    _application(tree.c1, at(D - 9 * ONE, 9), (at(D - 8 * ONE, 9), ApplicationStatus.ACCEPTED),
                 (at(D, 10), ApplicationStatus.REJECTED))
    # two changes at the same moment: the later id is the state
    moment = at(D - 2 * ONE, 11)
    _application(tree.c3, at(D - 4 * ONE, 9), (moment, ApplicationStatus.ACCEPTED),
                 (moment, ApplicationStatus.REJECTED))


def test_the_portable_run_writes_the_rows_the_postgresql_run_writes(tree, monkeypatch):
    _records(tree)
    _applications(tree)
    in_sql = facts_run.run_day_in_process(day=D)
    expected = _rows()
    assert in_sql.status == RunStatus.DONE and len(expected) > 20

    monkeypatch.setattr(facts_run, "_postgresql", lambda: False)
    portable = facts_run.run_day_in_process(day=D)
    assert portable.status == RunStatus.DONE, portable.error
    assert _rows() == expected and portable.rows == in_sql.rows
    assert not StagedFact.objects.exists()


def test_the_portable_area_structure_refresh_gives_the_statements_rows(tree, monkeypatch):
    def structure():
        return set(AreaStructure.objects.values_list("area_id", "level", "city", "district", "street", "community"))

    facts_run.area_structure_refresh()
    built = structure()
    monkeypatch.setattr(facts_run, "_postgresql", lambda: False)
    AreaStructure.objects.all().delete()
    assert facts_run.area_structure_refresh() == Area.objects.count()
    assert structure() == built
    assert facts_run.area_structure_refresh() == 0
    AreaStructure.objects.filter(area=tree.c1).update(street="", level="street")
    AreaStructure.objects.filter(area=tree.c2).delete()
    assert facts_run.area_structure_refresh() == 2
    assert structure() == built


def test_generated_days_are_the_latest_finished_runs_without_distinct_on(tree, monkeypatch):
    first = datetime.date(2026, 1, 1)
    for offset, triggers in enumerate([[RunTrigger.GENERATED], [RunTrigger.GENERATED, RunTrigger.BACKFILL],
                                       [RunTrigger.BACKFILL, RunTrigger.GENERATED], [RunTrigger.NIGHTLY]]):
        for n, trigger in enumerate(triggers):
            FactRun.objects.create(day=first + offset * ONE, trigger=trigger, status=RunStatus.DONE,
                                   started_at=at(first, 3 + n))
    FactRun.objects.create(day=first + 4 * ONE, trigger=RunTrigger.GENERATED, status=RunStatus.FAILED)
    in_sql = facts_run.generated_days(first, first + 9 * ONE)
    monkeypatch.setattr(facts_run, "_postgresql", lambda: False)
    assert facts_run.generated_days(first, first + 9 * ONE) == in_sql == {first, first + 2 * ONE}


def test_the_portable_application_state_statement_counts_as_distinct_on_does(tree):
    _applications(tree)
    for day in (D - 3 * ONE, D - ONE, D, D + ONE):
        for area in (tree.d1, tree.d2):
            in_sql = sorted(subsidy_facts.application_state_rows(day, area.path))
            assert sorted(subsidy_facts.application_state_rows(day, area.path, portable=True)) == in_sql
    assert sorted(subsidy_facts.application_state_rows(D, tree.d1.path, portable=True)) == [
        (tree.c1.code, "subsidy_applications_rejected", 1), (tree.c1.code, "subsidy_applications_street_reviewed", 1),
        (tree.c2.code, "subsidy_applications_submitted", 1)]
