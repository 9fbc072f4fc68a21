"""Training course pages: the public course search and course page, and the staff pages where
editors of the district (or the city) write, publish and cancel courses."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from policy.constants import (
    COURSE_TRANSITIONS,
    EDITOR_LEVELS,
    EDITOR_ROLES,
    CourseStatus,
)
from policy.forms import CourseForm, CourseSearchForm, ReasonForm, StaffCourseFilter
from policy.models import TrainingCourse
from policy.selectors.courses import (
    CourseFilters,
    course_public_detail,
    course_search,
    course_staff_base,
)
from policy.services import courses as services
from portal.pages import FilteredListView
from portal.scoped_views import StaffScopedViewMixin, scope_exempt
from portal.scoping import area_in_scope, has_staff_role
from portal.selectors import audit_history
from portal.workflow import status_history


@scope_exempt("Public list of published training courses.")
class CourseListView(ListView):
    template_name = "policy/courses/list.html"
    context_object_name = "courses"
    paginate_by = 20

    def get_form(self) -> CourseSearchForm:
        if not hasattr(self, "_form"):
            self._form = CourseSearchForm(self.request.GET or None)
        return self._form

    def get_queryset(self):
        form = self.get_form()
        if form.is_bound and not form.is_valid():
            return course_search(fetched_by=self.request.user, filters=CourseFilters()).none()
        filters = form.course_filters if form.is_bound else CourseFilters()
        return course_search(fetched_by=self.request.user, filters=filters)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return {**super().get_context_data(**kwargs), "form": self.get_form(), "query": query.urlencode()}


@scope_exempt("A published training course's public page.")
class CourseDetailView(TemplateView):
    template_name = "policy/courses/detail.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs),
                "course": course_public_detail(fetched_by=self.request.user, pk=kwargs["pk"])}


# --- Staff pages ------------------------------------------------------------------------------


class StaffCourseMixin(StaffScopedViewMixin):
    model = TrainingCourse

    def get_base_queryset(self):
        return course_staff_base()

    def may_manage(self, course: TrainingCourse | None = None) -> bool:
        if course is None:
            return has_staff_role(self.request.user, EDITOR_ROLES, EDITOR_LEVELS)
        return area_in_scope(self.request.user, course.area, roles=EDITOR_ROLES, levels=EDITOR_LEVELS)


class StaffCourseListView(StaffCourseMixin, FilteredListView):
    template_name = "policy/courses/staff_list.html"
    filterset_class = StaffCourseFilter
    context_object_name = "courses"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "may_manage": self.may_manage()}


class StaffCourseCreateView(StaffCourseMixin, View):
    template_name = "policy/courses/staff_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.may_manage():
            raise PermissionDenied(_("Only staff at city or district level publish training courses."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": CourseForm()})

    def post(self, request):
        form = CourseForm(request.POST)
        if form.submit(lambda data: services.course_create(actor=request.user, **data)):
            course = form.result
            messages.success(request, _("The course is saved as a draft."))
            return redirect("staff-policy:course-detail", pk=course.pk)
        return render(request, self.template_name, {"form": form})


class CoursePageMixin(StaffCourseMixin):
    template_name = "policy/courses/staff_detail.html"

    def get_course(self, pk) -> TrainingCourse:
        return get_object_or_404(self.get_queryset(), pk=pk)

    def render_page(self, course, *, form=None, cancel_form=None):
        may_manage = self.may_manage(course)
        if may_manage and course.status != CourseStatus.CANCELLED:
            form = form or CourseForm(initial=CourseForm.initial_for(course))
            cancel_form = cancel_form or ReasonForm()
        return render(self.request, self.template_name, {
            "course": course, "may_manage": may_manage, "form": form, "cancel_form": cancel_form,
            "may_publish": CourseStatus.PUBLISHED in COURSE_TRANSITIONS.get(course.status, set()),
            "status_history": status_history(instance=course),
            "history": audit_history(obj=course, fetched_by=self.request.user)})


class StaffCourseDetailView(CoursePageMixin, View):
    def get(self, request, pk):
        return self.render_page(self.get_course(pk))

    def post(self, request, pk):
        course = self.get_course(pk)
        form = CourseForm(request.POST)
        if form.submit(lambda data: services.course_update(actor=request.user, course=course, **data)):
            messages.success(request, _("The course is saved."))
            return redirect("staff-policy:course-detail", pk=course.pk)
        return self.render_page(course, form=form)


class StaffCoursePublishView(CoursePageMixin, View):
    def post(self, request, pk):
        course = self.get_course(pk)
        try:
            services.course_publish(actor=request.user, course=course)
            messages.success(request, _("The course is published."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("staff-policy:course-detail", pk=course.pk)


class StaffCourseCancelView(CoursePageMixin, View):
    def post(self, request, pk):
        course = self.get_course(pk)
        form = ReasonForm(request.POST)
        if form.submit(lambda data: services.course_cancel(actor=request.user, course=course, reason=data["reason"])):
            messages.success(request, _("The course is cancelled."))
            return redirect("staff-policy:course-detail", pk=course.pk)
        return self.render_page(course, cancel_form=form)
