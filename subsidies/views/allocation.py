"""Allocation pages (seed 二(二), 二(四)): runs, weights versions, the districts' inputs, a run explained
factor by factor, what-if runs and the comparison of two runs, XLSX exports, and a district's own share.

Runs belong to the city, so only the city reads a whole run; a district's staff read their own
district's shares (``AllocationShare`` is owned by its district). Writing is the city's
(``FUND_MANAGERS``); the forms are shown to it only, and the services refuse anyone else."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView, View

from portal.audit import client_ip
from portal.models import Area
from portal.pages import RecordActionMixin
from portal.scoped_views import StaffScopedViewMixin
from subsidies.constants import ALLOCATION_FACTORS, AllocationKind
from subsidies.exports import XLSX_TYPE, comparison_workbook, method_lines, run_workbook
from subsidies.forms_funds import CompareForm, InputForm, RunForm, WeightsForm, WhatIfForm, this_year
from subsidies.models import AllocationInput, AllocationRun, AllocationShare, Fund
from subsidies.selectors.allocation import (
    allocation_comparison,
    input_cells,
    input_overview,
    input_versions,
    my_shares,
    run_table,
    runs_base,
    runs_for_comparison,
    share_detail,
    weights_latest,
    weights_versions,
)
from subsidies.selectors.evaluation import performance_scores
from subsidies.services import allocation as services
from subsidies.services.fundbooks import fund_report_export_record, is_fund_manager, keeps_funds_of

SHARES_SHOWN = 50


def kind_of(request) -> str:
    """The allocation a page is about (``?kind=``), transfer payments unless it names another."""
    value = request.GET.get("kind") or request.POST.get("kind") or ""
    return value if value in AllocationKind.values else AllocationKind.TRANSFER


def year_of(request) -> int:
    value = request.GET.get("year") or request.POST.get("year") or ""
    return int(value) if value.isascii() and value.isdigit() and 2000 <= int(value) <= 2100 else this_year()


def kinds_context(kind: str) -> dict:
    return {"kind": kind, "kind_label": AllocationKind(kind).label, "kinds": AllocationKind.choices,
            "factors": [(name, label) for name, label in ALLOCATION_FACTORS[AllocationKind(kind)]],
            "method": method_lines(kind)}


def managers_only(request) -> None:
    if request.user.is_authenticated and not is_fund_manager(request.user):
        raise PermissionDenied(_("Only city-level officials and administrators allocate the funds."))


# --- Runs -------------------------------------------------------------------------------------------


class RunMixin(StaffScopedViewMixin):
    model = AllocationRun

    def get_base_queryset(self):
        return runs_base()


class AllocationIndexView(RunMixin, ListView):
    """/staff/subsidies/allocation/: the city's runs of an allocation; a district's own shares."""

    template_name = "subsidies/allocation/index.html"
    paginate_by = 20

    def paginate_queryset(self, queryset, page_size):
        return super().paginate_queryset(queryset.filter(kind=kind_of(self.request)), page_size)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        manager = is_fund_manager(user)
        kind = kind_of(self.request)
        context.update(kinds_context(kind), may_write=manager, query=f"kind={kind}",
                       shares=None if manager else list(my_shares(fetched_by=user).filter(run__kind=kind)
                                                         [:SHARES_SHOWN]))
        return context


class RunCreateView(RunMixin, View):
    template_name = "subsidies/allocation/run_form.html"

    def dispatch(self, request, *args, **kwargs):
        managers_only(request)
        return super().dispatch(request, *args, **kwargs)

    def render_form(self, request, form, kind):
        return render(request, self.template_name, {"form": form, **kinds_context(kind)})

    def get(self, request):
        kind = kind_of(request)
        latest = weights_latest(kind=kind)
        initial = {"year": year_of(request), "weights": latest.pk if latest else None}
        return self.render_form(request, RunForm(kind=kind, initial=initial), kind)

    def post(self, request):
        kind = kind_of(request)
        form = RunForm(request.POST, kind=kind)
        if form.submit(lambda data: services.allocation_run(actor=request.user, kind=kind, **data)):
            messages.success(request, _("The allocation is computed."))
            return redirect("staff-subsidies:allocation-run-detail", pk=form.result.pk)
        return self.render_form(request, form, kind)


class RunPageMixin(RunMixin):
    template_name = "subsidies/allocation/run_detail.html"
    context_object_name = "run"

    def get_success_url(self) -> str:
        return reverse("staff-subsidies:allocation-run-detail", kwargs={"pk": self.object.pk})

    def get_context_data(self, **kwargs):
        run = self.object
        user = self.request.user
        may_write = keeps_funds_of(user, run.area)
        context = {
            "table": run_table(fetched_by=user, run=run), **kinds_context(run.kind),
            "may_write": may_write,
            "what_if_form": WhatIfForm(kind=run.kind, initial=dict(run.weights.weights)) if may_write else None,
            "others": list(runs_for_comparison(fetched_by=user, run=run)[:50]),
        }
        context.update(kwargs)
        return super().get_context_data(**context)


class RunDetailView(RunPageMixin, DetailView):
    pass


class RunWhatIfView(RunPageMixin, RecordActionMixin, View):
    """POST: the same run with other weights; then the comparison of the two."""

    form_context_name = "what_if_form"
    new_run = None

    def get_form(self):
        return WhatIfForm(self.request.POST, kind=self.object.kind)

    def act(self, data):
        weights = {name: data.get(name) for name in services.factors_of(self.object.kind)}
        self.new_run = services.allocation_what_if(actor=self.request.user, run=self.object, weights=weights,
                                                   label=data.get("label", ""))

    def get_success_url(self) -> str:
        if self.new_run is None:
            return super().get_success_url()
        return f"{reverse('staff-subsidies:allocation-compare')}?a={self.object.pk}&b={self.new_run.pk}"


class RunExportView(RunMixin, DetailView):
    """GET: the run as an XLSX workbook (audited)."""

    def render_to_response(self, context, **response_kwargs):
        run = self.object
        table = run_table(fetched_by=self.request.user, run=run)
        fund_report_export_record(actor=self.request.user, report="allocation_run", area=run.area,
                                  details={"run": run.pk}, ip_address=client_ip(self.request))
        response = HttpResponse(run_workbook(table), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="allocation-{run.kind}-{run.year}-{run.pk}.xlsx"'
        response["Cache-Control"] = "no-store"
        return response


class CompareMixin(RunMixin):
    """Two runs named by ``?a=&b=``, each looked up through the scoped queryset (404 otherwise)."""

    def runs(self):
        form = CompareForm(self.request.GET or None)
        if not form.is_bound or not form.is_valid():
            return form, None, None
        runs = {run.pk: run for run in self.get_queryset().filter(pk__in=[form.cleaned_data["a"],
                                                                          form.cleaned_data["b"]])}
        a, b = runs.get(form.cleaned_data["a"]), runs.get(form.cleaned_data["b"])
        if a is None or b is None:
            raise Http404(_("Not found."))
        return form, a, b


class CompareView(CompareMixin, TemplateView):
    template_name = "subsidies/allocation/compare.html"

    def get_context_data(self, **kwargs):
        form, a, b = self.runs()
        comparison, error = None, None
        if a is not None:
            try:
                comparison = allocation_comparison(fetched_by=self.request.user, a=a, b=b)
            except ValidationError as exc:
                error = " ".join(exc.messages)
        kind = a.kind if a is not None else kind_of(self.request)
        return {**super().get_context_data(**kwargs), **kinds_context(kind), "form": form, "comparison": comparison,
                "error": error, "runs": list(self.get_queryset()[:100])}


class CompareExportView(CompareMixin, View):
    def get(self, request):
        _form, a, b = self.runs()
        if a is None:
            raise Http404(_("Not found."))
        comparison = allocation_comparison(fetched_by=request.user, a=a, b=b)
        fund_report_export_record(actor=request.user, report="allocation_comparison", area=a.area,
                                  details={"a": a.pk, "b": b.pk}, ip_address=client_ip(request))
        response = HttpResponse(comparison_workbook(comparison), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="allocation-compare-{a.pk}-{b.pk}.xlsx"'
        response["Cache-Control"] = "no-store"
        return response


# --- Weights ------------------------------------------------------------------------------------------


class WeightsView(StaffScopedViewMixin, TemplateView):
    """The weights versions of an allocation (the city's published formula); the city saves new ones.
    The page's scope is the reader's areas (``model = Area``): weights belong to no area."""

    model = Area
    template_name = "subsidies/allocation/weights.html"

    def get_context_data(self, **kwargs):
        kind = kind_of(self.request)
        manager = is_fund_manager(self.request.user)
        return {**super().get_context_data(**kwargs), **kinds_context(kind), "may_write": manager,
                "versions": [(version, [version.weights.get(name) for name in services.factors_of(kind)])
                             for version in weights_versions(fetched_by=self.request.user, kind=kind)],
                "form": kwargs.get("form") or (WeightsForm(kind=kind) if manager else None)}

    def post(self, request):
        kind = kind_of(request)
        form = WeightsForm(request.POST, kind=kind)
        if form.submit(lambda data: services.allocation_weights_save(
                actor=request.user, kind=kind, weights=form.weights_data(), effective_from=data["effective_from"])):
            messages.success(request, _("Weights version %(number)d is saved.") % {"number": form.result.number})
            return redirect(f"{reverse('staff-subsidies:allocation-weights')}?kind={kind}")
        return self.render_to_response(self.get_context_data(form=form))


# --- Inputs -----------------------------------------------------------------------------------------


class InputMixin(StaffScopedViewMixin):
    model = AllocationInput


class InputListView(InputMixin, TemplateView):
    """Each district's latest input of an allocation for a year, with last year's evaluation score
    offered as the fund-use performance of transfer payments."""

    template_name = "subsidies/allocation/inputs.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        kind, year = kind_of(self.request), year_of(self.request)
        rows = input_overview(fetched_by=user, kind=kind, year=year)
        scores = performance_scores(fetched_by=user, year=year - 1) if kind == AllocationKind.TRANSFER else {}
        labels = dict(ALLOCATION_FACTORS[AllocationKind(kind)])
        return {**super().get_context_data(**kwargs), **kinds_context(kind), "year": year,
                "rows": [{"district": row.district, "latest": row.latest, "score": scores.get(row.district.code),
                          "cells": input_cells(row.latest) if row.latest else []} for row in rows],
                "object_list": [row.latest for row in rows if row.latest], "labels": labels,
                "missing": [row.district.name for row in rows if row.latest is None],
                "may_write": is_fund_manager(user), "scores": scores}


class InputFormView(InputMixin, View):
    """The city enters a district's values for a year (a new version each time something changes)."""

    template_name = "subsidies/allocation/input_form.html"

    def dispatch(self, request, *args, **kwargs):
        managers_only(request)
        return super().dispatch(request, *args, **kwargs)

    def initial(self, kind: str, year: int, code: str) -> dict:
        """The latest version's values, else what the portal knows: the district's fund for the year
        as funds raised, and its score of last year's evaluation as fund-use performance."""
        initial: dict = {"year": year, "area": code}
        district = Area.objects.visible_to(self.request.user).filter(code=code).first() if code else None
        if district is None:
            return initial
        latest = services.latest_inputs(kind=kind, year=year, districts=[district]).get(district.code)
        if latest is not None:
            return {**initial, **latest.values}
        if kind == AllocationKind.TRANSFER:
            fund = Fund.objects.visible_to(self.request.user).filter(area=district, year=year).first()
            score = performance_scores(fetched_by=self.request.user, year=year - 1).get(district.code)
            initial.update({"funds_raised": fund.budget_fen if fund else None,
                            "fund_performance": str(score) if score is not None else None})
        return initial

    def render_form(self, request, form, kind, year):
        return render(request, self.template_name, {"form": form, "year": year, **kinds_context(kind)})

    def get(self, request):
        kind, year = kind_of(request), year_of(request)
        form = InputForm(kind=kind, user=request.user, initial=self.initial(kind, year, request.GET.get("area", "")))
        return self.render_form(request, form, kind, year)

    def post(self, request):
        kind = kind_of(request)
        form = InputForm(request.POST, kind=kind, user=request.user)
        if form.submit(lambda data: services.allocation_input_save(
                actor=request.user, kind=kind, year=data["year"], area=data["area"], values=form.values_data())):
            row = form.result
            messages.success(request, _("Version %(number)d of the %(year)d input of %(area)s is saved.")
                             % {"number": row.number, "year": row.year, "area": row.area.name})
            return redirect(f"{reverse('staff-subsidies:allocation-inputs')}?kind={kind}&year={row.year}")
        return self.render_form(request, form, kind, year_of(request))


class InputDetailView(InputMixin, DetailView):
    template_name = "subsidies/allocation/input_detail.html"
    context_object_name = "input"

    def get_base_queryset(self):
        return AllocationInput.objects.select_related("area", "created_by")

    def get_context_data(self, **kwargs):
        row = self.object
        versions = input_versions(fetched_by=self.request.user, row=row)
        return {**super().get_context_data(**kwargs), **kinds_context(row.kind), "cells": input_cells(row),
                "versions": [{"row": version, "cells": input_cells(version)} for version in versions]}


class InputPerformanceView(InputMixin, View):
    """POST: put last year's evaluation scores into this year's transfer inputs (new versions)."""

    def post(self, request):
        managers_only(request)
        year = year_of(request)
        scores = performance_scores(fetched_by=request.user, year=year - 1)
        try:
            taken = services.allocation_inputs_take_performance(actor=request.user, year=year, scores=scores)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if taken.updated:
                messages.success(request, _("Fund-use performance updated for: %(names)s.")
                                 % {"names": "、".join(taken.updated)})
            if taken.without_input or taken.without_score:
                messages.warning(request, _("Left as they are: %(names)s (no input for the year or no score).")
                                 % {"names": "、".join([*taken.without_input, *taken.without_score])})
            if not (taken.updated or taken.without_input or taken.without_score):
                messages.info(request, _("Every input already has last year's score."))
        return redirect(f"{reverse('staff-subsidies:allocation-inputs')}?kind={AllocationKind.TRANSFER}&year={year}")


# --- A district's share -----------------------------------------------------------------------------


class ShareDetailView(StaffScopedViewMixin, DetailView):
    """A district's share of a run, explained factor by factor (the district reads its own only)."""

    model = AllocationShare
    template_name = "subsidies/allocation/share_detail.html"
    context_object_name = "share"

    def get_base_queryset(self):
        return AllocationShare.objects.select_related("area", "run", "run__weights", "run__area")

    def get_context_data(self, **kwargs):
        share = self.object
        return {**super().get_context_data(**kwargs), **kinds_context(share.run.kind),
                "row": share_detail(fetched_by=self.request.user, share=share)}

