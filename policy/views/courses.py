"""Training course pages: the public course search and course page, and the staff pages where
editors of the district (or the city) write, publish and cancel courses."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, TemplateView, View

from policy.forms import CourseForm, CourseSearchForm, ReasonForm, StaffCourseFilter
from policy.models import TrainingCourse
from policy.selectors.courses import (
    CourseFilters,
    course_public_detail,
    course_search,
    course_staff_base,
)
from policy.services import courses as services
from portal.pages import FilteredListView, MovesMixin, RecordActionMixin
from portal.scoped_views import StaffScopedViewMixin, scope_exempt
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


class StaffCourseListView(StaffCourseMixin, FilteredListView):
    template_name = "policy/courses/staff_list.html"
    filterset_class = StaffCourseFilter
    context_object_name = "courses"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "may_write": services.is_course_editor(self.request.user)}


class StaffCourseCreateView(StaffCourseMixin, View):
    template_name = "policy/courses/staff_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.is_course_editor(request.user):
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
    """The staff page of one course; its buttons and forms follow ``moves`` (the course workflow)."""

    template_name = "policy/courses/staff_detail.html"
    context_object_name = "course"

    def get_success_url(self) -> str:
        return reverse("staff-policy:course-detail", kwargs={"pk": self.object.pk})

    def get_context_data(self, **kwargs):
        course = self.object
        moves = self.get_moves()
        context = {
            "moves": moves,
            "form": CourseForm(initial=CourseForm.initial_for(course)) if "edit" in moves else None,
            "cancel_form": ReasonForm() if "cancel" in moves else None,
            "status_history": status_history(instance=course),
            "history": audit_history(obj=course, fetched_by=self.request.user),
        }
        context.update(kwargs)
        return super().get_context_data(**context)


class StaffCourseDetailView(CoursePageMixin, MovesMixin, DetailView):
    def post(self, request, pk):
        course = self.object = self.get_object()
        form = CourseForm(request.POST)
        if form.submit(lambda data: services.course_update(actor=request.user, course=course, **data)):
            messages.success(request, _("The course is saved."))
            return redirect(self.get_success_url())
        return self.render_to_response(self.get_context_data(form=form))


class StaffCoursePublishView(CoursePageMixin, RecordActionMixin, View):
    success_message = gettext_lazy("The course is published.")

    def act(self, data):
        services.course_publish(actor=self.request.user, course=self.object)


class StaffCourseCancelView(CoursePageMixin, RecordActionMixin, View):
    form_class = ReasonForm
    form_context_name = "cancel_form"
    success_message = gettext_lazy("The course is cancelled.")

    def act(self, data):
        services.course_cancel(actor=self.request.user, course=self.object, reason=data["reason"])
