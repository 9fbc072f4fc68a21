"""Reads of programmes: the public list with who qualifies and how much (from the version in force),
the staff pages, and a version's parameters in words."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from policy.models import PolicyDocument
from portal.models import User
from registration.models import HardshipCategory
from subsidies.constants import DocumentKind, ProgrammeKind
from subsidies.models import Programme, ProgrammeVersion
from subsidies.money import yuan
from subsidies.rules import STEP_NAMES, params_of, parse_fraction

STEP_LABELS = {
    "accept": gettext_lazy("community intake"), "review": gettext_lazy("street review"),
    "approve": gettext_lazy("district approval"), "approve_for_city": gettext_lazy("district approval for the city"),
    "city_approve": gettext_lazy("city approval"), "disburse": gettext_lazy("disbursement"),
}


@dataclass
class ParameterLine:
    name: str
    label: str
    value: str


def _fraction_words(value: Any) -> str:
    share = parse_fraction(value)
    percent = share * 100
    shown = f"{float(percent):.2f}".rstrip("0").rstrip(".")
    return f"{share.numerator}/{share.denominator}（{shown}%）" if share.denominator != 1 else f"{shown}%"


def parameter_value_words(param_type: str, value: Any, categories: dict[str, str] | None = None) -> str:
    """One parameter's value as the pages show it: yuan for fen, shares as fractions and percentages,
    names for codes, each review step's working days."""
    if value is None:
        return "—"
    if param_type == "fen":
        return _("%(amount)s yuan") % {"amount": yuan(value)}
    if param_type == "fraction":
        return _fraction_words(value)
    if param_type == "codes":
        if not value:
            return _("all categories")
        names = categories or {}
        return "、".join(names.get(code, code) for code in value)
    if param_type == "documents":
        if not value:
            return _("none")
        return "、".join(str(DocumentKind(code).label) if code in DocumentKind.values else code for code in value)
    if param_type == "step_days":
        return "；".join(_("Time limit for %(step)s: %(limit)s") % {"step": STEP_LABELS.get(step, step),
                                                          "limit": days}
                        for step, days in sorted(value.items(), key=lambda item: STEP_NAMES.index(item[0])
                                                 if item[0] in STEP_NAMES else 99))
    return str(value)


def _category_names() -> dict[str, str]:
    return dict(HardshipCategory.objects.values_list("code", "name"))


def parameters_in_words(version: ProgrammeVersion, categories: dict[str, str] | None = None) -> list[ParameterLine]:
    """Each parameter of ``version`` with its label and its value in words, in the declared order."""
    names = categories if categories is not None else _category_names()
    params = version.parameters or {}
    return [ParameterLine(name=p.name, label=str(p.label), value=parameter_value_words(p.type, params.get(p.name), names))
            for p in params_of(version.programme.kind)]


def summary_in_words(version: ProgrammeVersion, categories: dict[str, str] | None = None) -> dict[str, str]:
    """Who qualifies and how much, in two sentences, from the version's parameters."""
    p = version.parameters or {}
    kind = version.programme.kind
    names = categories if categories is not None else _category_names()
    if kind == ProgrammeKind.SOCIAL_INSURANCE:
        who = _("Approved hard-to-employ persons (%(categories)s) in registered flexible employment who pay their own "
                "social insurance.") % {"categories": parameter_value_words("codes", p.get("categories"), names)}
        how = _("%(share)s of the contributions actually paid, at most %(cap)s yuan a month, for at most %(months)s "
                "months; those within %(years)s years of retirement are paid until they retire.") % {
            "share": _fraction_words(p["share"]), "cap": yuan(p["monthly_cap_fen"]), "months": p["max_months"],
            "years": p["retirement_window_years"]}
    elif kind == ProgrammeKind.GRADUATE_SOCIAL_INSURANCE:
        who = _("Small enterprises (at most %(staff)s staff) that hire college graduates within %(years)s years of "
                "graduation.") % {"staff": p["employer_max_staff"], "years": p["graduated_within_years"]}
        how = _("The social insurance contributions the enterprise pays for the graduate, at most %(cap)s yuan a "
                "month, for at most %(months)s months.") % {"cap": yuan(p["monthly_cap_fen"]),
                                                            "months": p["max_months"]}
    elif kind == ProgrammeKind.PUBLIC_WELFARE_POST:
        who = _("Employers of approved hard-to-employ persons placed in public-welfare posts.")
        how = _("%(amount)s yuan a month for at most %(months)s months; those within %(years)s years of retirement "
                "are paid until they retire.") % {"amount": yuan(p["monthly_amount_fen"]), "months": p["max_months"],
                                                  "years": p["retirement_window_years"]}
    elif kind == ProgrammeKind.JOB_REFERRAL:
        who = _("Licensed private employment agencies that place a registered unemployed or hard-to-employ person "
                "in a job; apply within %(days)s days of the placement.") % {"days": p["placement_within_days"]}
        how = _("The agency receives %(amount)s yuan for every job it finds for someone.") % {"amount": yuan(p["amount_per_placement_fen"])}
    else:
        who = _("Registered unemployed or hard-to-employ persons who start a business.")
        how = _("A guaranteed loan of at most %(cap)s yuan for at most %(months)s months, with %(rate)s of the loan "
                "a year paid as interest subsidy.") % {"cap": yuan(p["loan_cap_fen"]), "months": p["max_term_months"],
                                                      "rate": _fraction_words(p["subsidy_rate"])}
    return {"who": who, "how": how}


def _versions_prefetch() -> Prefetch:
    return Prefetch("versions", queryset=ProgrammeVersion.objects.order_by("-effective_from"),
                    to_attr="version_list")


def _in_force(programme: Programme, on: datetime.date) -> ProgrammeVersion | None:
    """From the prefetched versions (newest first): the latest that took effect by ``on``."""
    return next((v for v in programme.version_list if v.effective_from <= on), None)


def programmes_public(*, fetched_by: User | None, on: datetime.date | None = None) -> list[Programme]:
    """Open programmes with a version in force, each with ``current`` (the version), ``summary``
    (who qualifies and how much in words), ``lines`` (its parameters in words) and ``document`` (its
    policy document when published). A fixed number of queries whatever the number of programmes."""
    on = on or timezone.localdate()
    public_ids = set(PolicyDocument.objects.public().filter(subsidy_programmes__isnull=False)
                     .values_list("pk", flat=True))
    programmes = list(Programme.objects.filter(active=True).select_related("policy_document")
                      .prefetch_related(_versions_prefetch()).order_by("code"))
    names = _category_names()
    found = []
    for programme in programmes:
        version = _in_force(programme, on)
        if version is None:
            continue
        version.programme = programme
        programme.current = version
        programme.summary = summary_in_words(version, names)
        programme.lines = parameters_in_words(version, names)
        programme.document = programme.policy_document if programme.policy_document_id in public_ids else None
        programme.upcoming = next((v for v in reversed(programme.version_list) if v.effective_from > on), None)
        found.append(programme)
    return found


def programme_public(*, fetched_by: User | None, code: str, on: datetime.date | None = None) -> Programme | None:
    return next((p for p in programmes_public(fetched_by=fetched_by, on=on) if p.code == code), None)


def programme_staff_base() -> QuerySet[Programme]:
    """Programmes for staff pages (the scoped base applies ``visible_to``), with their versions."""
    return Programme.objects.select_related("policy_document").prefetch_related(_versions_prefetch()).order_by("code")


def programme_annotate(programme: Programme, *, on: datetime.date | None = None) -> Programme:
    """Add ``current`` (the version in force today), ``summary`` and, to each version, ``lines`` and
    ``used`` (how many applications used it)."""
    from django.db.models import Count

    on = on or timezone.localdate()
    names = _category_names()
    counts = dict(ProgrammeVersion.objects.filter(programme=programme).annotate(n=Count("applications"))
                  .values_list("pk", "n"))
    for version in programme.version_list:
        version.programme = programme
        version.lines = parameters_in_words(version, names)
        version.used = counts.get(version.pk, 0)
    programme.current = _in_force(programme, on)
    programme.summary = summary_in_words(programme.current, names) if programme.current else None
    return programme


def programmes_open_for(*, kinds, on: datetime.date | None = None) -> list[Programme]:
    """Open programmes of these kinds with a version in force (today), each with ``current`` (that
    version) and ``summary`` (who qualifies and how much): what the apply pages offer."""
    on = on or timezone.localdate()
    programmes = list(Programme.objects.filter(active=True, kind__in=list(kinds)).prefetch_related(_versions_prefetch())
                      .order_by("code"))
    names = _category_names()
    found = []
    for programme in programmes:
        version = _in_force(programme, on)
        if version is None:
            continue
        version.programme = programme
        programme.current = version
        programme.summary = summary_in_words(version, names)
        found.append(programme)
    return found


def programme_open(*, code: str, kinds) -> Programme | None:
    """One open programme of these kinds by code (as ``programmes_open_for`` gives it)."""
    return next((p for p in programmes_open_for(kinds=kinds) if p.code == code), None)


def programme_by_code(*, code: str) -> Programme | None:
    code = str(code or "").strip()
    if not code or len(code) > 40 or "\x00" in code:
        return None
    return Programme.objects.filter(code=code).first()


def policy_documents_for_programmes() -> list[PolicyDocument]:
    """Documents a programme may cite (any not repealed; the list shows number and title)."""
    return list(PolicyDocument.objects.public().only("pk", "title", "document_number").order_by("-pk")[:200])
