"""Job fair pages: the public list and detail, sign-up, joining, interview slots and booking,
and the staff pages that organise fairs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from jobs.constants import FairStatus
from jobs.forms_fairs import FairCancelForm, FairForm, FairJoinForm, FairPublicFilter, SlotOfferForm, StaffFairFilter
from jobs.models import JobFair
from jobs.selectors.fairs import (
    FairPeriod,
    employer_fair_state,
    employer_participation,
    employer_public_vacancies,
    fair_free_slots,
    fair_organiser_areas,
    fair_public_get,
    fair_public_list,
    fair_public_participants,
    fair_staff_base,
    fair_staff_participations,
    interview_slot_get,
    my_interview_slots,
    participation_vacancies,
    seeker_fair_state,
)
from jobs.services import fairs as services
from jobs.services.fairs import FAIR_STAFF_ROLES
from portal.constants import AccountType
from portal.pages import FilteredListView
from portal.scoped_views import StaffScopedViewMixin, scope_exempt


def _public_fair_or_404(request, pk: int) -> JobFair:
    fair = fair_public_get(fetched_by=request.user, pk=pk)
    if fair is None:
        raise Http404(_("Not found."))
    return fair


def _require(request, account_type: str) -> None:
    if request.user.account_type != account_type:
        raise PermissionDenied(_("This page is for job seekers.") if account_type == AccountType.JOB_SEEKER
                               else _("This page is for employers."))


# --- Public pages -----------------------------------------------------------------------------


@scope_exempt("Public list of published job fairs.")
class FairListView(FilteredListView):
    template_name = "jobs/fairs/list.html"
    filterset_class = FairPublicFilter
    context_object_name = "fairs"
    paginate_by = 20

    def get_queryset(self):
        return fair_public_list(fetched_by=self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        # Always bound, so "upcoming" applies without a query string too.
        return {"data": self.request.GET, "request": self.request, "queryset": self.get_queryset()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        period = self.filterset.form.cleaned_data.get("when") if self.filterset.is_valid() else ""
        query = self.request.GET.copy()
        for name in ("page", "when"):
            query.pop(name, None)
        return {**context, "period": period or FairPeriod.UPCOMING, "periods": FairPeriod,
                "tab_query": query.urlencode()}


@scope_exempt("Public page of a published fair; sign-up state, bookings and slots shown are the user's own.")
class FairDetailView(TemplateView):
    template_name = "jobs/fairs/detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        fair = _public_fair_or_404(self.request, self.kwargs["pk"])
        context = {"fair": fair, "participants": fair_public_participants(fair=fair, fetched_by=user),
                   "is_open": fair.status == FairStatus.PUBLISHED and fair.ends_at > timezone.now()}
        if user.is_authenticated and user.account_type == AccountType.JOB_SEEKER:
            context["seeker"] = seeker_fair_state(fair=fair, fetched_by=user)
            context["free_slots"] = list(fair_free_slots(fair=fair, fetched_by=user))
        elif user.is_authenticated and user.account_type == AccountType.EMPLOYER:
            context["employer_state"] = employer_fair_state(fair=fair, fetched_by=user)
        else:
            context["free_slots"] = list(fair_free_slots(fair=fair, fetched_by=user))
        return {**super().get_context_data(**kwargs), **context}


@scope_exempt("A job seeker signs themself up; the service checks the account.")
class FairSignUpView(LoginRequiredMixin, View):
    def post(self, request, pk):
        _require(request, AccountType.JOB_SEEKER)
        fair = _public_fair_or_404(request, pk)
        try:
            services.fair_sign_up(actor=request.user, fair=fair)
            messages.success(request, _("You have signed up for this fair."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("jobs:fair-detail", pk=fair.pk)


@scope_exempt("An employer joins with its own vacancies only; the service checks the account.")
class FairJoinView(LoginRequiredMixin, View):
    template_name = "jobs/fairs/join.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require(request, AccountType.EMPLOYER)
        return super().dispatch(request, *args, **kwargs)

    def _render(self, request, fair, form):
        return render(request, self.template_name, {"fair": fair, "form": form})

    def get(self, request, pk):
        fair = _public_fair_or_404(request, pk)
        if employer_participation(fair=fair, fetched_by=request.user) is not None:
            return redirect("jobs:fair-detail", pk=fair.pk)
        return self._render(request, fair, FairJoinForm(vacancies=employer_public_vacancies(fetched_by=request.user)))

    def post(self, request, pk):
        fair = _public_fair_or_404(request, pk)
        form = FairJoinForm(request.POST, vacancies=employer_public_vacancies(fetched_by=request.user))
        if form.submit(lambda data: services.fair_join(actor=request.user, fair=fair, vacancies=data["vacancies"])):
            messages.success(request, _("Your organisation has joined the fair."))
            return redirect("jobs:fair-detail", pk=fair.pk)
        return self._render(request, fair, form)


@scope_exempt("A participating employer offers its own slots; the service checks the participation.")
class SlotOfferView(LoginRequiredMixin, View):
    template_name = "jobs/fairs/slot_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require(request, AccountType.EMPLOYER)
        return super().dispatch(request, *args, **kwargs)

    def _participation_or_404(self, request, fair):
        participation = employer_participation(fair=fair, fetched_by=request.user)
        if participation is None:
            raise Http404(_("Not found."))
        return participation

    def _render(self, request, fair, form):
        return render(request, self.template_name, {"fair": fair, "form": form})

    def get(self, request, pk):
        fair = _public_fair_or_404(request, pk)
        participation = self._participation_or_404(request, fair)
        vacancies = participation_vacancies(participation=participation, fetched_by=request.user)
        return self._render(request, fair, SlotOfferForm(vacancies=vacancies))

    def post(self, request, pk):
        fair = _public_fair_or_404(request, pk)
        participation = self._participation_or_404(request, fair)
        vacancies = participation_vacancies(participation=participation, fetched_by=request.user)
        form = SlotOfferForm(request.POST, vacancies=vacancies)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.interview_slot_offer(actor=request.user, fair=fair, starts_at=data["starts_at"],
                                              minutes=data["minutes"], meeting_link=data["meeting_link"],
                                              vacancy=data["vacancy"])
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The interview slot is offered."))
                return redirect("jobs:fair-detail", pk=fair.pk)
        return self._render(request, fair, form)


@scope_exempt("A job seeker books a slot for themself; the service checks the sign-up and the lock.")
class SlotBookView(LoginRequiredMixin, View):
    def post(self, request, pk):
        _require(request, AccountType.JOB_SEEKER)
        slot = interview_slot_get(pk=pk, fetched_by=request.user)
        if slot is None:
            raise Http404(_("Not found."))
        try:
            services.interview_slot_book(actor=request.user, slot=slot)
            messages.success(request, _("Your interview is booked. The meeting link is under “My interviews”."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("jobs:fair-detail", pk=slot.participation.fair_id)


@scope_exempt("Shows only the signed-in job seeker's bookings or the signed-in employer's slots.")
class MyInterviewsView(LoginRequiredMixin, ListView):
    template_name = "jobs/fairs/my_interviews.html"
    context_object_name = "slots"
    paginate_by = 20

    def get_queryset(self):
        if self.request.user.account_type not in (AccountType.JOB_SEEKER, AccountType.EMPLOYER):
            raise PermissionDenied(_("This page is for job seekers and employers."))
        return my_interview_slots(fetched_by=self.request.user)


# --- Staff pages ------------------------------------------------------------------------------


class StaffFairMixin(StaffScopedViewMixin):
    model = JobFair
    scope_roles = FAIR_STAFF_ROLES

    def get_base_queryset(self):
        return fair_staff_base()


class StaffFairListView(StaffFairMixin, FilteredListView):
    template_name = "jobs/fairs/staff_list.html"
    filterset_class = StaffFairFilter
    context_object_name = "fairs"


class StaffFairCreateView(StaffFairMixin, View):
    template_name = "jobs/fairs/staff_form.html"

    def _form(self, data=None):
        return FairForm(data, areas=fair_organiser_areas(fetched_by=self.request.user))

    def get(self, request):
        return render(request, self.template_name, {"form": self._form()})

    def post(self, request):
        form = self._form(request.POST)
        if form.submit(lambda data: services.fair_create(actor=request.user, **data)):
            fair = form.result
            messages.success(request, _("The fair is saved as a draft. Publish it when it is ready."))
            return redirect("staff-jobs:fair-detail", pk=fair.pk)
        return render(request, self.template_name, {"form": form})


def _staff_fair_page(request, fair: JobFair, *, form: FairForm | None = None,
                     cancel_form: FairCancelForm | None = None):
    if form is None and fair.status == FairStatus.DRAFT:
        form = FairForm(initial=FairForm.initial_for(fair), areas=fair_organiser_areas(fetched_by=request.user))
    return render(request, "jobs/fairs/staff_detail.html", {
        "fair": fair, "form": form, "cancel_form": cancel_form or FairCancelForm(),
        "participants": fair_staff_participations(fair=fair, fetched_by=request.user),
        "can_publish": fair.status == FairStatus.DRAFT,
        "can_cancel": fair.status in (FairStatus.DRAFT, FairStatus.PUBLISHED),
    })


class StaffFairDetailView(StaffFairMixin, View):
    """A fair's page for staff: edit while a draft, publish or cancel, participants and sign-ups."""

    def get(self, request, pk):
        return _staff_fair_page(request, get_object_or_404(self.get_queryset(), pk=pk))

    def post(self, request, pk):
        fair = get_object_or_404(self.get_queryset(), pk=pk)
        form = FairForm(request.POST, areas=fair_organiser_areas(fetched_by=request.user))
        if form.submit(lambda data: services.fair_update(actor=request.user, fair=fair, **data)):
            messages.success(request, _("The fair has been saved."))
            return redirect("staff-jobs:fair-detail", pk=fair.pk)
        return _staff_fair_page(request, fair, form=form)


class StaffFairPublishView(StaffFairMixin, View):
    def post(self, request, pk):
        fair = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            services.fair_publish(actor=request.user, fair=fair)
            messages.success(request, _("The fair is published."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(reverse("staff-jobs:fair-detail", kwargs={"pk": fair.pk}))


class StaffFairCancelView(StaffFairMixin, View):
    def post(self, request, pk):
        fair = get_object_or_404(self.get_queryset(), pk=pk)
        form = FairCancelForm(request.POST)
        if form.submit(lambda data: services.fair_cancel(actor=request.user, fair=fair, reason=data["reason"])):
            messages.success(request, _("The fair is cancelled."))
            return redirect(reverse("staff-jobs:fair-detail", kwargs={"pk": fair.pk}))
        return _staff_fair_page(request, fair, cancel_form=form)
