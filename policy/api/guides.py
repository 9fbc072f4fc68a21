"""Service guide API: the public guides (with the window for an area), and the staff endpoints where
city staff write guides and district staff keep their windows."""

from __future__ import annotations

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

from policy.constants import STEP_DETAIL_MAX, STEP_TITLE_MAX, WORKING_DAYS_MAX, Service
from policy.forms import GuideForm, WindowAreaForm, WindowForm
from policy.models import ServiceGuide, ServiceWindow
from policy.selectors.guides import (
    guide_list,
    guide_public_detail,
    guide_staff_base,
    public_guides,
    window_for,
    window_staff_base,
)
from policy.services import guides as services
from portal.api_base import ERRORS, PUBLIC_ERRORS, AreaBriefSerializer, raise_form_errors
from portal.api_forms import FormActionMixin, form_schema
from portal.scoped_views import ScopedModelViewSet, scope_exempt


class GuideStepSerializer(serializers.Serializer):
    """One step of a service's process (the service checks the limits)."""

    title = serializers.CharField(max_length=STEP_TITLE_MAX)
    detail = serializers.CharField(max_length=STEP_DETAIL_MAX, required=False, allow_blank=True, default="")
    days = serializers.IntegerField(min_value=0, max_value=WORKING_DAYS_MAX, default=0,
                                    help_text="Working days this step takes.")


class ServiceWindowSerializer(serializers.ModelSerializer):
    area = AreaBriefSerializer(read_only=True)

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
        form = WindowAreaForm(request.query_params)
        if not form.is_valid():
            raise_form_errors(form)
        guide.answer = window_for(fetched_by=request.user, area=form.cleaned_data["area"], service=guide.service)
        return Response(ServiceGuideDetailSerializer(guide).data)


# Request bodies for the schema, built from the forms that read them.
ServiceGuideWriteSerializer = form_schema(GuideForm, "ServiceGuideWriteSerializer", extra={
    "steps": GuideStepSerializer(many=True),
    "service": serializers.ChoiceField(choices=Service.choices, required=False,
                                       help_text="Required when creating; a guide keeps its service."),
    "materials": serializers.ListField(child=serializers.CharField(), required=False),
    "policy": serializers.CharField(required=False, help_text="Document number of the policy the service rests on.")})
ServiceWindowWriteSerializer = form_schema(WindowForm, "ServiceWindowWriteSerializer")


@extend_schema_view(
    list=extend_schema(summary="Service guides of my city", responses={200: ServiceGuideSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="A service guide", responses={200: ServiceGuideSerializer, **ERRORS}),
)
class StaffGuideViewSet(FormActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """City-level staff write the guides; other staff of the city read them."""

    model = ServiceGuide
    serializer_class = ServiceGuideSerializer
    lookup_value_regex = r"\d+"

    def get_base_queryset(self):
        return guide_staff_base()

    @extend_schema(summary="Write the guide of a service (city staff)", request=ServiceGuideWriteSerializer,
                   responses={201: ServiceGuideSerializer, **ERRORS})
    def create(self, request):
        # Not ``self.call``: the form's ``service`` field would meet call's own first argument.
        guide = services.guide_create(actor=request.user, **self.form_data(GuideForm, user=request.user))
        return self.answer(guide, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Change a guide, its service staying (city staff)", request=ServiceGuideWriteSerializer,
                   responses={200: ServiceGuideSerializer, **ERRORS})
    def update(self, request, pk=None):
        return self.call(services.guide_update, guide=self.get_object(),
                         **self.form_data(GuideForm, user=request.user, editing=True))


@extend_schema_view(
    list=extend_schema(summary="Service windows of my area", responses={200: ServiceWindowSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(summary="A service window", responses={200: ServiceWindowSerializer, **ERRORS}),
)
class StaffWindowViewSet(FormActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """Staff read the windows of their subtree; editors of the district (or city) keep them."""

    model = ServiceWindow
    serializer_class = ServiceWindowSerializer
    lookup_value_regex = r"\d+"

    def get_base_queryset(self):
        return window_staff_base()

    @extend_schema(summary="Write the window of an area (one per area; writing again changes it)",
                   request=ServiceWindowWriteSerializer, responses={200: ServiceWindowSerializer, **ERRORS})
    def create(self, request):
        return self.call(services.window_save, **self.form_data(WindowForm))

    @extend_schema(summary="Change a window (its area stays)", request=ServiceWindowWriteSerializer,
                   responses={200: ServiceWindowSerializer, **ERRORS})
    def update(self, request, pk=None):
        return self.call(services.window_save, area=self.get_object().area, **self.form_data(WindowForm, editing=True))
