"""The registration overview (the counts of my area), the real-name ledgers and their exports."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import View

from portal.audit import client_ip
from portal.scoped_views import StaffScopedViewMixin
from registration.exports import csv_stream, ledger_header, ledger_rows, ledger_title, xlsx_file
from registration.forms_registrations import LedgerExportForm, LedgerForm
from registration.models import UnemploymentRegistration
from registration.selectors.ledger import (
    LedgerKind,
    ledger_counts,
    staff_home_area,
    unemployment_pending_count,
)
from registration.selectors.ledger import (
    ledger_rows as ledger_queryset,
)
from registration.services.persons import personal_data_export_record

PAGE_SIZE = 50


class StaffLedgerMixin(StaffScopedViewMixin):
    """Every staff role reads the ledgers of its own subtree."""

    model = UnemploymentRegistration

    def ledger_params(self, form: LedgerForm) -> tuple[str, object, object]:
        data = form.cleaned_data if form.is_valid() else {}
        area = data.get("area") or staff_home_area(fetched_by=self.request.user)
        return data.get("kind") or LedgerKind.UNEMPLOYED, area, data.get("on") or timezone.localdate()


class OverviewView(StaffLedgerMixin, View):
    """/staff/registration/: registered unemployed, hard-to-employ and this month's new employment."""

    template_name = "registration/ledger/overview.html"

    def get(self, request):
        form = LedgerForm(request.GET or None, user=request.user)
        _kind, area, on_date = self.ledger_params(form)
        counts = ledger_counts(fetched_by=request.user, area=area, on_date=on_date) if area else None
        pending = unemployment_pending_count(fetched_by=request.user, area=area) if area else 0
        return render(request, self.template_name, {"form": form, "counts": counts, "pending": pending,
                                                    "area": area, "on_date": on_date})


class LedgerPageMixin(StaffLedgerMixin):
    """The ledger of an area on a date, paginated; counts from the same selector as the overview."""

    template_name = "registration/ledger/list.html"

    def page(self, request, form, export_form=None, status=200):
        kind, area, on_date = self.ledger_params(form)
        rows = ledger_queryset(fetched_by=request.user, kind=kind, area=area, on_date=on_date) if area else None
        page_obj = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")) if rows is not None else None
        counts = ledger_counts(fetched_by=request.user, area=area, on_date=on_date) if area else None
        query = request.GET.copy()
        query.pop("page", None)
        export_form = export_form or LedgerExportForm(
            initial={"kind": kind, "area": area, "on": on_date, "file_format": "csv"}, user=request.user)
        return render(request, self.template_name, {
            "form": form, "export_form": export_form, "kind": kind, "kinds": LedgerKind, "area": area,
            "on_date": on_date, "counts": counts, "page_obj": page_obj,
            "object_list": list(page_obj.object_list) if page_obj else [],
            "is_paginated": bool(page_obj and page_obj.has_other_pages()), "query": query.urlencode(),
        }, status=status)



class LedgerView(LedgerPageMixin, View):
    def get(self, request):
        return self.page(request, LedgerForm(request.GET or None, user=request.user))


class LedgerExportView(LedgerPageMixin, View):
    """POST: a CSV (streamed) or XLSX file of the whole ledger; audited. Masked numbers unless asked."""

    def post(self, request):
        form = LedgerExportForm(request.POST, user=request.user)
        if not form.is_valid():
            return self.page(request, LedgerForm(user=request.user), export_form=form, status=400)
        kind, area, on_date = self.ledger_params(form)
        full_numbers, file_format = form.cleaned_data["full_numbers"], form.cleaned_data["file_format"] or "csv"
        rows_queryset = ledger_queryset(fetched_by=request.user, kind=kind, area=area, on_date=on_date)
        personal_data_export_record(actor=request.user, area=area, ledger=kind, on_date=on_date,
                                    file_format=file_format, full_numbers=full_numbers, ip_address=client_ip(request))
        name = f"ledger-{kind}-{area.code}-{on_date:%Y%m%d}"
        header = ledger_header(kind)
        rows = ledger_rows(kind, rows_queryset, full_numbers=full_numbers)
        if file_format == "xlsx":
            title = _("Registered unemployed") if kind == LedgerKind.UNEMPLOYED else _("Hard-to-employ persons")
            response = FileResponse(xlsx_file(title, header, rows, title=ledger_title(kind, area, on_date)),
                                    as_attachment=True, filename=f"{name}.xlsx",
                                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        else:
            response = StreamingHttpResponse(csv_stream(header, rows), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        response["Cache-Control"] = "no-store"
        return response
