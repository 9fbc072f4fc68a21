"""Service guide pages: the public guides with the window for the reader's area, and the staff pages
where city staff write guides and district staff keep their windows."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from policy.constants import Service
from policy.forms import GuideForm, WindowAreaForm, WindowForm
from policy.models import ServiceGuide, ServiceWindow
from policy.selectors.guides import (
    guide_list,
    guide_public_detail,
    guide_staff_base,
    window_for,
    window_staff_base,
)
from policy.services import guides as services
from portal.scoped_views import StaffScopedViewMixin, scope_exempt
from portal.selectors import audit_history

# --- Public pages -----------------------------------------------------------------------------


@scope_exempt("Public service guides.")
class GuideListView(TemplateView):
    template_name = "policy/guides/list.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "guides": guide_list(fetched_by=self.request.user)}


@scope_exempt("A public service guide, with the service window of the area the reader picks.")
class GuideDetailView(TemplateView):
    template_name = "policy/guides/detail.html"

    def get_context_data(self, **kwargs):
        if kwargs["service"] not in Service.values:
            raise Http404(_("Not found."))
        guide = guide_public_detail(fetched_by=self.request.user, service=kwargs["service"])
        form = WindowAreaForm(self.request.GET or None)
        valid = form.is_bound and form.is_valid()
        area = form.cleaned_data["area"] if valid else None
        answer = window_for(fetched_by=self.request.user, area=area, service=guide.service)
        return {**super().get_context_data(**kwargs), "guide": guide, "answer": answer, "picker": form["area"],
                "unknown_area": form.is_bound and not valid}


# --- Staff pages ------------------------------------------------------------------------------


class StaffGuideMixin(StaffScopedViewMixin):
    model = ServiceGuide

    def get_base_queryset(self):
        return guide_staff_base()


class StaffGuideListView(StaffGuideMixin, ListView):
    template_name = "policy/guides/staff_list.html"
    context_object_name = "guides"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        written = {guide.service for guide in self.get_queryset()}
        return {**super().get_context_data(**kwargs), "may_write": services.is_guide_editor(self.request.user),
                "missing": [(value, label) for value, label in Service.choices if value not in written]}


class StaffGuideCreateView(StaffGuideMixin, View):
    template_name = "policy/guides/staff_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.is_guide_editor(request.user):
            raise PermissionDenied(_("Only city-level staff write service guides."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        service = request.GET.get("service")
        return render(request, self.template_name, {"form": GuideForm(initial={"service": service}, user=request.user)})

    def post(self, request):
        form = GuideForm(request.POST, user=request.user)
        if form.submit(lambda data: services.guide_create(actor=request.user, **data)):
            guide = form.result
            messages.success(request, _("The service guide is saved."))
            return redirect("staff-policy:guide-detail", pk=guide.pk)
        return render(request, self.template_name, {"form": form})


class StaffGuideDetailView(StaffGuideMixin, View):
    template_name = "policy/guides/staff_detail.html"

    def render_page(self, guide, form=None):
        may_edit = services.may_edit_guide(self.request.user, guide)
        if may_edit and form is None:
            form = GuideForm(initial=GuideForm.initial_for(guide), user=self.request.user, editing=True)
        return render(self.request, self.template_name, {
            "guide": guide, "may_edit": may_edit, "form": form,
            "history": audit_history(obj=guide, fetched_by=self.request.user)})

    def get(self, request, pk):
        return self.render_page(get_object_or_404(self.get_queryset(), pk=pk))

    def post(self, request, pk):
        guide = get_object_or_404(self.get_queryset(), pk=pk)
        form = GuideForm(request.POST, user=request.user, editing=True)
        if form.submit(lambda data: services.guide_update(actor=request.user, guide=guide, **data)):
            messages.success(request, _("The service guide is saved."))
            return redirect("staff-policy:guide-detail", pk=guide.pk)
        return self.render_page(guide, form=form)


class StaffWindowMixin(StaffScopedViewMixin):
    model = ServiceWindow

    def get_base_queryset(self):
        return window_staff_base()


class StaffWindowListView(StaffWindowMixin, ListView):
    template_name = "policy/windows/staff_list.html"
    context_object_name = "windows"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "may_write": services.is_window_editor(self.request.user)}


class StaffWindowCreateView(StaffWindowMixin, View):
    template_name = "policy/windows/staff_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.is_window_editor(request.user):
            raise PermissionDenied(_("Only staff at city or district level keep service windows."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": WindowForm()})

    def post(self, request):
        form = WindowForm(request.POST)
        if form.submit(lambda data: services.window_save(actor=request.user, **data)):
            window = form.result
            messages.success(request, _("The service window is saved."))
            return redirect("staff-policy:window-detail", pk=window.pk)
        return render(request, self.template_name, {"form": form})


class StaffWindowDetailView(StaffWindowMixin, View):
    template_name = "policy/windows/staff_detail.html"

    def render_page(self, window, form=None):
        may_edit = services.may_edit_window(self.request.user, window)
        if may_edit and form is None:
            form = WindowForm(initial=WindowForm.initial_for(window), editing=True)
        return render(self.request, self.template_name, {
            "window": window, "may_edit": may_edit, "form": form,
            "history": audit_history(obj=window, fetched_by=self.request.user)})

    def get(self, request, pk):
        return self.render_page(get_object_or_404(self.get_queryset(), pk=pk))

    def post(self, request, pk):
        window = get_object_or_404(self.get_queryset(), pk=pk)
        form = WindowForm(request.POST, editing=True)
        if form.submit(lambda data: services.window_save(actor=request.user, area=window.area, **data)):
            messages.success(request, _("The service window is saved."))
            return redirect("staff-policy:window-detail", pk=window.pk)
        return self.render_page(window, form=form)
