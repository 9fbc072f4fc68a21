"""What an app plugs into the kernel, registered from its ``AppConfig.ready``.

The kernel knows no app by name. Each app registers:

- its URL patterns (``register_urls``): public pages, staff pages, the public and the staff API;
- its navigation entries with the audiences that see them (``register_navigation``);
- its audit event types (``register_audit_events``): a TextChoices class of its own, so a new
  app's events need no kernel migration;
- its nightly schedule (``register_schedule``): Celery beat entries;
- its to-do counters (``register_counter``): "vacancies awaiting my review: 3" on the workbench;
- the enums its API shows under one name (``register_api_enums``, for the OpenAPI schema);
- the home page of an account type after login (``register_home``);
- panels on a job seeker's or employer's own page ``/me/`` (``register_panel``): "my applications",
  "my registration" …;
- its public search (``register_search``), offered where a visitor is stuck (the error pages);
- sections of the public home page ``/`` (``register_home_section``): the search box, the newest
  vacancies near the reader, this week's job fairs …, and where a signed-in reader lives
  (``register_home_area``), so "near me" needs no knowledge of the app that records it.

The kernel reads these: ``portal.urls`` mounts the patterns, the site shell draws the navigation,
``portal.audit`` accepts the event types, the Celery app runs the schedule and the workbench
shows the counters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.celery import app as celery_app

# Who sees a navigation entry or a counter. Staff audiences come from active grants.
PUBLIC = "public"
SEEKER = "seeker"
EMPLOYER = "employer"
STAFF = "staff"
CLERK = "clerk"
OFFICIAL = "official"
ADMINISTRATOR = "administrator"
SUPERUSER = "superuser"
AUDIENCES = (PUBLIC, SEEKER, EMPLOYER, STAFF, CLERK, OFFICIAL, ADMINISTRATOR, SUPERUSER)

# Where a navigation entry sits: public information, the account's own pages, staff tools,
# administration. Within a section, entries keep the order of ``order`` then of registration.
SECTION_PUBLIC, SECTION_OWN, SECTION_STAFF, SECTION_ADMIN = 10, 20, 30, 40
# The sections' keys and headings in the menu.
SECTIONS = {
    SECTION_PUBLIC: ("public", _("Public services")),
    SECTION_OWN: ("own", _("My services")),
    SECTION_STAFF: ("staff", _("Staff tools")),
    SECTION_ADMIN: ("admin", _("Administration and API")),
}


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: Any
    audiences: tuple[str, ...]
    section: int = SECTION_PUBLIC
    order: int = 0


@dataclass(frozen=True)
class Counter:
    """A number on the workbench: ``count(user)`` is the user's to-do (None: not this user's work).

    ``overdue`` counters come first and stand out when not zero.
    """

    key: str
    label: Any
    url_name: str
    count: Callable[[Any], int | None]
    audiences: tuple[str, ...] = (STAFF,)
    overdue: bool = False
    order: int = 0
    url_query: str = ""  # appended to the link: "status=pending" lands on the filtered list


@dataclass(frozen=True)
class Panel:
    """A section of the account's own page (``/me/``): ``context(user)`` gives the template its
    context, or None when the panel has nothing for this user (then it is not shown)."""

    key: str
    title: Any
    template_name: str
    context: Callable[[Any], dict | None]
    audiences: tuple[str, ...]
    order: int = 0


@dataclass(frozen=True)
class HomeSection:
    """A section of the public home page: ``context(user, area)`` gives the template its context
    (``area``: where the reader lives, or None); the section is shown whatever it holds, so its
    template says when it is empty. Public information only: anyone may open the home page."""

    key: str
    title: Any
    template_name: str
    context: Callable[[Any, Any], dict]
    order: int = 0


@dataclass(frozen=True)
class UrlMount:
    prefix: str
    module: str  # dotted path of a module with the lists public, staff, api and staff_api


@dataclass
class _Registry:
    navigation: list[NavEntry] = field(default_factory=list)
    counters: dict[str, Counter] = field(default_factory=dict)
    audit_events: dict[str, Any] = field(default_factory=dict)
    audit_event_classes: list[type[models.TextChoices]] = field(default_factory=list)
    schedule: dict[str, dict] = field(default_factory=dict)
    urls: list[UrlMount] = field(default_factory=list)
    homes: dict[str, str] = field(default_factory=dict)
    panels: dict[str, Panel] = field(default_factory=dict)
    searches: list[tuple[str, Any]] = field(default_factory=list)
    home_sections: dict[str, HomeSection] = field(default_factory=dict)
    home_areas: list[Callable[[Any], Any]] = field(default_factory=list)


_registry = _Registry()


def _audiences(audiences: str | Iterable[str]) -> tuple[str, ...]:
    found = (audiences,) if isinstance(audiences, str) else tuple(audiences)
    unknown = set(found) - set(AUDIENCES)
    if unknown:
        raise ValueError(f"unknown audiences {sorted(unknown)}")
    return found


# --- URLs ---------------------------------------------------------------------------------------


def register_urls(*, prefix: str, module: str) -> None:
    """Mount the lists of ``module`` (``public``, ``staff``, ``api``, ``staff_api``) at ``/<prefix>/``,
    ``/staff/<prefix>/``, ``/api/<prefix>/`` and ``/api/staff/<prefix>/``, under the namespaces
    ``<prefix>`` and ``staff-<prefix>``. The module is imported when the URLs are first needed."""
    if any(mount.prefix == prefix for mount in _registry.urls):
        raise ValueError(f"URL prefix {prefix!r} is already registered")
    _registry.urls.append(UrlMount(prefix=prefix, module=module))


def url_mounts() -> list[UrlMount]:
    return list(_registry.urls)


# --- Navigation ---------------------------------------------------------------------------------


def register_navigation(*entries: NavEntry) -> None:
    for entry in entries:
        _audiences(entry.audiences)
        _registry.navigation.append(entry)


def nav(url_name: str, label, audiences: str | Iterable[str], *, section: int = SECTION_PUBLIC,
        order: int = 0) -> NavEntry:
    """A navigation entry (shorthand for apps)."""
    return NavEntry(url_name=url_name, label=label, audiences=_audiences(audiences), section=section, order=order)


def navigation_entries() -> list[NavEntry]:
    indexed = list(enumerate(_registry.navigation))
    return [entry for _, entry in sorted(indexed, key=lambda pair: (pair[1].section, pair[1].order, pair[0]))]


# --- Audit event types --------------------------------------------------------------------------


def register_audit_events(choices: type[models.TextChoices]) -> None:
    """Accept an app's audit event types; a value another app registered is an error."""
    for value, label in choices.choices:
        if value in _registry.audit_events and _registry.audit_events[value] is not label:
            raise ValueError(f"audit event type {value!r} is registered twice")
        _registry.audit_events[value] = label
    if choices not in _registry.audit_event_classes:
        _registry.audit_event_classes.append(choices)


def audit_event_types() -> dict[str, Any]:
    """Every registered audit event type: value → label."""
    return dict(_registry.audit_events)


def audit_event_choices() -> list[tuple[str, Any]]:
    return sorted(_registry.audit_events.items(), key=lambda item: item[0])


def audit_event_label(value: str):
    return _registry.audit_events.get(value, value)


# --- Nightly schedule ---------------------------------------------------------------------------


def register_schedule(name: str, *, task: str, schedule, **options) -> None:
    """A Celery beat entry; the Celery app (``portal.celery``) runs every registered entry."""
    if name in _registry.schedule:
        raise ValueError(f"schedule entry {name!r} is already registered")
    entry = {"task": task, "schedule": schedule, **options}
    _registry.schedule[name] = entry
    celery_app.conf.beat_schedule = {**(celery_app.conf.beat_schedule or {}), name: entry}


def schedule() -> dict[str, dict]:
    return dict(_registry.schedule)


# --- To-do counters -----------------------------------------------------------------------------


def register_counter(counter: Counter) -> None:
    _audiences(counter.audiences)
    if counter.key in _registry.counters:
        raise ValueError(f"counter {counter.key!r} is already registered")
    _registry.counters[counter.key] = counter


def counters() -> list[Counter]:
    return list(_registry.counters.values())


# --- API enums ----------------------------------------------------------------------------------


def register_api_enums(overrides: dict[str, str]) -> None:
    """Name enums in the OpenAPI schema (several models have a ``status`` with other choices)."""
    from drf_spectacular.settings import spectacular_settings

    spectacular_settings.ENUM_NAME_OVERRIDES.update(overrides)


# --- Homes --------------------------------------------------------------------------------------


def register_home(audience: str, url_name: str) -> None:
    """Where an account of this audience lands after login (staff: the workbench)."""
    _audiences(audience)
    _registry.homes[audience] = url_name


def homes() -> dict[str, str]:
    return dict(_registry.homes)


# --- Panels of the account's own page ------------------------------------------------------------


def register_panel(panel: Panel) -> None:
    _audiences(panel.audiences)
    if panel.key in _registry.panels:
        raise ValueError(f"panel {panel.key!r} is already registered")
    _registry.panels[panel.key] = panel


def _in_order(items) -> list:
    """By ``order``, then in the order they were registered."""
    indexed = list(enumerate(items))
    return [item for _, item in sorted(indexed, key=lambda pair: (pair[1].order, pair[0]))]


def panels() -> list[Panel]:
    return _in_order(_registry.panels.values())


# --- Public searches -----------------------------------------------------------------------------


def register_search(url_name: str, label) -> None:
    """A public search page taking ``?q=`` (vacancies, policies), offered on the error pages."""
    _registry.searches.append((url_name, label))


def searches() -> list[tuple[str, Any]]:
    return list(_registry.searches)


# --- The public home page ------------------------------------------------------------------------


def register_home_section(section: HomeSection) -> None:
    if section.key in _registry.home_sections:
        raise ValueError(f"home section {section.key!r} is already registered")
    _registry.home_sections[section.key] = section


def home_sections() -> list[HomeSection]:
    return _in_order(_registry.home_sections.values())


def register_home_area(area_of: Callable[[Any], Any]) -> None:
    """``area_of(user)``: where a signed-in user lives (an Area), or None. Asked in the order of
    registration; the first answer wins."""
    _registry.home_areas.append(area_of)


def home_areas() -> list[Callable[[Any], Any]]:
    return list(_registry.home_areas)
