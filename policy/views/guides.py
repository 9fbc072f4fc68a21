"""Service guide pages: the public guides with the window for the reader's area, and the staff pages
where city staff write guides and district staff keep their windows."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from policy.constants import EDITOR_LEVELS, EDITOR_ROLES, GUIDE_EDITOR_LEVELS, Service
from policy.forms import GuideForm, WindowForm
from policy.models import ServiceGuide, ServiceWindow
from policy.selectors.documents import relation_target_by_number
from policy.selectors.guides import (
    guide_list,
    guide_public_detail,
    guide_staff_base,
    window_for,
    window_staff_base,
)
from policy.services import guides as services
from portal.constants import AreaLevel
from portal.scoped_views import StaffScopedViewMixin, scope_exempt
from portal.scoping import area_in_scope, has_staff_role
from portal.selectors import area_by_code, audit_history
from portal.widgets import AreaPickerWidget

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
        widget = AreaPickerWidget(levels=[AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY])
        code = widget.value_from_datadict(self.request.GET, None, "area")
        area = area_by_code(code=code) if code else None
        answer = window_for(fetched_by=self.request.user, area=area, service=guide.service)
        picker = widget.render("area", area.code if area else None, attrs={"id": "id_area"})
        return {**super().get_context_data(**kwargs), "guide": guide, "answer": answer, "picker": picker,
                "unknown_area": bool(code) and area is None}


# --- Staff pages ------------------------------------------------------------------------------


def may_edit_guides(user, guide: ServiceGuide | None = None) -> bool:
    if guide is None:
        return has_staff_role(user, EDITOR_ROLES, GUIDE_EDITOR_LEVELS)
    return area_in_scope(user, guide.area, roles=EDITOR_ROLES, levels=GUIDE_EDITOR_LEVELS)


def may_edit_windows(user, window: ServiceWindow | None = None) -> bool:
    if window is None:
        return has_staff_role(user, EDITOR_ROLES, EDITOR_LEVELS)
    return area_in_scope(user, window.area, roles=EDITOR_ROLES, levels=EDITOR_LEVELS)


def _guide_values(form, user) -> dict:
    data = dict(form.cleaned_data)
    number = data.pop("policy", "")
    data["policy"] = relation_target_by_number(number=number, fetched_by=user) if number else None
    if number and data["policy"] is None:
        raise ValidationError({"policy": [ValidationError(_("No document has the number %(number)s.") % {
            "number": number}, code="unknown")]})
    return data


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
        return {**super().get_context_data(**kwargs), "may_edit": may_edit_guides(self.request.user),
                "missing": [(value, label) for value, label in Service.choices if value not in written]}


class StaffGuideCreateView(StaffGuideMixin, View):
    template_name = "policy/guides/staff_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_edit_guides(request.user):
            raise PermissionDenied(_("Only city-level staff write service guides."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        service = request.GET.get("service")
        return render(request, self.template_name, {"form": GuideForm(initial={"service": service})})

    def post(self, request):
        form = GuideForm(request.POST)
        if form.submit(lambda data: services.guide_create(actor=request.user, **_guide_values(form, request.user))):
            guide = form.result
            messages.success(request, _("The service guide is saved."))
            return redirect("staff-policy:guide-detail", pk=guide.pk)
        return render(request, self.template_name, {"form": form})


class StaffGuideDetailView(StaffGuideMixin, View):
    template_name = "policy/guides/staff_detail.html"

    def render_page(self, guide, form=None):
        may_edit = may_edit_guides(self.request.user, guide)
        if may_edit and form is None:
            initial = {name: getattr(guide, name) for name in GuideForm.base_fields if name not in ("service", "policy")}
            initial["policy"] = guide.policy.document_number if guide.policy else ""
            form = GuideForm(initial=initial, editing=True)
        return render(self.request, self.template_name, {
            "guide": guide, "may_edit": may_edit, "form": form,
            "history": audit_history(obj=guide, fetched_by=self.request.user)})

    def get(self, request, pk):
        return self.render_page(get_object_or_404(self.get_queryset(), pk=pk))

    def post(self, request, pk):
        guide = get_object_or_404(self.get_queryset(), pk=pk)
        form = GuideForm(request.POST, editing=True)
        if form.submit(lambda data: services.guide_update(actor=request.user, guide=guide,
                                                          **_guide_values(form, request.user))):
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
        return {**super().get_context_data(**kwargs), "may_edit": may_edit_windows(self.request.user)}


class StaffWindowCreateView(StaffWindowMixin, View):
    template_name = "policy/windows/staff_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_edit_windows(request.user):
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
        may_edit = may_edit_windows(self.request.user, window)
        if may_edit and form is None:
            form = WindowForm(initial=WindowForm.initial_for(window))
        return render(self.request, self.template_name, {
            "window": window, "may_edit": may_edit, "form": form,
            "history": audit_history(obj=window, fetched_by=self.request.user)})

    def get(self, request, pk):
        return self.render_page(get_object_or_404(self.get_queryset(), pk=pk))

    def post(self, request, pk):
        window = get_object_or_404(self.get_queryset(), pk=pk)
        services.assert_may_edit_windows(request.user, window.area)
        form = WindowForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if data["area"] != window.area:
                form.add_error("area", _("A window stays in its area; add a window for the other area instead."))
            else:
                try:
                    services.window_save(actor=request.user, **data)
                except ValidationError as exc:
                    form.add_service_errors(exc)
                else:
                    messages.success(request, _("The service window is saved."))
                    return redirect("staff-policy:window-detail", pk=window.pk)
        return self.render_page(window, form=form)
