"""Who qualifies for a subsidy, how much, and why, in plain words.

``assess`` runs a programme version's rules against registration and jobs data (is the person a
hard-to-employ case of a category the programme covers? registered as flexibly employed? how far
from retirement under ``registration.retirement``? placed by a licensed agency?) and answers with an
``Assessment``: eligible or not, each rule's finding in words, the amounts, and the inputs it used.
``Assessment.record()`` is what an application stores at each decision, so a later change of rules
or data never rewrites why an old application was approved.

Every rule is a small function of the facts; each adds one finding, passed or not, so a refusal
lists all its reasons at once.
"""

from __future__ import annotations

import calendar
import datetime
import functools
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, trans_real

from jobs.constants import EmployerStatus, LicenceStatus
from jobs.models import Agency, Employer
from portal.reference.education import EDUCATION_RANK, Education
from registration.constants import EmploymentKind, HardshipStatus, UnemploymentStatus
from registration.models import EmploymentRegistration, HardshipCase, Person, UnemploymentRegistration
from registration.retirement import add_months, statutory_retirement_date
from subsidies.constants import GRANTED_STATUSES, RECURRING_KINDS, ProgrammeKind
from subsidies.models import Application, Programme, ProgrammeVersion
from subsidies.money import share_of, yuan
from subsidies.rules import parse_fraction


@dataclass
class Finding:
    code: str
    ok: bool
    text: str
    params: dict = field(default_factory=dict)


@dataclass
class Assessment:
    version: ProgrammeVersion
    assessed_on: datetime.date
    findings: list[Finding]
    inputs: dict
    months: int = 0
    monthly_amount_fen: int = 0
    amount_fen: int = 0

    @property
    def eligible(self) -> bool:
        return all(finding.ok for finding in self.findings)

    @property
    def reasons(self) -> list[str]:
        """The findings that fail, in words."""
        return [finding.text for finding in self.findings if not finding.ok]

    def record(self) -> dict:
        """What an application keeps of this assessment (JSON)."""
        return {
            "version": self.version.number, "version_id": self.version.pk,
            "effective_from": self.version.effective_from.isoformat(), "source": self.version.source,
            "assessed_on": self.assessed_on.isoformat(), "eligible": self.eligible,
            "findings": [{"code": f.code, "ok": f.ok, "text": f.text, "params": f.params} for f in self.findings],
            "inputs": self.inputs,
            "amounts": {"months": self.months, "monthly_amount_fen": self.monthly_amount_fen,
                        "amount_fen": self.amount_fen},
        }


@dataclass
class Claim:
    """What an application states: who, for which period, on what basis."""

    person: Person
    period_start: datetime.date
    period_end: datetime.date
    applied_on: datetime.date
    basis_fen: int = 0
    loan_term_months: int | None = None
    employer: Employer | None = None
    agency: Agency | None = None
    details: dict = field(default_factory=dict)
    exclude_application: int | None = None  # the application itself, when re-assessed


def version_in_force(programme: Programme, on: datetime.date) -> ProgrammeVersion | None:
    """The version of ``programme`` in force on ``on`` (the latest that took effect by then)."""
    return programme.versions.filter(effective_from__lte=on).order_by("-effective_from").first()


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole calendar months from ``start`` (a first day) to ``end`` (a last day), both included."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@functools.lru_cache(maxsize=64)
def _share(text: str) -> Fraction:
    """A version's share (validated text such as "2/3"), read once, not once per claim."""
    return parse_fraction(text)


RECORD_LANGUAGE = "zh-hans"
# While ``assess`` words its findings: the record language's catalogue and the wordings read from it.
_wording: ContextVar = ContextVar("subsidies_eligibility_wording", default=None)
_record_wording: tuple[Any, dict[str, str]] | None = None


def _record_catalogue() -> tuple[Any, dict[str, str]] | None:
    """The record language's catalogue and the wordings already read from it (emptied when Django
    loads the catalogue again)."""
    global _record_wording
    if not settings.USE_I18N:
        return None
    catalogue = trans_real.translation(RECORD_LANGUAGE)
    if _record_wording is None or _record_wording[0] is not catalogue:
        _record_wording = (catalogue, {})
    return _record_wording


_UNWORDED = object()  # ``assess(..., explain=False)``: the verdict only, findings left in their message ids


def _(message: str) -> str:
    """A rule's wording in the record's language. ``assess`` hands the language's catalogue over and
    each wording is read from it once: ``gettext`` looks up the active language first, which costs
    more than the translation itself, and a payment cycle words hundreds of thousands of findings."""
    wording = _wording.get()
    if wording is None:
        return gettext(message)
    if wording is _UNWORDED:
        return message
    catalogue, known = wording
    text = known.get(message)
    if text is None:
        text = known[message] = catalogue.gettext(message)
    return text


def filter_ids(queryset: QuerySet, name: str, ids: Iterable[int]) -> QuerySet:
    """``queryset`` limited to rows whose ``name`` (a column's attribute, e.g. ``person_id``) is one of
    ``ids``. On PostgreSQL the ids go as one array parameter (``= ANY(%s)``): ``name__in`` makes a
    parameter of each, which Django prepares one by one and the server parses one by one, a large
    share of a city-wide payment cycle's time."""
    ids = list(ids)
    if connection.vendor != "postgresql":
        return queryset.filter(**{f"{name}__in": ids})
    meta = queryset.model._meta
    column = connection.ops.quote_name(meta.get_field(name).column)
    return queryset.extra(where=[f"{connection.ops.quote_name(meta.db_table)}.{column} = ANY(%s::bigint[])"],
                          params=[ids])


# --- The facts the rules read ------------------------------------------------------------------
#
# The rules read a person's approved hard-to-employ cases, employment registrations and the months
# granted before as small records. One claim loads them for its person (a few queries); a payment
# cycle loads them for all its claims at once (``EligibilityFacts.load``: one query per kind of fact)
# and hands them to ``assess``. Either way the same rule code decides.


@dataclass(frozen=True)
class CaseFact:
    """An approved hard-to-employ case."""

    pk: int
    approved_on: datetime.date
    submitted_at: datetime.datetime
    categories: tuple[str, ...]


@dataclass(frozen=True)
class EmploymentFact:
    """An employment registration."""

    pk: int
    kind: str
    started_on: datetime.date
    ended_on: datetime.date | None
    employer_id: int | None


@dataclass(frozen=True)
class GrantFact:
    """A granted application's period (for the months granted before)."""

    pk: int
    period_start: datetime.date
    period_end: datetime.date


def _approved_cases(person_ids: Iterable[int]) -> dict[int, list[CaseFact]]:
    rows = list(filter_ids(HardshipCase.objects.filter(status=HardshipStatus.APPROVED), "person_id", person_ids)
                .values_list("pk", "person_id", "approved_on", "submitted_at"))
    categories: dict[int, list[str]] = {}
    if rows:
        through = HardshipCase.categories.through
        for case_id, code in (filter_ids(through.objects.all(), "hardshipcase_id", [row[0] for row in rows])
                              .values_list("hardshipcase_id", "hardshipcategory_id")):
            categories.setdefault(case_id, []).append(code)
    found: dict[int, list[CaseFact]] = {}
    for pk, person_id, approved_on, submitted_at in rows:
        if approved_on is not None:
            found.setdefault(person_id, []).append(
                CaseFact(pk, approved_on, submitted_at, tuple(sorted(categories.get(pk, ())))))
    return found


def _employments(person_ids: Iterable[int]) -> dict[int, list[EmploymentFact]]:
    found: dict[int, list[EmploymentFact]] = {}
    for pk, person_id, kind, started_on, ended_on, employer_id in (
            filter_ids(EmploymentRegistration.objects.all(), "person_id", person_ids)
            .values_list("pk", "person_id", "kind", "started_on", "ended_on", "employer_id")):
        found.setdefault(person_id, []).append(EmploymentFact(pk, kind, started_on, ended_on, employer_id))
    return found


def _grants(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[GrantFact]]:
    """Granted applications by (programme, person), for the given pairs."""
    pairs = set(pairs)
    found: dict[tuple[int, int], list[GrantFact]] = {pair: [] for pair in pairs}
    if not pairs:
        return found
    rows = (filter_ids(Application.objects.filter(programme_id__in={p for p, _person in pairs},
                                                  status__in=GRANTED_STATUSES),
                       "person_id", {person for _p, person in pairs})
            .values_list("pk", "programme_id", "person_id", "period_start", "period_end"))
    for pk, programme_id, person_id, start, end in rows:
        if (programme_id, person_id) in found:
            found[(programme_id, person_id)].append(GrantFact(pk, start, end))
    return found


@dataclass
class EligibilityFacts:
    """The facts of many claims, loaded at once (three or four queries whatever their number), for
    ``assess(..., facts=)``: a payment cycle re-checks thousands of applications without a query each.
    A person missing from ``cases`` or ``employments`` has none; a (programme, person) pair that was
    not loaded into ``grants`` is read from the database."""

    cases: dict[int, list[CaseFact]]
    employments: dict[int, list[EmploymentFact]]
    grants: dict[tuple[int, int], list[GrantFact]]

    @classmethod
    def load(cls, *, person_ids: Iterable[int], programme_person_pairs: Iterable[tuple[int, int]] = ()
             ) -> EligibilityFacts:
        person_ids = set(person_ids)
        return cls(cases=_approved_cases(person_ids), employments=_employments(person_ids),
                   grants=_grants(programme_person_pairs))


class _Rules:
    """One assessment: collects findings in Chinese (the record's language) with their codes."""

    def __init__(self, version: ProgrammeVersion, claim: Claim, facts: EligibilityFacts | None = None, *,
                 explain: bool = True):
        self.version, self.claim, self.params = version, claim, version.parameters
        self.facts = facts
        self.explain = explain  # record the inputs (and, through ``_``, word the findings)
        self.findings: list[Finding] = []
        self.inputs: dict[str, Any] = {}
        if explain:
            self.inputs.update({
                "person": claim.person.pk, "birth_date": claim.person.birth_date.isoformat(),
                "sex": claim.person.sex, "period_start": claim.period_start.isoformat(),
                "period_end": claim.period_end.isoformat(), "applied_on": claim.applied_on.isoformat(),
                "basis_fen": claim.basis_fen,
            })

    def add(self, code: str, ok: bool, text: str, **params) -> bool:
        self.findings.append(Finding(code=code, ok=ok, text=text, params=params))
        return ok

    # --- Facts, each read once and kept in the inputs -------------------------------------------

    def _person_cases(self) -> list[CaseFact]:
        person_id = self.claim.person.pk
        if self.facts is not None:
            return self.facts.cases.get(person_id, [])
        return _approved_cases([person_id]).get(person_id, [])

    def _person_employments(self) -> list[EmploymentFact]:
        person_id = self.claim.person.pk
        if self.facts is not None:
            return self.facts.employments.get(person_id, [])
        return _employments([person_id]).get(person_id, [])

    def _person_grants(self) -> list[GrantFact]:
        pair = (self.version.programme_id, self.claim.person.pk)
        if self.facts is not None and pair in self.facts.grants:
            return self.facts.grants[pair]
        return _grants([pair])[pair]

    def hardship_case(self, on: datetime.date) -> CaseFact | None:
        """The person's latest case (by submission) approved by ``on`` and still approved."""
        approved = [case for case in self._person_cases() if case.approved_on <= on]
        case = max(approved, key=lambda c: (c.submitted_at, c.pk), default=None)
        if self.explain:
            self.inputs["hardship_case"] = None if case is None else {
                "id": case.pk, "approved_on": case.approved_on.isoformat(), "categories": list(case.categories)}
        return case

    def employment(self, kind: str, *, covering_from: datetime.date, covering_to: datetime.date | None = None,
                   employer: Employer | None = None) -> EmploymentFact | None:
        """The latest employment of ``kind`` (with ``employer``) that began by ``covering_from`` and had
        not ended before ``covering_to``."""
        until = covering_to or covering_from
        rows = [row for row in self._person_employments()
                if row.kind == kind and row.started_on <= covering_from
                and (row.ended_on is None or row.ended_on >= until)
                and (employer is None or row.employer_id == employer.pk)]
        found = max(rows, key=lambda row: (row.started_on, row.pk), default=None)
        if self.explain:
            self.inputs[f"employment_{kind}"] = None if found is None else {
                "id": found.pk, "started_on": found.started_on.isoformat(),
                "ended_on": found.ended_on.isoformat() if found.ended_on else None, "employer": found.employer_id}
        return found

    def retirement_date(self) -> datetime.date:
        person = self.claim.person
        day = statutory_retirement_date(person.birth_date, person.sex, person.original_retirement_age)
        if self.explain:
            self.inputs["retirement_date"] = day.isoformat()
        return day

    def months_granted_before(self) -> int:
        months = sum(months_between(grant.period_start, grant.period_end) for grant in self._person_grants()
                     if grant.pk != self.claim.exclude_application)
        self.inputs["months_granted_before"] = months
        return months

    # --- Rules shared by several programmes ----------------------------------------------------

    def whole_months(self) -> int:
        claim = self.claim
        ok = claim.period_start.day == 1 and claim.period_end == month_end(claim.period_end)
        self.add("whole_months", ok, _("The period runs from the first day of a month to the last day of a month.")
                 if ok else _("The period must run from the first day of a month to the last day of a month."))
        return months_between(claim.period_start, claim.period_end) if ok else 0

    def before_retirement(self, retirement: datetime.date) -> None:
        ok = self.claim.period_end < retirement
        self.add("before_retirement", ok,
                 _("The period ends before the statutory retirement date (%(date)s).") % {"date": retirement}
                 if ok else _("The period reaches the statutory retirement date (%(date)s): it must end before it.")
                 % {"date": retirement}, retirement=retirement.isoformat())

    def months_limit(self, months: int, retirement: datetime.date | None) -> None:
        """At most ``max_months`` in all; those within the retirement window are paid until retirement."""
        limit = self.params["max_months"]
        window = self.params.get("retirement_window_years")
        if window is not None and retirement is not None and \
                add_months(self.claim.period_start, 12 * window) >= retirement:
            self.add("months_limit", True, _("Within %(years)s years of retirement: paid until retirement, "
                                             "beyond the usual %(limit)s months.") % {"years": window, "limit": limit},
                     window_years=window)
            return
        before = self.months_granted_before()
        ok = before + months <= limit
        self.add("months_limit", ok,
                 _("%(before)s months granted before and %(months)s now: within the %(limit)s months allowed.")
                 % {"before": before, "months": months, "limit": limit} if ok else
                 _("%(before)s months granted before and %(months)s now exceed the %(limit)s months allowed.")
                 % {"before": before, "months": months, "limit": limit},
                 before=before, months=months, limit=limit)

    def hard_to_employ(self, on: datetime.date, categories: list[str] | None = None) -> None:
        case = self.hardship_case(on)
        if case is None:
            self.add("hard_to_employ", False, _("The person is not an approved hard-to-employ person."))
            return
        have = set(case.categories)
        if categories and not have & set(categories):
            self.add("hard_to_employ", False, _("The person's hard-to-employ categories are not covered by this "
                                                "programme."), categories=sorted(have))
            return
        self.add("hard_to_employ", True, _("Approved hard-to-employ person since %(date)s.")
                 % {"date": case.approved_on}, case=case.pk)

    def registered_unemployed_or_hard_to_employ(self, on: datetime.date) -> None:
        unemployed = (UnemploymentRegistration.objects.filter(person=self.claim.person, registered_on__lte=on)
                      .filter(Q(status=UnemploymentStatus.OPEN)
                              | Q(status=UnemploymentStatus.CANCELLED, cancelled_on__gte=on)).first())
        self.inputs["unemployment_registration"] = unemployed.pk if unemployed else None
        case = self.hardship_case(on)
        ok = unemployed is not None or case is not None
        self.add("unemployed_or_hard_to_employ", ok,
                 _("Registered unemployed or hard-to-employ on %(date)s.") % {"date": on} if ok else
                 _("Neither registered unemployed nor an approved hard-to-employ person on %(date)s.") % {"date": on})

    # --- The programmes ------------------------------------------------------------------------

    def social_insurance(self) -> tuple[int, int]:
        claim = self.claim
        months = self.whole_months()
        self.hard_to_employ(claim.period_start, self.params.get("categories"))
        flexible = self.employment(EmploymentKind.FLEXIBLE, covering_from=claim.period_start,
                                   covering_to=claim.period_end)
        self.add("flexible_employment", flexible is not None,
                 _("Registered in flexible employment since %(date)s.") % {"date": flexible.started_on} if flexible
                 else _("No flexible employment registered for the whole period."))
        retirement = self.retirement_date()
        self.before_retirement(retirement)
        self.months_limit(months, retirement)
        ok = claim.basis_fen > 0
        self.add("contributions_paid", ok, _("Contributions paid: %(amount)s yuan a month.")
                 % {"amount": yuan(claim.basis_fen)} if ok else _("Give the contributions actually paid per month."))
        share = _share(self.params["share"])
        monthly = min(share_of(claim.basis_fen, share.numerator, share.denominator), self.params["monthly_cap_fen"])
        return months, monthly

    def graduate_social_insurance(self) -> tuple[int, int]:
        claim = self.claim
        months = self.whole_months()
        employer = claim.employer
        ok = employer is not None and employer.status == EmployerStatus.VERIFIED
        self.add("employer_verified", ok, _("The employer is verified.") if ok
                 else _("The employer is not verified by the district."))
        staff = claim.details.get("staff_count")
        ok = isinstance(staff, int) and 0 < staff <= self.params["employer_max_staff"]
        self.add("small_enterprise", ok, _("A small enterprise of %(staff)s staff.") % {"staff": staff} if ok else
                 _("Only enterprises of at most %(max)s staff qualify.") % {"max": self.params["employer_max_staff"]})
        education_ok = EDUCATION_RANK.get(claim.person.education, 0) >= EDUCATION_RANK[Education.JUNIOR_COLLEGE]
        self.add("graduate", education_ok, _("A college graduate.") if education_ok
                 else _("The person's education is below junior college."))
        hire = self.employment(EmploymentKind.ENTERPRISE_HIRE, covering_from=claim.period_start,
                               covering_to=claim.period_end, employer=employer)
        self.add("hired", hire is not None, _("Hired by the employer since %(date)s.") % {"date": hire.started_on}
                 if hire else _("No hire by this employer is registered for the whole period."))
        graduated = claim.details.get("graduation_year")
        hire_year = hire.started_on.year if hire else claim.period_start.year
        ok = isinstance(graduated, int) and 0 <= hire_year - graduated <= self.params["graduated_within_years"]
        self.add("recent_graduate", ok, _("Graduated in %(year)s.") % {"year": graduated} if ok else
                 _("Only graduates of the last %(years)s years before the hire qualify.")
                 % {"years": self.params["graduated_within_years"]})
        self.months_limit(months, None)
        ok = claim.basis_fen > 0
        self.add("contributions_paid", ok, _("Contributions paid: %(amount)s yuan a month.")
                 % {"amount": yuan(claim.basis_fen)} if ok else _("Give the contributions actually paid per month."))
        return months, min(claim.basis_fen, self.params["monthly_cap_fen"])

    def public_welfare_post(self) -> tuple[int, int]:
        claim = self.claim
        months = self.whole_months()
        self.hard_to_employ(claim.period_start)
        post = self.employment(EmploymentKind.PUBLIC_WELFARE, covering_from=claim.period_start,
                               covering_to=claim.period_end, employer=claim.employer)
        self.add("public_welfare_post", post is not None,
                 _("In a public-welfare post of the applicant since %(date)s.") % {"date": post.started_on} if post
                 else _("No public-welfare post of the applicant is registered for the whole period."))
        retirement = self.retirement_date()
        self.before_retirement(retirement)
        self.months_limit(months, retirement)
        return months, self.params["monthly_amount_fen"]

    def job_referral(self) -> tuple[int, int]:
        claim = self.claim
        placed_on = claim.period_start
        agency = claim.agency
        ok = (agency is not None and agency.status == LicenceStatus.VALID
              and agency.valid_from <= placed_on <= agency.valid_to)
        self.inputs["agency"] = None if agency is None else {
            "id": agency.pk, "status": agency.status, "valid_from": agency.valid_from.isoformat(),
            "valid_to": agency.valid_to.isoformat()}
        self.add("licensed_agency", ok, _("The agency's licence was valid on the placement date.") if ok
                 else _("The agency's licence was not valid on the placement date."))
        self.registered_unemployed_or_hard_to_employ(placed_on)
        placement = (EmploymentRegistration.objects.filter(person=claim.person, started_on=placed_on)
                     .order_by("id").first())
        self.inputs["placement"] = placement.pk if placement else None
        self.add("placed", placement is not None, _("Employment registered from %(date)s.") % {"date": placed_on}
                 if placement else _("No employment is registered from the placement date."))
        days = (claim.applied_on - placed_on).days
        limit = self.params["placement_within_days"]
        ok = 0 <= days <= limit
        self.add("applied_in_time", ok, _("Applied %(days)s days after the placement.") % {"days": days} if ok else
                 _("Apply within %(limit)s days after the placement.") % {"limit": limit}, days=days)
        return 0, 0

    def startup_loan(self) -> tuple[int, int]:
        claim = self.claim
        self.registered_unemployed_or_hard_to_employ(claim.applied_on)
        cap = self.params["loan_cap_fen"]
        ok = 0 < claim.basis_fen <= cap
        self.add("loan_amount", ok, _("A loan of %(amount)s yuan, within the %(cap)s yuan cap.")
                 % {"amount": yuan(claim.basis_fen), "cap": yuan(cap)} if ok else
                 _("The loan must be more than 0 and at most %(cap)s yuan.") % {"cap": yuan(cap)})
        term, longest = claim.loan_term_months, self.params["max_term_months"]
        ok = term is not None and 0 < term <= longest
        self.add("loan_term", ok, _("The loan is repaid over %(term)s months.") % {"term": term} if ok else
                 _("The term must be from 1 to %(max)s months.") % {"max": longest})
        self.before_retirement(self.retirement_date())
        return 0, 0


def assess(*, version: ProgrammeVersion, claim: Claim, today: datetime.date | None = None,
           facts: EligibilityFacts | None = None, explain: bool = True) -> Assessment:
    """Assess ``claim`` under ``version``; the findings are in Chinese, the record's language.

    ``facts`` (``EligibilityFacts.load``) are the registration facts of many claims loaded at once;
    without them the claim's own are read (a few queries). The rules are the same either way.
    ``explain=False`` gives the verdict, the codes and the amounts only: no inputs, and the findings'
    texts left unworded (a payment cycle assesses tens of thousands and words only those left out)."""
    kind = version.programme.kind
    # The findings are worded through the language's catalogue (``_``), not by activating the
    # language for each claim: a payment cycle assesses thousands.
    token = _wording.set(_record_catalogue() if explain else _UNWORDED)
    try:
        rules = _Rules(version, claim, facts, explain=explain)
        months, monthly = getattr(rules, kind)()
    finally:
        _wording.reset(token)
    if kind in RECURRING_KINDS:
        amount = monthly * months
    elif kind == ProgrammeKind.JOB_REFERRAL:
        amount = version.parameters["amount_per_placement_fen"]
    else:  # the start-up loan's interest subsidy over its term
        rate = parse_fraction(version.parameters["subsidy_rate"])
        term = claim.loan_term_months or 0
        amount = int(Fraction(claim.basis_fen) * rate * term / 12)
    return Assessment(version=version, assessed_on=today or timezone.localdate(), findings=rules.findings,
                      inputs=rules.inputs, months=months, monthly_amount_fen=monthly, amount_fen=amount)


def claim_of(application: Application) -> Claim:
    """What an existing application states, to assess it again (at a review step or a payment cycle)."""
    return Claim(person=application.person, period_start=application.period_start,
                 period_end=application.period_end, applied_on=application.applied_on,
                 basis_fen=application.basis_fen, loan_term_months=application.loan_term_months,
                 employer=application.employer, agency=application.agency, details=dict(application.details),
                 exclude_application=application.pk)


