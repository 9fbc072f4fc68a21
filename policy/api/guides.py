"""Service guide API: the public guides (with the window for an area), and the staff endpoints where
city staff write guides and district staff keep their windows."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import (
    exceptions,
    mixins,
    permissions,
    serializers,
    status,
    viewsets,
)
from rest_framework.response import Response

from policy.api.common import ERRORS, PUBLIC_ERRORS, AreaCodeField, PolicyAreaSerializer
from policy.constants import NUMBER_MAX, TITLE_MAX, WORKING_DAYS_MAX, Service
from policy.models import ServiceGuide, ServiceWindow
from policy.selectors.documents import relation_target_by_number
from policy.selectors.guides import (
    guide_list,
    guide_public_detail,
    guide_staff_base,
    public_guides,
    window_for,
    window_staff_base,
)
from policy.services import guides as services
from portal.scoped_views import ScopedModelViewSet, scope_exempt
from portal.selectors import area_by_code


class GuideStepSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    detail = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    days = serializers.IntegerField(min_value=0, max_value=WORKING_DAYS_MAX, default=0,
                                    help_text="Working days this step takes.")


class ServiceWindowSerializer(serializers.ModelSerializer):
    area = PolicyAreaSerializer(read_only=True)

    class Meta:
        model = ServiceWindow
        fields = ["id", "area", "name", "address", "phone", "hours", "services", "updated_at"]


class ServiceGuideSerializer(serializers.ModelSerializer):
    steps = GuideStepSerializer(many=True)
    policy = serializers.SerializerMethodField(help_text="The policy document the service rests on (published).")

    class Meta:
        model = ServiceGuide
        fields = ["id", "service", "title", "summary", "eligibility", "materials", "steps", "time_limit_days",
                  "fees", "policy", "updated_at"]

    def get_policy(self, guide) -> int | None:
        return guide.policy_id if guide.policy_id and guide.policy.published_version_id else None


class ServiceWindowAnswerSerializer(serializers.Serializer):
    window = ServiceWindowSerializer(allow_null=True)
    fallback = serializers.BooleanField(help_text="True when the window belongs to an area above the one asked.")


class ServiceGuideDetailSerializer(ServiceGuideSerializer):
    window_for_area = serializers.SerializerMethodField(
        help_text="With ?area=CODE: the window serving that area for this service.")

    class Meta(ServiceGuideSerializer.Meta):
        fields = [*ServiceGuideSerializer.Meta.fields, "window_for_area"]

    @extend_schema_field(ServiceWindowAnswerSerializer(allow_null=True))
    def get_window_for_area(self, guide) -> dict | None:
        answer = getattr(guide, "answer", None)
        if answer is None or answer.area is None:
            return None
        return {"window": ServiceWindowSerializer(answer.window).data if answer.window else None,
                "fallback": answer.fallback}


@scope_exempt("Public service guides and the service window of an area.")
@extend_schema_view(
    list=extend_schema(summary="Service guides", responses={200: ServiceGuideSerializer(many=True), **PUBLIC_ERRORS}),
    retrieve=extend_schema(summary="A service guide, with the window for ?area=CODE",
                           parameters=[OpenApiParameter("service", str, OpenApiParameter.PATH, enum=Service.values),
                                       OpenApiParameter("area", str, description="A division code of the reader's "
                                                                                 "district, street or community.")],
                           responses={200: ServiceGuideDetailSerializer, **PUBLIC_ERRORS}),
)
class GuideViewSet(viewsets.GenericViewSet):
    serializer_class = ServiceGuideSerializer
    permission_classes = [permissions.AllowAny]
    lookup_field = "service"
    lookup_value_regex = r"[a-z_]+"
    pagination_class = None

    def get_queryset(self):
        return public_guides()

    def list(self, request):
        return Response(ServiceGuideSerializer(guide_list(fetched_by=request.user), many=True).data)

    def retrieve(self, request, service=None):
        if service not in Service.values:
            raise exceptions.NotFound(_("Not found."))
        guide = guide_public_detail(fetched_by=request.user, service=service)
        code = request.query_params.get("area")
        area = area_by_code(code=code) if code else None
        if code and area is None:
            raise exceptions.ValidationError({"area": [exceptions.ErrorDetail(_("Unknown division code."),
                                                                              code="unknown_area")]})
        guide.answer = window_for(fetched_by=request.user, area=area, service=guide.service)
        return Response(ServiceGuideDetailSerializer(guide).data)


class ServiceGuideWriteSerializer(serializers.Serializer):
    service = serializers.ChoiceField(choices=Service.choices, required=False,
                                      help_text="Required when creating; a guide keeps its service.")
    title = serializers.CharField(max_length=TITLE_MAX)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    eligibility = serializers.CharField()
    materials = serializers.ListField(child=serializers.CharField(max_length=200), required=False, default=list)
    steps = GuideStepSerializer(many=True)
    time_limit_days = serializers.IntegerField(min_value=1, max_value=WORKING_DAYS_MAX)
    fees = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    policy = serializers.CharField(max_length=NUMBER_MAX, required=False, allow_blank=True, default="",
                                   help_text="Document number of the policy the service rests on.")

    def validate_policy(self, value):
        if not value:
            return None
        document = relation_target_by_number(number=value, fetched_by=self.context.get("user"))
        if document is None:
            raise serializers.ValidationError(_("No document has the number %(number)s.") % {"number": value},
                                              code="unknown")
        return document


@extend_schema_view(
    list=extend_schema(summary="Service guides of my city", responses={200: ServiceGuideSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="A service guide", responses={200: ServiceGuideSerializer, **ERRORS}),
)
class StaffGuideViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """City-level staff write the guides; other staff of the city read them."""

    model = ServiceGuide
    serializer_class = ServiceGuideSerializer
    lookup_value_regex = r"\d+"

    def get_base_queryset(self):
        return guide_staff_base()

    @extend_schema(summary="Write the guide of a service (city staff)", request=ServiceGuideWriteSerializer,
                   responses={201: ServiceGuideSerializer, **ERRORS})
    def create(self, request):
        data = ServiceGuideWriteSerializer(data=request.data, context={"user": request.user})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if not values.get("service"):
            raise exceptions.ValidationError({"service": [exceptions.ErrorDetail(_("Choose a service."),
                                                                                 code="required")]})
        guide = services.guide_create(actor=request.user, **values)
        return Response(ServiceGuideSerializer(guide).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Change a guide (city staff)", request=ServiceGuideWriteSerializer,
                   responses={200: ServiceGuideSerializer, **ERRORS})
    def update(self, request, pk=None):
        guide = self.get_object()
        data = ServiceGuideWriteSerializer(data=request.data, context={"user": request.user})
        data.is_valid(raise_exception=True)
        values = {k: v for k, v in data.validated_data.items() if k != "service"}
        guide = services.guide_update(actor=request.user, guide=guide, **values)
        return Response(ServiceGuideSerializer(guide).data)


class ServiceWindowWriteSerializer(serializers.Serializer):
    area = AreaCodeField(help_text="Division code of the district, street or community.")
    name = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=200)
    phone = serializers.CharField(max_length=40)
    hours = serializers.CharField(max_length=200)
    services = serializers.ListField(child=serializers.ChoiceField(choices=Service.choices), required=False,
                                     default=list, help_text="Empty: every service.")


@extend_schema_view(
    list=extend_schema(summary="Service windows of my area", responses={200: ServiceWindowSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="A service window", responses={200: ServiceWindowSerializer, **ERRORS}),
)
class StaffWindowViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """Staff read the windows of their subtree; editors of the district (or city) keep them."""

    model = ServiceWindow
    serializer_class = ServiceWindowSerializer
    lookup_value_regex = r"\d+"

    def get_base_queryset(self):
        return window_staff_base()

    @extend_schema(summary="Write the window of an area (one per area; writing again changes it)",
                   request=ServiceWindowWriteSerializer, responses={200: ServiceWindowSerializer, **ERRORS})
    def create(self, request):
        data = ServiceWindowWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        window = services.window_save(actor=request.user, **data.validated_data)
        return Response(ServiceWindowSerializer(window).data)

    @extend_schema(summary="Change a window (its area stays)", request=ServiceWindowWriteSerializer,
                   responses={200: ServiceWindowSerializer, **ERRORS})
    def update(self, request, pk=None):
        window = self.get_object()
        data = ServiceWindowWriteSerializer(data={**request.data, "area": window.area_id})
        data.is_valid(raise_exception=True)
        window = services.window_save(actor=request.user, **data.validated_data)
        return Response(ServiceWindowSerializer(get_object_or_404(self.get_queryset(), pk=window.pk)).data)
