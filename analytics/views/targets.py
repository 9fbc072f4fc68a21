"""Pages of target responsibility (seed 四) for officials and administrators, scoped to their subtree:

- ``targets/``: the year's targets of an area and of each area below it, with progress so far from the
  facts and whether each decomposition adds up (a district official sees their district and streets);
- ``targets/set/``: the city sets the year's targets of its districts (one box per district and
  indicator of its type), all saved or none;
- ``targets/<pk>/``: one target, its progress month by month, and its decomposition to the areas below
  (the district's streets), saved only when the parts add up exactly;
- ``district-types/``: the city says which districts are central and which outer (their indicators);
- ``checks/``: the authenticity checks of new-employment counts, a flag per district and the records
  behind each flag.

Every table exports as CSV or XLSX from its page (``?export=<table>&format=csv|xlsx``), audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from analytics.constants import TARGET_ROLES
from analytics.exports import data_export_record, table_response
from analytics.forms_dashboard import ExportForm
from analytics.forms_targets import ChecksForm, DecomposeForm, DistrictTypesForm, TargetYearForm, YearAreaForm
from analytics.models import DistrictProfile, Target
from analytics.selectors.checks import COUNTS_MATCH, LEDGER_COMPLETE, SOURCES_ADD_UP, authenticity_checks
from analytics.selectors.targets import (
    decomposition_rows,
    district_types,
    may_decompose,
    may_set_targets,
    reader_area,
    target_progress,
    year_choices,
    year_targets,
)
from analytics.services.targets import district_types_set, targets_decompose, targets_set_year
from analytics.tables import Column, Table
from portal.audit import client_ip
from portal.constants import AreaLevel
from portal.scoped_views import StaffScopedViewMixin

PAGES = (
    ("targets", "staff-analytics:targets", gettext_lazy("Targets")),
    ("district-types", "staff-analytics:district-types", gettext_lazy("District types")),
    ("checks", "staff-analytics:checks", gettext_lazy("Authenticity checks")),
    ("population", "staff-analytics:population", gettext_lazy("Employed population")),
)


class TargetPage(StaffScopedViewMixin, View):
    """Officials and administrators only, their subtree only; ``export`` answers a table as a file."""

    model = Target
    scope_roles = TARGET_ROLES
    page = ""

    def pages(self) -> list[dict]:
        return [{"key": key, "url": reverse(name), "label": label} for key, name, label in PAGES]

    def context(self, **extra) -> dict:
        query = self.request.GET.copy()
        for name in ("export", "format"):
            query.pop(name, None)
        return {"page": self.page, "pages": self.pages(), "query": query.urlencode(),
                "may_set": may_set_targets(user=self.request.user), **extra}

    def respond(self, context: dict, *, status: int = 200):
        if "export" in self.request.GET:
            return self.export(context)
        return render(self.request, self.template_name, context, status=status)

    def export(self, context: dict):
        tables = {table.key: table for table in context.get("tables", [])}
        form = ExportForm(self.request.GET)
        table = tables.get(self.request.GET.get("export"))
        if table is None:
            raise Http404(_("No such table on this page."))
        if not form.is_valid():
            messages.error(self.request, " ".join(form.errors.get("format", [])) or _("Export as CSV or XLSX."))
            return redirect(f"{self.request.path}?{context['query']}" if context["query"] else self.request.path)
        file_format = form.cleaned_data["format"]
        area = context["area"]
        data_export_record(actor=self.request.user, area=area, page=self.page, table=table, file_format=file_format,
                           ip_address=client_ip(self.request))
        return table_response(table, file_format=file_format, name=f"{self.page}-{table.key}-{area.code}",
                              area=area)


# --- Tables -----------------------------------------------------------------------------------------------


def progress_rows_table(progress, link) -> Table:
    table = Table("targets", _("Targets and progress"), [
        Column("area", _("Area")),
        Column("indicator", _("Indicator")),
        Column("target", _("Target"), "int"),
        Column("achieved", _("Achieved so far"), "int"),
        Column("share", _("Share of target"), "percent"),
        Column("expected", _("Expected by now"), "int"),
        Column("gap", _("Ahead (+) or behind (−)"), "signed"),
        Column("parts", _("Parts below add up to"), "int"),
        Column("parts_difference", _("Parts minus target"), "signed"),
    ], note=_("Expected by now: the target times the share of the year gone. Achieved: new employment "
              "counted by the nightly facts run."))
    for row in [progress.own, *progress.rows]:
        for item in row.indicators:
            index = len(table.rows)
            table.rows.append({
                "area": row.area.name, "indicator": item.label, "target": item.value,
                "achieved": item.achieved, "share": item.percent / 100 if item.percent is not None else None,
                "expected": item.expected, "gap": item.gap, "parts": item.parts_sum if item.decomposed else None,
                "parts_difference": item.parts_difference})
            table.links[index] = link(row, item)
    return table


def months_table(progress) -> Table:
    own = progress.own.new_employment
    table = Table("months", _("New employment month by month"), [
        Column("month", _("Month"), "month"),
        Column("count", _("New employment"), "int"),
        Column("cumulative", _("So far this year"), "int"),
        Column("share", _("Share of target"), "percent"),
    ])
    if own is None:
        return table
    for month in own.months:
        table.rows.append({"month": month.month, "count": month.count, "cumulative": month.cumulative,
                           "share": month.cumulative / own.value if own.value else None})
    return table


def checks_summary_table(checks, link) -> Table:
    table = Table("flags", _("Authenticity flags per district"), [
        Column("district", _("District")),
        Column("ledger", _("New employment in the ledger"), "int"),
        Column("reported", _("New employment reported"), "int"),
        Column(LEDGER_COMPLETE, checks.labels[LEDGER_COMPLETE]),
        Column(COUNTS_MATCH, checks.labels[COUNTS_MATCH]),
        Column(SOURCES_ADD_UP, checks.labels[SOURCES_ADD_UP]),
    ])
    for index, row in enumerate(checks.districts):
        cells = {"district": row.district.name, "ledger": row.ledger_total, "reported": row.reported_total}
        for check in row.checks:
            cells[check.key] = _("OK") if check.ok else _("Flagged: %(n)s") % {"n": f"{check.count:,}"}
        table.rows.append(cells)
        table.links[index] = link(row.district)
    return table


def incomplete_table(check) -> Table:
    table = Table("incomplete", _("Records with an incomplete ledger row"), [
        Column("name", _("Name")),
        Column("identity", _("Identity number")),
        Column("area", _("Area")),
        Column("kind", _("Kind of employment")),
        Column("started_on", _("Employed since"), "date"),
        Column("problems", _("What is wrong")),
    ])
    for record in check.rows:
        registration = record.registration
        table.rows.append({"name": registration.person.name, "identity": registration.person.id_masked,
                           "area": registration.area.name, "kind": registration.get_kind_display(),
                           "started_on": registration.started_on, "problems": "；".join(record.problem_labels)})
        table.links[len(table.rows) - 1] = reverse("staff-registration:person-detail", args=[registration.person_id])
    return table


def counts_table(check) -> Table:
    table = Table("counts", _("Ledger and reported counts that differ"), [
        Column("area", _("Area")),
        Column("month", _("Month"), "month"),
        Column("ledger", _("Ledger"), "int"),
        Column("reported", _("Reported"), "int"),
        Column("difference", _("Reported minus ledger"), "signed"),
    ])
    for row in check.rows:
        table.rows.append({"area": row.area.name if row.area else "—", "month": row.month, "ledger": row.ledger,
                           "reported": row.reported, "difference": row.difference})
    return table


def sources_table(check) -> Table:
    table = Table("sources", _("Sources that do not add up"), [
        Column("source", _("Source")),
        Column("month", _("Month"), "month"),
        Column("ledger", _("Ledger (or reported total)"), "int"),
        Column("reported", _("Reported"), "int"),
        Column("difference", _("Difference"), "signed"),
    ], note=_("For the sum of the sources, the first number is the reported total."))
    for row in check.rows:
        table.rows.append({"source": row.source_label, "month": row.month, "ledger": row.ledger,
                           "reported": row.reported, "difference": row.difference})
    return table


# --- Pages -----------------------------------------------------------------------------------------------


class TargetListView(TargetPage):
    """The year's targets and progress of an area and the areas below it."""

    template_name = "analytics/targets/list.html"
    page = "targets"

    def get(self, request):
        form = YearAreaForm(request.GET or None)
        form.is_valid()
        area = reader_area(fetched_by=request.user, code=form.cleaned_data.get("area") if form.is_bound else None)
        year = form.year_or_this()
        progress = target_progress(fetched_by=request.user, year=year, area=area)
        base = reverse("staff-analytics:targets")

        def link(row, item):
            if item.target is not None:
                return reverse("staff-analytics:target-detail", args=[item.target.pk])
            if row.area != area and row.area.level != AreaLevel.COMMUNITY:
                return f"{base}?year={year}&area={row.area.code}"
            return None

        table = progress_rows_table(progress, link)
        return self.respond(self.context(form=form, area=area, year=year, years=year_choices(), progress=progress,
                                         table=table, tables=[table]))


class TargetSetView(TargetPage):
    """The city sets the year's targets of its districts."""

    template_name = "analytics/targets/set.html"
    page = "targets"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_set_targets(user=request.user):
            raise PermissionDenied(_("Only the city's officials and administrators set targets."))
        return super().dispatch(request, *args, **kwargs)

    def year(self) -> int:
        form = YearAreaForm(self.request.GET or None)
        form.is_valid()
        return form.year_or_this()

    def form(self, year: int, data=None) -> TargetYearForm:
        rows = district_types(fetched_by=self.request.user)
        return TargetYearForm(data, rows=rows, initial_values=year_targets(fetched_by=self.request.user, year=year))

    def render_form(self, year: int, form: TargetYearForm, status: int = 200):
        area = reader_area(fetched_by=self.request.user, code=None)
        return render(self.request, self.template_name, self.context(
            area=area, year=year, years=year_choices(), form=form), status=status)

    def get(self, request):
        year = self.year()
        return self.render_form(year, self.form(year))

    def post(self, request):
        year = self.year()
        form = self.form(year, request.POST)
        if form.submit(lambda data: targets_set_year(actor=request.user, year=year, values=form.values())):
            messages.success(request, _("The targets of %(year)s are saved.") % {"year": year})
            return redirect(f"{reverse('staff-analytics:targets')}?year={year}")
        return self.render_form(year, form, status=400)


class TargetDetailView(TargetPage):
    """One target: its progress and its decomposition to the areas below (POST saves the parts)."""

    template_name = "analytics/targets/detail.html"
    page = "targets"

    def get_target(self, pk) -> Target:
        return get_object_or_404(self.get_queryset().select_related("area", "parent", "set_by"), pk=pk)

    def render_page(self, target: Target, form: DecomposeForm | None = None, status: int = 200):
        user = self.request.user
        progress = target_progress(fetched_by=user, year=target.year, area=target.area)
        allowed = may_decompose(user=user, target=target)
        children = decomposition_rows(fetched_by=user, target=target) if target.area.level != AreaLevel.COMMUNITY \
            else []
        if form is None and allowed and children:
            form = DecomposeForm(children=children)
        item = progress.own.indicator(target.indicator)
        months = months_table(progress)
        return self.respond(self.context(
            target=target, area=target.area, year=target.year, progress=progress, item=item, children=children,
            parts_sum=sum(c.value or 0 for c in children), decomposed=any(c.value is not None for c in children),
            may_decompose=allowed, form=form, months_table=months, tables=[months]), status=status)

    def get(self, request, pk):
        return self.render_page(self.get_target(pk))

    def post(self, request, pk):
        target = self.get_target(pk)
        if not may_decompose(user=request.user, target=target):
            raise PermissionDenied(_("The officials and administrators of %(area)s decompose its targets.")
                                   % {"area": target.area.name})
        form = DecomposeForm(request.POST, children=decomposition_rows(fetched_by=request.user, target=target))
        if form.submit(lambda data: targets_decompose(actor=request.user, target=target, parts=form.parts())):
            messages.success(request, _("The decomposition is saved: the parts add up to the target."))
            return redirect("staff-analytics:target-detail", pk=target.pk)
        return self.render_page(target, form, status=400)


class DistrictTypesView(TargetPage):
    """Which districts are central and which outer (the city sets it; everyone in scope reads it)."""

    model = DistrictProfile
    template_name = "analytics/targets/district_types.html"
    page = "district-types"

    def render_form(self, form, status=200):
        area = reader_area(fetched_by=self.request.user, code=None)
        return render(self.request, self.template_name, self.context(area=area, form=form, rows=form.rows),
                      status=status)

    def get(self, request):
        return self.render_form(DistrictTypesForm(rows=district_types(fetched_by=request.user)))

    def post(self, request):
        if not may_set_targets(user=request.user):
            raise PermissionDenied(_("Only the city's officials and administrators set district types."))
        form = DistrictTypesForm(request.POST, rows=district_types(fetched_by=request.user))
        if form.submit(lambda data: district_types_set(actor=request.user, types=form.changed_types())):
            messages.success(request, _("The district types are saved."))
            return redirect("staff-analytics:district-types")
        return self.render_form(form, status=400)


class ChecksView(TargetPage):
    """The authenticity checks of the year so far, per district, with the records behind a flag."""

    template_name = "analytics/targets/checks.html"
    page = "checks"

    def get(self, request):
        form = ChecksForm(request.GET or None)
        form.is_valid()
        data = form.cleaned_data if form.is_bound else {}
        area = reader_area(fetched_by=request.user, code=data.get("area"))
        detail = reader_area(fetched_by=request.user, code=data["district"]) if data.get("district") else None
        if detail is not None and detail.level != AreaLevel.DISTRICT:
            raise Http404(_("Not found."))
        year = form.year_or_this()
        checks = authenticity_checks(fetched_by=request.user, year=year, area=area, detail=detail)
        base = reverse("staff-analytics:checks")
        summary = checks_summary_table(checks, lambda d: f"{base}?year={year}&district={d.code}#records")
        tables = [summary]
        if checks.detail is not None:
            tables += [incomplete_table(checks.detail.check(LEDGER_COMPLETE)),
                       counts_table(checks.detail.check(COUNTS_MATCH)),
                       sources_table(checks.detail.check(SOURCES_ADD_UP))]
        return self.respond(self.context(form=form, area=area, year=year, years=year_choices(), checks=checks,
                                         tables=tables, summary_table=summary,
                                         detail_tables=tables[1:]))
