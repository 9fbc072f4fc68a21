"""Core API: the area tree, who am I, API tokens, staff role grants and the audit trail."""

from __future__ import annotations

from axes.helpers import get_credentials
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions, mixins, permissions, serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView
from rest_framework.viewsets import ReadOnlyModelViewSet

from portal import services
from portal.api_base import ERRORS, THROTTLE_HEADERS, THROTTLED, AreaBriefSerializer, AreaCodeField, ErrorSerializer
from portal.audit import client_ip
from portal.constants import StaffRole
from portal.filters import AreaFilter, AuditEventFilter, RoleGrantFilter
from portal.lockout import LoginLocked, login_unlock_at
from portal.models import Area, AuditEvent, RoleGrant, User
from portal.scoped_views import ScopedModelViewSet, ScopedReadOnlyViewSet, scope_exempt
from portal.selectors import (
    area_tree,
    user_active_grants,
    user_by_username,
)
from portal.throttling import ScopedThrottle


class AreaSerializer(serializers.ModelSerializer):
    has_children = serializers.BooleanField(read_only=True)

    class Meta:
        model = Area
        fields = ["code", "name", "level", "parent", "path", "has_children"]



@scope_exempt("The division tree is public reference data.")
@extend_schema_view(list=extend_schema(responses={200: AreaSerializer(many=True), 400: ErrorSerializer}),
                    retrieve=extend_schema(responses={200: AreaSerializer, 404: ErrorSerializer}))
class AreaViewSet(ReadOnlyModelViewSet):
    """The tier tree: browse by parent and level. Public."""

    serializer_class = AreaSerializer
    permission_classes = [permissions.AllowAny]
    filterset_class = AreaFilter
    lookup_field = "code"

    def get_queryset(self):
        return area_tree()

    def paginate_queryset(self, queryset):
        # A street can hold over 100 communities; the picker asks for them in one page.
        self.paginator.max_page_size = 500
        return super().paginate_queryset(queryset)


class MyGrantSerializer(serializers.ModelSerializer):
    area = AreaBriefSerializer(read_only=True)

    class Meta:
        model = RoleGrant
        fields = ["id", "role", "area", "valid_from", "valid_to"]


class MeSerializer(serializers.ModelSerializer):
    roles = serializers.ListField(child=serializers.CharField(), read_only=True)
    grants = MyGrantSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "phone", "account_type", "is_superuser", "roles", "grants"]


@scope_exempt("Answers about the signed-in user only.")
class MeView(APIView):
    """Who am I: account, roles and the areas I act on."""

    @extend_schema(responses={200: MeSerializer, 401: ErrorSerializer})
    def get(self, request):
        user = request.user
        grants = user_active_grants(user=user)
        user.grants = grants
        user.roles = sorted({user.account_type} - {"staff"} | {g.role for g in grants})
        return Response(MeSerializer(user).data)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


@scope_exempt("Issues a token to the user who proves their password.")
class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token (send it as `Authorization: Token …`).

    Failed attempts are audited. After repeated failures for the account or from the address, the
    endpoint answers 429 `login_locked` with the unlock time (and `Retry-After`) until the lock lifts,
    even for the right password. It is also throttled (429 `throttled`)."""

    parser_classes = api_settings.DEFAULT_PARSER_CLASSES  # ObtainAuthToken names DRF's JSON parser, without limits
    throttle_classes = [ScopedThrottle]  # ObtainAuthToken turns the default off
    throttle_scope = "token"

    @extend_schema(request=ObtainAuthToken.serializer_class, parameters=THROTTLE_HEADERS,
                   responses={200: TokenResponseSerializer, **ERRORS, **THROTTLED})
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            username = request.data.get("username", "") if hasattr(request.data, "get") else ""
            # Axes marks the request (the DRF request the serializer authenticated with) when this
            # failure reaches the limit, or when the account or address was locked already.
            locked_out = bool(getattr(request, "axes_locked_out", False))
            services.user_login_failed_record(username=username, ip_address=client_ip(request), channel="api",
                                              locked_out=locked_out)
            if locked_out:
                raise LoginLocked(login_unlock_at(request, get_credentials(username)))
            raise exceptions.ValidationError(serializer.errors)
        token = services.api_token_issue(user=serializer.validated_data["user"], ip_address=client_ip(request))
        return Response({"token": token})


class GrantUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "full_name"]


class RoleGrantSerializer(serializers.ModelSerializer):
    user = GrantUserSerializer(read_only=True)
    area = AreaBriefSerializer(read_only=True)
    granted_by = serializers.CharField(source="granted_by.username", read_only=True, default=None, allow_null=True)
    active = serializers.SerializerMethodField()

    class Meta:
        model = RoleGrant
        fields = ["id", "user", "role", "area", "valid_from", "valid_to", "granted_by", "created_at",
                  "revoked_at", "active"]

    def get_active(self, grant) -> bool:
        return grant.is_active()


class RoleGrantCreateSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=StaffRole.choices)
    area = AreaCodeField()
    valid_from = serializers.DateField(required=False)
    valid_to = serializers.DateField(required=False, allow_null=True)

    def validate_username(self, value):
        user = user_by_username(username=value)
        if user is None:
            raise serializers.ValidationError(_("No account has this username."), code="unknown_user")
        return user


@extend_schema_view(
    list=extend_schema(responses={200: RoleGrantSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: RoleGrantSerializer, **ERRORS}),
)
class RoleGrantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """Staff role grants in the administrator's subtree."""

    queryset = RoleGrant.objects.select_related("user", "area", "granted_by")
    serializer_class = RoleGrantSerializer
    filterset_class = RoleGrantFilter
    scope_roles = [StaffRole.ADMINISTRATOR]

    @extend_schema(request=RoleGrantCreateSerializer, responses={201: RoleGrantSerializer, **ERRORS})
    def create(self, request):
        data = RoleGrantCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grant = services.role_grant_create(
            actor=request.user, user=data.validated_data["username"], role=data.validated_data["role"],
            area=data.validated_data["area"], valid_from=data.validated_data.get("valid_from"),
            valid_to=data.validated_data.get("valid_to"))
        return Response(RoleGrantSerializer(grant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: RoleGrantSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        grant = services.role_grant_revoke(actor=request.user, grant=self.get_object())
        return Response(RoleGrantSerializer(grant).data)


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, default=None)

    class Meta:
        model = AuditEvent
        fields = ["id", "event_type", "kind", "occurred_at", "actor", "object_type", "object_id", "object_repr",
                  "area", "old_values", "new_values"]


@extend_schema_view(
    list=extend_schema(responses={200: AuditEventSerializer(many=True), **ERRORS}),
    retrieve=extend_schema(responses={200: AuditEventSerializer, **ERRORS}),
)
class AuditEventViewSet(ScopedReadOnlyViewSet):
    """The audit trail of the administrator's subtree (read-only)."""

    queryset = AuditEvent.objects.select_related("actor")
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter
    scope_roles = [StaffRole.ADMINISTRATOR]


@scope_exempt("The OpenAPI schema describes endpoints, not records.")
class SchemaView(SpectacularAPIView):
    permission_classes = [permissions.AllowAny]


@scope_exempt("API documentation page, served from local assets.")
class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar; its start-up script is a second request (``?script``), not inline,
    so the page runs under the portal's strict Content-Security-Policy."""

    permission_classes = [permissions.AllowAny]
    template_name = "portal/api_docs.html"
