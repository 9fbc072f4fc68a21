"""Training course API: the public list of published courses, and the staff endpoints where editors
of the district (or the city) write, publish and cancel courses. Enrolments (the registration
app) refer to a course by its ``id``."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from policy.forms import CourseForm, CourseSearchForm, ReasonForm, StaffCourseFilter
from policy.models import TrainingCourse
from policy.selectors.courses import (
    CourseFilters,
    course_public_detail,
    course_search,
    course_staff_base,
    public_courses,
)
from policy.services import courses as services
from portal.api_base import ERRORS, PUBLIC_ERRORS, AreaBriefSerializer, MovesField, raise_form_errors
from portal.api_forms import FormActionMixin, form_schema
from portal.scoped_views import ScopedModelViewSet, scope_exempt


class CourseOccupationSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class TrainingCourseSerializer(serializers.ModelSerializer):
    area = AreaBriefSerializer(read_only=True)
    occupation = CourseOccupationSerializer(read_only=True)
    own_cost = serializers.IntegerField(read_only=True, help_text="What a trainee pays after the subsidy (yuan).")

    class Meta:
        model = TrainingCourse
        fields = ["id", "title", "provider", "occupation", "starts_on", "ends_on", "area", "address", "cost",
                  "subsidy", "own_cost", "seats", "description", "status", "published_at"]


COURSE_PARAMETERS = [
    OpenApiParameter("q", str, description="Keywords in the course, provider or occupation."),
    OpenApiParameter("district", str, description="Division code of a district."),
    OpenApiParameter("occupation", str, description="A major group code of the 2022 classification (such as 6)."),
    OpenApiParameter("free_only", bool, description="Only courses the subsidy pays in full."),
]


@scope_exempt("Public list of published training courses.")
@extend_schema_view(
    list=extend_schema(summary="Published training courses that have not ended", parameters=COURSE_PARAMETERS,
                       responses={200: TrainingCourseSerializer(many=True), **PUBLIC_ERRORS}),
    retrieve=extend_schema(summary="A published training course", responses={200: TrainingCourseSerializer, **PUBLIC_ERRORS}),
)
class CourseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TrainingCourseSerializer
    permission_classes = [permissions.AllowAny]
    filter_backends: list = []
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if self.action != "list":
            return public_courses()
        form = CourseSearchForm(self.request.query_params or None)
        if form.is_bound and not form.is_valid():
            raise_form_errors(form)
        return course_search(fetched_by=self.request.user,
                             filters=form.course_filters if form.is_bound else CourseFilters())

    def retrieve(self, request, pk=None):
        return Response(TrainingCourseSerializer(course_public_detail(fetched_by=request.user, pk=pk)).data)


class StaffTrainingCourseSerializer(TrainingCourseSerializer):
    """A course as staff see it, with the ``moves`` the requesting user may take on it."""

    moves = MovesField()

    class Meta(TrainingCourseSerializer.Meta):
        fields = [*TrainingCourseSerializer.Meta.fields, "moves"]


# Request bodies for the schema, built from the forms that read them.
TrainingCourseWriteSerializer = form_schema(CourseForm, "TrainingCourseWriteSerializer")
CourseCancelSerializer = form_schema(ReasonForm, "CourseCancelSerializer")


@extend_schema_view(
    list=extend_schema(summary="Training courses of my area",
                       responses={200: StaffTrainingCourseSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="A training course", responses={200: StaffTrainingCourseSerializer, **ERRORS}),
)
class StaffCourseViewSet(FormActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """Staff read the courses of their subtree; editors of the district (or city) manage them."""

    model = TrainingCourse
    serializer_class = StaffTrainingCourseSerializer
    filterset_class = StaffCourseFilter
    lookup_value_regex = r"\d+"

    def get_base_queryset(self):
        return course_staff_base()

    @extend_schema(summary="Write a course as a draft", request=TrainingCourseWriteSerializer,
                   responses={201: StaffTrainingCourseSerializer, **ERRORS})
    def create(self, request):
        return self.call(services.course_create, status=status.HTTP_201_CREATED, **self.form_data(CourseForm))

    @extend_schema(summary="Change a course", request=TrainingCourseWriteSerializer,
                   responses={200: StaffTrainingCourseSerializer, **ERRORS})
    def update(self, request, pk=None):
        return self.call(services.course_update, course=self.get_object(), **self.form_data(CourseForm))

    @extend_schema(summary="Publish a course", request=None, responses={200: StaffTrainingCourseSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self.call(services.course_publish, course=self.get_object())

    @extend_schema(summary="Cancel a course, with a reason", request=CourseCancelSerializer,
                   responses={200: StaffTrainingCourseSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.call(services.course_cancel, course=self.get_object(), **self.form_data(ReasonForm))
