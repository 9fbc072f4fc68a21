"""Job fair pages: the public list and detail, sign-up, joining, interview slots and booking,
and the staff pages that organise fairs.

Which buttons the staff page shows comes from the fair's moves (``FAIR_WORKFLOW``); the services
decide everything else and their refusals are shown on the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView, TemplateView, View

from jobs.constants import FAIR_ORGANISERS
from jobs.forms_fairs import FairCancelForm, FairForm, FairJoinForm, FairPublicFilter, SlotOfferForm, StaffFairFilter
from jobs.models import JobFair
from jobs.selectors.fairs import (
    FairPeriod,
    employer_fair_state,
    employer_participation,
    employer_public_vacancies,
    fair_free_slots,
    fair_is_open,
    fair_organiser_areas,
    fair_public_get,
    fair_public_list,
    fair_public_participants,
    fair_public_visible,
    fair_staff_base,
    fair_staff_participations,
    interview_slots_bookable,
    my_interview_slots,
    participation_vacancies,
    seeker_fair_state,
)
from jobs.services import fairs as services
from portal.constants import AccountType
from portal.pages import FilteredListView, RecordActionMixin
from portal.scoped_views import StaffScopedViewMixin, scope_exempt


def _public_fair_or_404(request, pk: int) -> JobFair:
    fair = fair_public_get(fetched_by=request.user, pk=pk)
    if fair is None:
        raise Http404(_("Not found."))
    return fair


def _require_employer(request) -> None:
    """The join and slot pages are forms for employers; nobody else is shown them."""
    if request.user.account_type != AccountType.EMPLOYER:
        raise PermissionDenied(_("This page is for employers."))


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
                   "is_open": fair_is_open(fair)}
        if user.is_authenticated and user.account_type == AccountType.JOB_SEEKER:
            context["seeker"] = seeker_fair_state(fair=fair, fetched_by=user)
            context["free_slots"] = list(fair_free_slots(fair=fair, fetched_by=user))
        elif user.is_authenticated and user.account_type == AccountType.EMPLOYER:
            context["employer_state"] = employer_fair_state(fair=fair, fetched_by=user)
        else:
            context["free_slots"] = list(fair_free_slots(fair=fair, fetched_by=user))
        return {**super().get_context_data(**kwargs), **context}


@scope_exempt("A job seeker signs themself up; the service checks the account.")
class FairSignUpView(LoginRequiredMixin, RecordActionMixin, View):
    success_message = gettext_lazy("You have signed up for this fair.")

    def get_queryset(self):
        return fair_public_visible(fetched_by=self.request.user)

    def act(self, data):
        services.fair_sign_up(actor=self.request.user, fair=self.object)

    def get_success_url(self) -> str:
        return reverse("jobs:fair-detail", kwargs={"pk": self.object.pk})


@scope_exempt("An employer joins with its own vacancies only; the service checks the account.")
class FairJoinView(LoginRequiredMixin, View):
    template_name = "jobs/fairs/join.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            _require_employer(request)
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
            _require_employer(request)
        return super().dispatch(request, *args, **kwargs)

    def _form(self, request, fair, data=None) -> SlotOfferForm:
        participation = employer_participation(fair=fair, fetched_by=request.user)
        if participation is None:
            raise Http404(_("Not found."))
        return SlotOfferForm(data, vacancies=participation_vacancies(participation=participation,
                                                                     fetched_by=request.user))

    def _render(self, request, fair, form):
        return render(request, self.template_name, {"fair": fair, "form": form})

    def get(self, request, pk):
        fair = _public_fair_or_404(request, pk)
        return self._render(request, fair, self._form(request, fair))

    def post(self, request, pk):
        fair = _public_fair_or_404(request, pk)
        form = self._form(request, fair, request.POST)
        if form.submit(lambda data: services.interview_slot_offer(actor=request.user, fair=fair, **data)):
            messages.success(request, _("The interview slot is offered."))
            return redirect("jobs:fair-detail", pk=fair.pk)
        return self._render(request, fair, form)


@scope_exempt("A job seeker books a slot for themself; the service checks the sign-up and the lock.")
class SlotBookView(LoginRequiredMixin, RecordActionMixin, View):
    success_message = gettext_lazy("Your interview is booked. The meeting link is under “My interviews”.")

    def get_queryset(self):
        return interview_slots_bookable(fetched_by=self.request.user)

    def act(self, data):
        services.interview_slot_book(actor=self.request.user, slot=self.object)

    def get_success_url(self) -> str:
        return reverse("jobs:fair-detail", kwargs={"pk": self.object.participation.fair_id})


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
    scope_roles = FAIR_ORGANISERS.roles

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


class StaffFairPageMixin(StaffFairMixin, RecordActionMixin):
    """A fair's page for staff: the edit form, publish and cancel as its moves allow, participants
    and sign-ups. Each action posts to its own URL and shows its refusals on this page."""

    template_name = "jobs/fairs/staff_detail.html"
    context_object_name = "fair"

    def edit_form(self, data=None) -> FairForm:
        initial = None if data is not None else FairForm.initial_for(self.object)
        return FairForm(data, initial=initial, areas=fair_organiser_areas(fetched_by=self.request.user))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context.get("form") is None:
            context["form"] = self.edit_form() if "edit" in context["moves"] else None
        context.setdefault("cancel_form", FairCancelForm())
        context["participants"] = fair_staff_participations(fair=self.object, fetched_by=self.request.user)
        return context

    def get_success_url(self) -> str:
        return reverse("staff-jobs:fair-detail", kwargs={"pk": self.object.pk})


class StaffFairDetailView(StaffFairPageMixin, View):
    """The page (GET) and the edit of a draft (POST, the ``edit`` action)."""

    success_message = gettext_lazy("The fair has been saved.")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data())

    def get_form(self):
        return self.edit_form(self.request.POST)

    def act(self, data):
        services.fair_update(actor=self.request.user, fair=self.object, **data)


class StaffFairPublishView(StaffFairPageMixin, View):
    success_message = gettext_lazy("The fair is published.")

    def act(self, data):
        services.fair_publish(actor=self.request.user, fair=self.object)


class StaffFairCancelView(StaffFairPageMixin, View):
    form_class = FairCancelForm
    form_context_name = "cancel_form"
    success_message = gettext_lazy("The fair is cancelled.")

    def act(self, data):
        services.fair_cancel(actor=self.request.user, fair=self.object, reason=data["reason"])
