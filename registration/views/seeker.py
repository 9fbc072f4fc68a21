"""The job seeker's own page (/registration/me/): link the account to the person record by
identity number and name, see my registrations, apply online for unemployment registration, and
follow my hard-to-employ status and my referral commitment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.generic import View

from portal.constants import AccountType
from portal.scoped_views import scope_exempt
from portal.throttling import ThrottledPageMixin
from registration.forms_persons import AccountLinkForm
from registration.forms_registrations import UnemploymentApplyForm
from registration.retirement import statutory_retirement_date
from registration.selectors.persons import person_of_user, person_records
from registration.services import persons as person_services
from registration.services import registrations as registration_services


class SeekerOnlyMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.account_type != AccountType.JOB_SEEKER:
            raise PermissionDenied(_("This page is for job seekers."))
        return super().dispatch(request, *args, **kwargs)


def render_my_page(request, *, link_form=None, apply_form=None, status=200):
    person = person_of_user(fetched_by=request.user)
    context = {"person": person}
    if person is None:
        context["link_form"] = link_form or AccountLinkForm()
        # Where to go first: the service guide of unemployment registration (what to bring, and the
        # window of the reader's area), when the portal publishes guides.
        try:
            context["guide_url"] = reverse("policy:guide-detail", args=["unemployment_registration"])
        except NoReverseMatch:
            context["guide_url"] = None
    else:
        records = person_records(person=person, fetched_by=None)  # the person is the reader's own
        context.update({
            "records": records, "apply_form": apply_form or UnemploymentApplyForm(),
            "case": records.cases[0] if records.cases else None,
            "retirement_date": statutory_retirement_date(person.birth_date, person.sex,
                                                         person.original_retirement_age),
        })
    return render(request, "registration/seeker/me.html", context, status=status)


@scope_exempt("The signed-in job seeker's own person record, found through their account.")
class MyRegistrationView(SeekerOnlyMixin, View):
    def get(self, request):
        return render_my_page(request)


@scope_exempt("Links the signed-in job seeker's own account; matched by identity number and name.")
class MyAccountLinkView(SeekerOnlyMixin, View):
    def post(self, request):
        form = AccountLinkForm(request.POST)
        if form.submit(lambda data: person_services.person_account_link(user=request.user, **data)):
            messages.success(request, _("Your account is linked to your registration record."))
            return redirect("registration:me")
        return render_my_page(request, link_form=form)


@scope_exempt("The signed-in job seeker applies for their own unemployment registration.")
class MyUnemploymentApplyView(SeekerOnlyMixin, ThrottledPageMixin, View):
    throttle_scope = "registration"
    throttle_methods = ("POST",)

    def post(self, request):
        form = UnemploymentApplyForm(request.POST)
        if form.submit(lambda data: registration_services.unemployment_apply_online(
                user=request.user, note=data["note"])):
            messages.success(request, _("Your application is sent. Your community's service window will "
                                        "confirm it."))
            return redirect("registration:me")
        return render_my_page(request, apply_form=form)
