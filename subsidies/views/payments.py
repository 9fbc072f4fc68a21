"""Payment cycle pages: the cycles of my area, one cycle with its totals and lines, generating a
month's list, the bank disbursement file, and the bank's result file (preview, then apply).

Every page and POST finds the cycle through the scoped base (a cycle belongs to its district: another
district's is not found), and the services check the declared steps again (``CYCLE_WORKFLOW``).
Buttons come from ``moves``.
"""

from __future__ import annotations

import base64

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView, View
from django.views.generic.detail import SingleObjectMixin

from portal.audit import client_ip
from portal.pages import FilteredListView, MovesMixin
from portal.scoped_views import StaffScopedViewMixin
from subsidies.bankfiles import result_template_rows
from subsidies.forms_payments import (
    BankResultConfirmForm,
    BankResultForm,
    CycleExportForm,
    CycleFilter,
    CycleGenerateForm,
    LineFilterForm,
)
from subsidies.models import PaymentCycle
from subsidies.money import yuan
from subsidies.selectors.payments import cycle_left_out, cycle_lines, cycle_totals, cycles_with_totals
from subsidies.services import payments as services

LINES_PER_PAGE = 50
SESSION_KEY = "subsidies.bank_result.{pk}"


class CycleMixin(StaffScopedViewMixin):
    """A cycle is seen by the staff of its district and of the city (``visible_to``)."""

    model = PaymentCycle

    def get_base_queryset(self):
        return cycles_with_totals()


class CycleListView(CycleMixin, FilteredListView):
    template_name = "subsidies/payments/cycle_list.html"
    filterset_class = CycleFilter
    context_object_name = "cycles"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        may_generate = bool(services.cycle_districts(user))
        context.setdefault("generate_form", CycleGenerateForm(user=user) if may_generate else None)
        return {**context, "may_generate": may_generate}


class CycleGenerateView(CycleListView):
    """POST: generate (or complete) a month's list; then the cycle's page, or the list with the form
    and its errors (what was chosen kept)."""

    http_method_names = ["post"]

    def post(self, request):
        form = CycleGenerateForm(request.POST, user=request.user)
        if form.submit(lambda data: services.cycle_generate(actor=request.user, programme=data["programme"],
                                                            month=data["month"], district=data.get("district"))):
            result = form.result
            if result.cycle is None:
                messages.info(request, _("Nobody of %(district)s is owed a payment of this programme up to %(month)s.")
                              % {"district": result.district.name, "month": f"{form.cleaned_data['month']:%Y-%m}"})
                return redirect("staff-subsidies:cycle-list")
            messages.success(request, _("%(added)s new lines (%(amount)s yuan) added; %(left)s applications left out "
                                        "(see the reasons below).")
                             % {"added": result.added, "amount": yuan(result.added_fen),
                                "left": len(result.left_out)})
            return redirect("staff-subsidies:cycle-detail", pk=result.cycle.pk)
        self.object_list = self.get_queryset()
        return TemplateResponse(request, self.template_name, self.get_context_data(generate_form=form), status=400)


class CycleDetailView(CycleMixin, MovesMixin, DetailView):
    template_name = "subsidies/payments/cycle_detail.html"
    context_object_name = "cycle"

    def get_context_data(self, **kwargs):
        cycle, user = self.object, self.request.user
        line_filter = LineFilterForm(self.request.GET or None)
        status = line_filter.cleaned_data.get("status") if line_filter.is_valid() else ""
        page = Paginator(cycle_lines(fetched_by=user, cycle=cycle, status=status),
                         LINES_PER_PAGE).get_page(self.request.GET.get("page"))
        query = self.request.GET.copy()
        query.pop("page", None)
        lines = list(page.object_list)
        for line in lines:
            line.reference = services.payment_reference(line)
        moves = self.get_moves()
        context = {
            "moves": moves, "totals": cycle_totals(fetched_by=user, cycle=cycle),
            "left_out": cycle_left_out(fetched_by=user, cycle=cycle), "line_filter": line_filter,
            "page_obj": page, "lines": lines, "is_paginated": page.has_other_pages(),
            "query": query.urlencode(),
            "export_form": CycleExportForm() if {"export", "download"} & set(moves) else None,
            "import_form": BankResultForm() if "import_result" in moves else None,
            "result_columns": result_template_rows(),
        }
        context.update(kwargs)
        return super().get_context_data(**context)


class CycleActionMixin(CycleMixin, SingleObjectMixin):
    def cycle_page(self, **context) -> TemplateResponse:
        view = CycleDetailView(request=self.request, kwargs=self.kwargs, args=())
        view.setup(self.request, **self.kwargs)
        view.object = self.object
        return TemplateResponse(self.request, CycleDetailView.template_name, view.get_context_data(**context),
                                status=400)


class CycleExportView(CycleActionMixin, View):
    """POST: the bank disbursement file (the first one sends the list to the bank); audited."""

    def post(self, request, pk):
        self.object = self.get_object()
        form = CycleExportForm(request.POST)
        if not form.submit(lambda data: services.cycle_export(actor=request.user, cycle=self.object,
                                                              file_format=data["file_format"],
                                                              ip_address=client_ip(request))):
            if form.non_field_errors() and not form.has_error("file_format"):
                for error in form.non_field_errors():
                    messages.error(request, error)
                return redirect("staff-subsidies:cycle-detail", pk=self.object.pk)
            return self.cycle_page(export_form=form)
        bank_file = form.result
        response = HttpResponse(bank_file.content, content_type=bank_file.content_type)
        response["Content-Disposition"] = f'attachment; filename="{bank_file.name}"'
        response["Cache-Control"] = "no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response


class CycleImportView(CycleActionMixin, View):
    """POST a file: check it and show what it will do (nothing is saved). POST the confirmation: apply
    exactly the file that was previewed (kept in the clerk's session until then)."""

    preview_template = "subsidies/payments/import_preview.html"

    def post(self, request, pk):
        self.object = cycle = self.get_object()
        key = SESSION_KEY.format(pk=cycle.pk)
        if "confirm" in request.POST:
            return self.confirm(request, cycle, key)
        form = BankResultForm(request.POST, request.FILES)

        def check(data):
            upload = data["file"]
            content = upload.read()
            return upload.name, content, services.cycle_import_check(actor=request.user, cycle=cycle, data=content)

        if not form.submit(check):
            return self.cycle_page(import_form=form)
        name, content, result = form.result
        if not result.errors:
            request.session[key] = {"sha256": result.sha256, "name": name[:100],
                                    "content": base64.b64encode(content).decode("ascii")}
        confirm = BankResultConfirmForm(initial={"sha256": result.sha256}) if result.changes_anything else None
        return TemplateResponse(request, self.preview_template,
                                {"cycle": cycle, "check": result, "file_name": name, "confirm_form": confirm},
                                status=400 if result.errors else 200)

    def confirm(self, request, cycle, key):
        form = BankResultConfirmForm(request.POST)
        kept = request.session.get(key)
        if not form.is_valid() or not kept or kept.get("sha256") != form.cleaned_data["sha256"]:
            messages.error(request, _("The previewed file is no longer at hand; choose the file again."))
            return redirect("staff-subsidies:cycle-detail", pk=cycle.pk)
        try:
            result = services.cycle_import(actor=request.user, cycle=cycle, data=base64.b64decode(kept["content"]),
                                           file_name=kept["name"], ip_address=client_ip(request))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("staff-subsidies:cycle-detail", pk=cycle.pk)
        finally:
            request.session.pop(key, None)
        messages.success(request, _("The bank's result is recorded: %(paid)s paid, %(failed)s failed, %(same)s "
                                    "already recorded.") % {"paid": result.paid, "failed": result.failed,
                                                            "same": result.unchanged})
        return redirect(reverse("staff-subsidies:cycle-detail", kwargs={"pk": cycle.pk}))
