"""The fund-use performance evaluation page (seed 二(五)): per district and year, money raised, paid per
programme, people served, placements, cost per placement, against the city's targets; exports; the
city's form for the targets. The page's scope is the reader's areas (``model = Area``): a district's
staff see their district's line only."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from portal.audit import client_ip
from portal.models import Area
from portal.scoped_views import StaffScopedViewMixin
from subsidies.exports import XLSX_TYPE, evaluation_csv, evaluation_method_lines, evaluation_workbook
from subsidies.forms_funds import EvaluationExportForm, EvaluationYearForm, TargetForm
from subsidies.selectors.evaluation import evaluation, reader_area
from subsidies.services.evaluation import evaluation_target_save
from subsidies.services.fundbooks import fund_report_export_record, is_fund_manager


class EvaluationMixin(StaffScopedViewMixin):
    model = Area
    template_name = "subsidies/evaluation/table.html"

    def page_context(self, year: int, **kwargs) -> dict:
        user = self.request.user
        may_write = is_fund_manager(user)
        return {
            "year": year, "evaluation": evaluation(fetched_by=user, year=year), "method": evaluation_method_lines(),
            "may_write": may_write,
            "target_form": kwargs.pop("target_form", None) or (TargetForm(user=user, initial={"year": year})
                                                               if may_write else None),
            **kwargs,
        }


class EvaluationView(EvaluationMixin, TemplateView):
    def get_context_data(self, **kwargs):
        form = EvaluationYearForm(self.request.GET or None)
        return {**super().get_context_data(**kwargs), "form": form,
                **self.page_context(form.year_or_default())}


class EvaluationTargetView(EvaluationMixin, TemplateView):
    """POST: the city sets a district's targets for a year; errors are shown on the evaluation page."""

    http_method_names = ["post"]

    def post(self, request):
        form = TargetForm(request.POST, user=request.user)
        if form.submit(lambda data: evaluation_target_save(actor=request.user, **data)):
            target = form.result
            messages.success(request, _("The %(year)d targets of %(area)s are saved.")
                             % {"year": target.year, "area": target.area.name})
            return redirect(f"{reverse('staff-subsidies:evaluation')}?year={target.year}")
        year = form.cleaned_data.get("year") if hasattr(form, "cleaned_data") else None
        context = {"form": EvaluationYearForm(), **self.page_context(year or EvaluationYearForm().year_or_default(),
                                                                     target_form=form)}
        return self.render_to_response(context)


class EvaluationExportView(EvaluationMixin, View):
    """GET ?year=&file_format=xlsx|csv: the evaluation table of my districts as a file (audited)."""

    def get(self, request):
        form = EvaluationExportForm(request.GET or None)
        year = form.year_or_default()
        file_format = (form.cleaned_data.get("file_format") if form.is_bound and form.is_valid() else "") or "xlsx"
        table = evaluation(fetched_by=request.user, year=year)
        area = reader_area(fetched_by=request.user)
        fund_report_export_record(actor=request.user, report="evaluation", area=area,
                                  details={"year": year, "format": file_format,
                                           "districts": [row.code for row in table.rows]},
                                  ip_address=client_ip(request))
        name = f"fund-evaluation-{year}"
        if file_format == "csv":
            response = HttpResponse(evaluation_csv(table), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        else:
            response = HttpResponse(evaluation_workbook(table, area=area), content_type=XLSX_TYPE)
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        response["Cache-Control"] = "no-store"
        return response
