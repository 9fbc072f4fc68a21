"""The facts apps give analytics, declared where the data lives.

Each source app has a ``facts`` module with ``FACTS``, a list of ``Fact``: a key, a label, its kind
(flow or stock) and ``rows(day, prefix)``, which answers the fact for one day within one area
prefix (a district's path) as ``(area_code, value)`` pairs at the lowest level the records sit at
(community, or street for a record placed at a street). Analytics stores those rows per day and
rolls them up to street, district and city in the same run; a dashboard never queries the source
tables. ``rows`` must be one query, grouped in PostgreSQL.

Facts read from one source table are best answered together: a ``FactSet`` declares several facts
and one grouped query ``rows(day, prefix)`` giving ``(area_code, fact_key, value)`` triples, so the
table is scanned once for all of them (new employment by source, the unemployment stock with its
inflow and outflow …). A ``FACTS`` list may hold both.

``all_facts()`` collects every installed app's ``FACTS`` (found by module name), so
an app adds facts without touching analytics; ``fact_queries()`` gives the run one query per fact
or fact set.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from analytics.constants import FactKind


@dataclass(frozen=True)
class Fact:
    key: str
    label: Any
    kind: str = FactKind.FLOW
    # rows(day, prefix) → iterable of (area code, value); one query.
    rows: Callable[[datetime.date, str], Iterable[tuple[str, int]]] | None = None
    unit: Any = ""
    order: int = 0


@dataclass(frozen=True)
class FactSet:
    """Facts answered by one grouped query: ``rows(day, prefix)`` → (area code, fact key, value)."""

    facts: tuple[Fact, ...]
    rows: Callable[[datetime.date, str], Iterable[tuple[str, str, int]]]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(fact.key for fact in self.facts)


_FACTS: dict[str, Fact] = {}
_QUERIES: dict[tuple[str, ...], FactSet] = {}
_DISCOVERED = False


def register(*facts: Fact | FactSet) -> None:
    for item in facts:
        members = item.facts if isinstance(item, FactSet) else (item,)
        for fact in members:
            if fact.key in _FACTS and _FACTS[fact.key] is not fact:
                raise ValueError(f"fact {fact.key!r} is declared twice")
            _FACTS[fact.key] = fact
        if isinstance(item, FactSet):
            _QUERIES[item.keys] = item
        elif item.rows is not None:
            _QUERIES[(item.key,)] = FactSet(facts=(item,), rows=_with_key(item))


def _with_key(fact: Fact):
    def rows(day: datetime.date, prefix: str):
        return ((code, fact.key, value) for code, value in fact.rows(day, prefix))
    return rows


def fact_queries() -> list[FactSet]:
    """One query per fact set or standalone fact, for the run (each gives key-tagged triples)."""
    all_facts()
    return sorted(_QUERIES.values(), key=lambda query: query.keys)


def all_facts() -> list[Fact]:
    """Every fact of every installed app's ``facts`` module (``FACTS``), in a stable order."""
    global _DISCOVERED
    if not _DISCOVERED:
        import importlib

        from django.apps import apps

        for config in apps.get_app_configs():
            if config.name == "analytics":
                continue
            try:
                module = importlib.import_module(f"{config.name}.facts")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.facts":
                    raise
                continue
            register(*getattr(module, "FACTS", ()))
        _DISCOVERED = True
    return sorted(_FACTS.values(), key=lambda fact: (fact.order, fact.key))


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The start of ``day`` and of the next day in the portal's time zone (Asia/Shanghai), for
    facts read from timestamps: ``start <= t < end`` uses an index where a date cast would not."""
    from django.utils import timezone

    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    return start, datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)


def fact(key: str) -> Fact:
    for found in all_facts():
        if found.key == key:
            return found
    raise KeyError(key)



