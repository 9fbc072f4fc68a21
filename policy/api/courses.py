"""Training course API: the public list of published courses, and the staff endpoints where editors
of the district (or the city) write, publish and cancel courses. Enrolments (the registration
app) refer to a course by its ``id``."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from policy.api.common import (
    ERRORS,
    PUBLIC_ERRORS,
    AreaCodeField,
    PolicyAreaSerializer,
    raise_form_errors,
)
from policy.constants import COURSE_TITLE_MAX, NOTE_MAX
from policy.forms import CourseSearchForm, StaffCourseFilter
from policy.models import TrainingCourse
from policy.selectors.courses import (
    CourseFilters,
    course_public_detail,
    course_search,
    course_staff_base,
    middle_occupations,
    public_courses,
)
from policy.services import courses as services
from portal.scoped_views import ScopedModelViewSet, scope_exempt


class CourseOccupationSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class TrainingCourseSerializer(serializers.ModelSerializer):
    area = PolicyAreaSerializer(read_only=True)
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


class TrainingCourseWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=COURSE_TITLE_MAX)
    provider = serializers.CharField(max_length=100)
    occupation = serializers.SlugRelatedField(slug_field="code", queryset=middle_occupations(),
                                              help_text="A middle group code such as 6-18.")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    area = AreaCodeField(help_text="Division code of the district, street or community where it is held.")
    address = serializers.CharField(max_length=200)
    cost = serializers.IntegerField(min_value=0)
    subsidy = serializers.IntegerField(min_value=0, default=0)
    seats = serializers.IntegerField(min_value=1)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class CourseCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=NOTE_MAX)


@extend_schema_view(
    list=extend_schema(summary="Training courses of my area", responses={200: TrainingCourseSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="A training course", responses={200: TrainingCourseSerializer, **ERRORS}),
)
class StaffCourseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """Staff read the courses of their subtree; editors of the district (or city) manage them."""

    model = TrainingCourse
    serializer_class = TrainingCourseSerializer
    filterset_class = StaffCourseFilter
    lookup_value_regex = r"\d+"

    def get_base_queryset(self):
        return course_staff_base()

    def _fresh(self, course) -> TrainingCourse:
        return get_object_or_404(self.get_queryset(), pk=course.pk)

    @extend_schema(summary="Write a course as a draft", request=TrainingCourseWriteSerializer,
                   responses={201: TrainingCourseSerializer, **ERRORS})
    def create(self, request):
        data = TrainingCourseWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        course = services.course_create(actor=request.user, **data.validated_data)
        return Response(TrainingCourseSerializer(self._fresh(course)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Change a course", request=TrainingCourseWriteSerializer,
                   responses={200: TrainingCourseSerializer, **ERRORS})
    def update(self, request, pk=None):
        course = self.get_object()
        data = TrainingCourseWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        course = services.course_update(actor=request.user, course=course, **data.validated_data)
        return Response(TrainingCourseSerializer(self._fresh(course)).data)

    @extend_schema(summary="Publish a course", request=None, responses={200: TrainingCourseSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        course = services.course_publish(actor=request.user, course=self.get_object())
        return Response(TrainingCourseSerializer(self._fresh(course)).data)

    @extend_schema(summary="Cancel a course, with a reason", request=CourseCancelSerializer,
                   responses={200: TrainingCourseSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        course = self.get_object()
        data = CourseCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        course = services.course_cancel(actor=request.user, course=course, **data.validated_data)
        return Response(TrainingCourseSerializer(self._fresh(course)).data)
