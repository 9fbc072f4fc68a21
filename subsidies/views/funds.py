"""Employment fund pages (seed 二(一)): the funds of my area by year with their balances and the 1.5 %
check, a fund's page with its ledger, and the city's forms to enter a fund, correct it and allocate
money into it. District staff read their district's fund only (the scoped base)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, View

from portal.pages import RecordActionMixin
from portal.scoped_views import StaffScopedViewMixin
from portal.selectors import audit_history
from subsidies.forms_funds import FundAllocateForm, FundEditForm, FundForm, FundYearForm
from subsidies.models import Fund
from subsidies.selectors.funds import fund_ledger, fund_rows, fund_years, funds_base, funds_narrowed
from subsidies.services import fundbooks as services
from subsidies.services.fundbooks import fund_check, is_fund_manager, keeps_funds_of

LEDGER_PAGE_SIZE = 30


class FundMixin(StaffScopedViewMixin):
    model = Fund

    def get_base_queryset(self):
        return funds_base()


class FundListView(FundMixin, ListView):
    """/staff/subsidies/funds/: the year's funds of my area (the city's first, then the districts)."""

    template_name = "subsidies/funds/list.html"
    paginate_by = 50

    def get_form(self) -> FundYearForm:
        if not hasattr(self, "_form"):
            self._form = FundYearForm(self.request.GET or None)
        return self._form

    def paginate_queryset(self, queryset, page_size):
        form = self.get_form()
        short = bool(form.is_bound and form.is_valid() and form.cleaned_data.get("short"))
        return super().paginate_queryset(funds_narrowed(queryset, year=form.year_or_default(), short_only=short),
                                         page_size)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.get_form()
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(form=form, year=form.year_or_default(), rows=fund_rows(context["object_list"]),
                       years=fund_years(fetched_by=self.request.user), query=query.urlencode(),
                       may_write=is_fund_manager(self.request.user))
        return context


class FundCreateView(FundMixin, View):
    template_name = "subsidies/funds/form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_fund_manager(request.user):
            raise PermissionDenied(_("Only city-level officials and administrators enter employment funds."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": FundForm(user=request.user)})

    def post(self, request):
        form = FundForm(request.POST, user=request.user)
        if form.submit(lambda data: services.fund_create(actor=request.user, **data)):
            fund = form.result
            messages.success(request, _("The %(year)d employment fund of %(area)s is saved.")
                             % {"year": fund.year, "area": fund.area.name})
            return redirect("staff-subsidies:fund-detail", pk=fund.pk)
        return render(request, self.template_name, {"form": form})


class FundPageMixin(FundMixin):
    """The page of one fund: balances, the 1.5 % check, the ledger, and the city's forms."""

    template_name = "subsidies/funds/detail.html"
    context_object_name = "fund"

    def get_success_url(self) -> str:
        return reverse("staff-subsidies:fund-detail", kwargs={"pk": self.object.pk})

    def get_context_data(self, **kwargs):
        fund = self.object
        user = self.request.user
        may_write = keeps_funds_of(user, fund.area)
        page = Paginator(fund_ledger(fetched_by=user, fund=fund), LEDGER_PAGE_SIZE).get_page(
            self.request.GET.get("page"))
        context = {
            "check": fund_check(fund),
            "page_obj": page, "entries": list(page.object_list), "is_paginated": page.has_other_pages(),
            "may_write": may_write,
            "edit_form": FundEditForm(initial={"budget_fen": fund.budget_fen,
                                               "prior_year_revenue_fen": fund.prior_year_revenue_fen})
            if may_write else None,
            "allocate_form": FundAllocateForm() if may_write else None,
            "history": audit_history(obj=fund, fetched_by=user, limit=20),
        }
        context.update(kwargs)
        return super().get_context_data(**context)


class FundDetailView(FundPageMixin, DetailView):
    pass


class FundEditView(FundPageMixin, RecordActionMixin, View):
    form_class = FundEditForm
    form_context_name = "edit_form"
    success_message = gettext_lazy("The fund is saved.")

    def act(self, data):
        services.fund_update(actor=self.request.user, fund=self.object, **data)


class FundAllocateView(FundPageMixin, RecordActionMixin, View):
    form_class = FundAllocateForm
    form_context_name = "allocate_form"
    success_message = gettext_lazy("The money is allocated into the fund.")

    def act(self, data):
        services.fund_money_allocate(actor=self.request.user, fund=self.object, **data)
