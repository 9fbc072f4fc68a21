"""Staff pages of persons: find one (identity number, name, phone), register one, and the person's
page with registrations, hard-to-employ cases, trainings and agency services, where clerks enter
what happens next. The whole identity number is shown only after an explicit, audited request."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import View

from portal.audit import client_ip
from portal.lookups import EXPIRED, LOOKUP_PARAM, lookup_redirect, lookup_text
from portal.pages import FilteredListView
from portal.scoped_views import StaffScopedViewMixin
from portal.scoping import area_in_scope, has_staff_role
from portal.selectors import audit_history
from registration.constants import REGISTRATION_ROLES
from registration.forms_persons import (
    AgencyServiceForm,
    EmploymentCardForm,
    PersonDetailsForm,
    PersonFilter,
    PersonRegisterForm,
    TrainingForm,
)
from registration.forms_registrations import EmploymentForm, UnemploymentRegisterForm
from registration.models import Person
from registration.retirement import statutory_retirement_date
from registration.selectors.persons import person_records, person_staff_base
from registration.services import persons as person_services
from registration.services import records as record_services
from registration.services import registrations as registration_services


class StaffPersonMixin(StaffScopedViewMixin):
    """Every staff role reads persons of its subtree; clerks register them and enter records."""

    model = Person

    def get_base_queryset(self):
        return person_staff_base()

    def may_register(self, person: Person | None = None) -> bool:
        user = self.request.user
        if person is None:
            return has_staff_role(user, REGISTRATION_ROLES)
        return area_in_scope(user, person.area, roles=REGISTRATION_ROLES)


class PersonListView(StaffPersonMixin, FilteredListView):
    """The person search. The search box posts, and the results come back under a kept lookup
    (``?lookup=<key>``), so an identity number never appears in a web address; ``?q=`` still takes a
    name or a phone number, but not an identity number."""

    template_name = "registration/persons/list.html"
    filterset_class = PersonFilter
    context_object_name = "persons"

    def get(self, request, *args, **kwargs):
        self.kept_q = None
        if LOOKUP_PARAM in request.GET:
            self.kept_q = lookup_text(request, request.GET[LOOKUP_PARAM])
            if self.kept_q is None:
                messages.info(request, EXPIRED)
                return redirect("staff-registration:person-list")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return lookup_redirect(request, request.POST.get("q", ""))

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if self.kept_q is not None:
            data = self.request.GET.copy()
            del data[LOOKUP_PARAM]
            data["q"] = self.kept_q
            kwargs.update(data=data, number_allowed=True)
        return kwargs

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "may_register": self.may_register()}


class PersonCreateView(StaffPersonMixin, View):
    template_name = "registration/persons/form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and has_staff_role(request.user) and not self.may_register():
            raise PermissionDenied(_("Only window clerks register persons."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": PersonRegisterForm(user=request.user)})

    def post(self, request):
        form = PersonRegisterForm(request.POST, user=request.user)
        if form.submit(lambda data: person_services.person_register(actor=request.user, **data)):
            messages.success(request, _("%(name)s is registered.") % {"name": form.result.name})
            return redirect("staff-registration:person-detail", pk=form.result.pk)
        return render(request, self.template_name, {"form": form, "existing": form.existing})


class PersonPageMixin(StaffPersonMixin):
    """The page of one person, re-shown with whichever of its forms was rejected."""

    template_name = "registration/persons/detail.html"

    def get_person(self, pk) -> Person:
        return get_object_or_404(self.get_queryset(), pk=pk)

    def render_page(self, person: Person, *, status: int = 200, revealed_number: str | None = None, **forms):
        request = self.request
        may_register = self.may_register(person)
        records = person_records(person=person, fetched_by=request.user)
        context = {
            "person": person, "records": records, "may_register": may_register,
            "revealed_number": revealed_number,
            "retirement_date": statutory_retirement_date(person.birth_date, person.sex,
                                                         person.original_retirement_age),
            "history": audit_history(obj=person, fetched_by=request.user),
            "row_error": forms.pop("row_error", None),
        }
        if may_register:
            context.update({
                "edit_form": forms.get("edit_form") or PersonDetailsForm(
                    initial=PersonDetailsForm.initial_for(person), user=request.user),
                "card_form": forms.get("card_form") or EmploymentCardForm(),
                "unemployment_form": forms.get("unemployment_form") or UnemploymentRegisterForm(),
                "employment_form": forms.get("employment_form") or EmploymentForm(),
                "training_form": forms.get("training_form") or TrainingForm(),
                "agency_form": forms.get("agency_form") or AgencyServiceForm(),
                "duplicate": forms.get("duplicate"),
            })
        response = render(request, self.template_name, context, status=status)
        if revealed_number:
            response["Cache-Control"] = "no-store"
        return response


class PersonDetailView(PersonPageMixin, View):
    """A person for staff; clerks of the area correct the details here (POST)."""

    def get(self, request, pk):
        return self.render_page(self.get_person(pk))

    def post(self, request, pk):
        person = self.get_person(pk)
        form = PersonDetailsForm(request.POST, user=request.user)
        if form.submit(lambda data: person_services.person_update(actor=request.user, person=person, **data)):
            messages.success(request, _("The details have been saved."))
            return redirect("staff-registration:person-detail", pk=person.pk)
        return self.render_page(person, edit_form=form)


class PersonRevealView(PersonPageMixin, View):
    """Show the whole identity number once, on an explicit request; each time is audited."""

    def post(self, request, pk):
        person = self.get_person(pk)
        number = person_services.person_identity_number_reveal(actor=request.user, person=person,
                                                               ip_address=client_ip(request))
        return self.render_page(person, revealed_number=number)


class PersonCardView(PersonPageMixin, View):
    def post(self, request, pk):
        person = self.get_person(pk)
        form = EmploymentCardForm(request.POST)
        if form.submit(lambda data: person_services.person_employment_card_record(
                    actor=request.user, person=person, number=data["employment_card_number"])):
            messages.success(request, _("The card number is recorded."))
            return redirect("staff-registration:person-detail", pk=person.pk)
        return self.render_page(person, card_form=form)


class PersonUnemploymentView(PersonPageMixin, View):
    """Register the person as unemployed at the window."""

    def post(self, request, pk):
        person = self.get_person(pk)
        form = UnemploymentRegisterForm(request.POST)
        if form.submit(lambda data: registration_services.unemployment_register(
                actor=request.user, person=person, **data)):
            messages.success(request, _("The unemployment registration is recorded (no. %(pk)d).")
                             % {"pk": form.result.pk})
            return redirect("staff-registration:person-detail", pk=person.pk)
        # "person" errors (who may register) show above the form; a duplicate links to the existing one.
        return self.render_page(person, unemployment_form=form, duplicate=form.existing)


class PersonEmploymentView(PersonPageMixin, View):
    """Register employment (an open unemployment registration is cancelled: found work)."""

    def post(self, request, pk):
        person = self.get_person(pk)
        form = EmploymentForm(request.POST)
        if form.submit(lambda data: registration_services.employment_register(
                actor=request.user, person=person, **data)):
            messages.success(request, _("The employment is registered."))
            return redirect("staff-registration:person-detail", pk=person.pk)
        return self.render_page(person, employment_form=form)


class PersonTrainingView(PersonPageMixin, View):
    def post(self, request, pk):
        person = self.get_person(pk)
        form = TrainingForm(request.POST)
        if form.submit(lambda data: record_services.training_enrolment_record(
                actor=request.user, person=person, **data)):
            messages.success(request, _("The training enrolment is recorded."))
            return redirect("staff-registration:person-detail", pk=person.pk)
        return self.render_page(person, training_form=form)


class PersonAgencyServiceView(PersonPageMixin, View):
    def post(self, request, pk):
        person = self.get_person(pk)
        form = AgencyServiceForm(request.POST)
        if form.submit(lambda data: record_services.agency_service_record(actor=request.user, person=person, **data)):
            messages.success(request, _("The agency service is recorded."))
            return redirect("staff-registration:person-detail", pk=person.pk)
        return self.render_page(person, agency_form=form)
