"""API of subsidy programmes: the public list with who qualifies and how much (``/api/subsidies/
programmes/``) and the staff API where city-level staff create programmes and save versions
(``/api/staff/subsidies/programmes/``). Programmes are addressed by their code; parameters are given
and answered as stored (amounts in fen, shares such as "2/3"), checked by the services with every bad
key named ``parameters.<key>``."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from portal.api_base import ERRORS, PUBLIC_ERRORS
from portal.api_forms import FormActionMixin, form_schema
from portal.scoped_views import ScopedModelViewSet, scope_exempt
from subsidies.forms_programmes import ProgrammeApiForm, VersionApiForm
from subsidies.models import Programme, ProgrammeVersion
from subsidies.selectors.programmes import programme_annotate, programme_staff_base, programmes_public
from subsidies.services import programmes as services


class ParameterLineSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField()


class VersionSerializer(serializers.ModelSerializer):
    in_words = ParameterLineSerializer(source="lines", many=True, read_only=True)
    applications = serializers.IntegerField(source="used", read_only=True, default=0)

    class Meta:
        model = ProgrammeVersion
        fields = ["number", "effective_from", "parameters", "source", "created_at", "in_words", "applications"]


class SummarySerializer(serializers.Serializer):
    who = serializers.CharField()
    how = serializers.CharField()


class PolicyBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    document_number = serializers.CharField()


class PublicProgrammeSerializer(serializers.ModelSerializer):
    summary = SummarySerializer(read_only=True)
    current = VersionSerializer(read_only=True)
    policy_document = PolicyBriefSerializer(source="document", read_only=True, allow_null=True)

    class Meta:
        model = Programme
        fields = ["code", "name", "kind", "description", "summary", "current", "policy_document"]


@scope_exempt("Public subsidy programmes.")
@extend_schema_view(list=extend_schema(responses={200: PublicProgrammeSerializer(many=True), **PUBLIC_ERRORS}),
                    retrieve=extend_schema(responses={200: PublicProgrammeSerializer, **PUBLIC_ERRORS}))
class ProgrammeViewSet(viewsets.ViewSet):
    """Open programmes: who qualifies and how much, from the version in force today."""

    permission_classes = [AllowAny]
    lookup_field = "code"
    lookup_value_regex = r"[a-z0-9-]{1,40}"

    def list(self, request):
        rows = programmes_public(fetched_by=request.user)
        return Response(PublicProgrammeSerializer(rows, many=True).data)

    def retrieve(self, request, code=None):
        found = next((p for p in programmes_public(fetched_by=request.user) if p.code == code), None)
        if found is None:
            raise Http404(_("Not found."))
        return Response(PublicProgrammeSerializer(found).data)


class StaffProgrammeSerializer(serializers.ModelSerializer):
    versions = VersionSerializer(source="version_list", many=True, read_only=True)
    policy_document = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = Programme
        fields = ["code", "name", "kind", "description", "policy_document", "active", "versions"]


ProgrammeInput = form_schema(ProgrammeApiForm, "SubsidyProgrammeInput",
                             extra={"parameters": serializers.DictField(help_text="Amounts in fen, shares \"2/3\".")})
VersionInput = form_schema(VersionApiForm, "SubsidyProgrammeVersionInput",
                           extra={"parameters": serializers.DictField(help_text="Amounts in fen, shares \"2/3\".")})


@extend_schema_view(list=extend_schema(responses={200: StaffProgrammeSerializer(many=True), **ERRORS}),
                    retrieve=extend_schema(responses={200: StaffProgrammeSerializer, **ERRORS}))
class StaffProgrammeViewSet(FormActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    """Programmes with every version (parameters as stored and in words, applications that used it).
    City-level officials and administrators create programmes and save new versions."""

    model = Programme
    serializer_class = StaffProgrammeSerializer
    lookup_field = "code"
    lookup_value_regex = r"[a-z0-9-]{1,40}"

    def get_base_queryset(self):
        return programme_staff_base()

    def get_object(self):
        return programme_annotate(super().get_object())

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        for programme in page:
            programme_annotate(programme)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _fresh(self, programme):
        fresh = programme_annotate(self.get_queryset().get(pk=programme.pk))
        return Response(self.get_serializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProgrammeInput, responses={201: StaffProgrammeSerializer, **ERRORS})
    def create(self, request):
        data = self.form_data(ProgrammeApiForm)
        programme = services.programme_create(actor=request.user, **data)
        return self._fresh(programme)

    @extend_schema(request=VersionInput, responses={201: StaffProgrammeSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def versions(self, request, code=None):
        programme = self.get_object()
        services.programme_version_save(actor=request.user, programme=programme, **self.form_data(VersionApiForm))
        return self._fresh(programme)
