"""Programme pages: the public list (who qualifies and how much, in words, from the version in force)
and the staff pages where city-level staff keep programmes and save new versions of their rules.

Programmes are city-wide: every staff member reads them; ``PROGRAMME_MAINTAINERS`` change them (the
services check; the pages only show the links to those who may). Staff pages address a programme by
its code.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from portal.scoped_views import StaffScopedViewMixin, scope_exempt
from portal.selectors import audit_history
from subsidies.constants import ProgrammeKind
from subsidies.forms_programmes import (
    ProgrammeCreateForm,
    ProgrammeDescriptionForm,
    ProgrammeKindForm,
    VersionForm,
)
from subsidies.models import Programme
from subsidies.selectors.programmes import programme_annotate, programme_public, programme_staff_base, programmes_public
from subsidies.services import programmes as services
from subsidies.views.apply import may_apply_online

# --- Public -----------------------------------------------------------------------------------


@scope_exempt("Public list of subsidy programmes and their rules in words.")
class ProgrammeListView(TemplateView):
    template_name = "subsidies/programmes/list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "programmes": programmes_public(fetched_by=self.request.user),
                "may_apply_online": may_apply_online(self.request.user)}


@scope_exempt("A public subsidy programme and its rules in words.")
class ProgrammeDetailView(TemplateView):
    template_name = "subsidies/programmes/detail.html"

    def get_context_data(self, **kwargs):
        programme = programme_public(fetched_by=self.request.user, code=kwargs["code"])
        if programme is None:
            raise Http404(_("Not found."))
        return {**super().get_context_data(**kwargs), "programme": programme,
                "may_apply_online": may_apply_online(self.request.user)}


# --- Staff ------------------------------------------------------------------------------------


class StaffProgrammeMixin(StaffScopedViewMixin):
    model = Programme

    def get_base_queryset(self):
        return programme_staff_base()

    def get_programme(self, code: str) -> Programme:
        return programme_annotate(get_object_or_404(self.get_queryset(), code=code))


class MaintainerOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.is_programme_maintainer(request.user):
            raise PermissionDenied(_("Only city-level officials and administrators maintain subsidy programmes."))
        return super().dispatch(request, *args, **kwargs)


class StaffProgrammeListView(StaffProgrammeMixin, ListView):
    template_name = "subsidies/programmes/staff_list.html"
    context_object_name = "programmes"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for programme in context["programmes"]:
            programme_annotate(programme)
        return {**context, "may_maintain": services.is_programme_maintainer(self.request.user)}


class StaffProgrammeCreateView(MaintainerOnlyMixin, StaffProgrammeMixin, View):
    """First the kind (the rules' fields depend on it), then the programme with its first version."""

    template_name = "subsidies/programmes/staff_form.html"

    def _kind(self):
        kind = (self.request.POST if self.request.method == "POST" else self.request.GET).get("kind", "")
        return kind if kind in ProgrammeKind.values else None

    def get(self, request):
        kind = self._kind()
        if kind is None:
            return render(request, self.template_name, {"kind_form": ProgrammeKindForm()})
        return render(request, self.template_name, {"form": ProgrammeCreateForm(kind=kind), "kind": kind,
                                                    "kind_label": ProgrammeKind(kind).label})

    def post(self, request):
        kind = self._kind()
        if kind is None:
            return render(request, self.template_name, {"kind_form": ProgrammeKindForm(request.POST)}, status=400)
        form = ProgrammeCreateForm(request.POST, kind=kind)
        if form.submit(lambda data: services.programme_create(actor=request.user, **data)):
            messages.success(request, _("The programme is saved with its first version."))
            return redirect("staff-subsidies:programme-detail", code=form.result.code)
        return render(request, self.template_name, {"form": form, "kind": kind,
                                                    "kind_label": ProgrammeKind(kind).label})


class StaffProgrammeDetailView(StaffProgrammeMixin, View):
    """A programme: its description (editable by maintainers), its versions with their parameters in
    words and how many applications used each, and its audit trail."""

    template_name = "subsidies/programmes/staff_detail.html"

    def render_page(self, programme, form=None, status=200):
        may_maintain = services.is_programme_maintainer(self.request.user)
        if may_maintain and form is None:
            form = ProgrammeDescriptionForm(initial={
                "name": programme.name, "description": programme.description,
                "policy_document": programme.policy_document_id, "active": programme.active})
        return render(self.request, self.template_name, {
            "programme": programme, "may_maintain": may_maintain, "form": form,
            "history": audit_history(obj=programme, fetched_by=self.request.user)}, status=status)

    def get(self, request, code):
        return self.render_page(self.get_programme(code))

    def post(self, request, code):
        programme = self.get_programme(code)
        if not services.is_programme_maintainer(request.user):
            raise PermissionDenied(_("Only city-level officials and administrators maintain subsidy programmes."))
        form = ProgrammeDescriptionForm(request.POST)
        if form.submit(lambda data: services.programme_update(actor=request.user, programme=programme, **data)):
            messages.success(request, _("The programme is saved."))
            return redirect("staff-subsidies:programme-detail", code=programme.code)
        return self.render_page(programme, form=form)


class StaffVersionCreateView(MaintainerOnlyMixin, StaffProgrammeMixin, View):
    """A new version of the rules, pre-filled with the version in force."""

    template_name = "subsidies/programmes/staff_version.html"

    def get(self, request, code):
        programme = self.get_programme(code)
        latest = programme.version_list[0] if programme.version_list else None
        initial = VersionForm.initial_parameters(latest.parameters) if latest else {}
        if latest:
            initial["source"] = latest.source
        form = VersionForm(kind=programme.kind, initial=initial)
        return render(request, self.template_name, {"programme": programme, "form": form})

    def post(self, request, code):
        programme = self.get_programme(code)
        form = VersionForm(request.POST, kind=programme.kind)
        if form.submit(lambda data: services.programme_version_save(actor=request.user, programme=programme, **data)):
            messages.success(request, _("Version %(number)s is saved; it takes effect on %(date)s.")
                             % {"number": form.result.number, "date": form.result.effective_from})
            return redirect("staff-subsidies:programme-detail", code=programme.code)
        return render(request, self.template_name, {"programme": programme, "form": form})
