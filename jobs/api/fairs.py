"""Job fair API: the public listing with sign-up, joining, slots and booking, and the staff
endpoints that organise fairs. Errors use the one format of portal/api_base.py."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from jobs.api.codes import AreaCodeMixin
from jobs.constants import DESCRIPTION_MAX, FairTargetGroup
from jobs.forms_fairs import FairPublicFilter, StaffFairFilter
from jobs.models import FairParticipation, FairSignup, InterviewSlot, JobFair, Vacancy
from jobs.selectors.fairs import (
    fair_free_slots,
    fair_public_get,
    fair_public_list,
    fair_public_participants,
    fair_staff_base,
    fair_staff_participations,
    industry_by_code,
    interview_slot_get,
    my_interview_slots,
    vacancies_by_ids,
)
from jobs.services import fairs as services
from jobs.services.fairs import FAIR_STAFF_ROLES, FAIR_TITLE_MAX, MEETING_LINK_MAX, VENUE_MAX
from portal.api_base import ErrorSerializer
from portal.scoped_views import ScopedModelViewSet, scope_exempt

ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}
READ_ERRORS = {404: ErrorSerializer}

# --- Serializers (output) ---------------------------------------------------------------------


class FairVacancySerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)

    class Meta:
        model = Vacancy
        fields = ["id", "title", "headcount", "salary_min", "salary_max", "education", "area", "area_name",
                  "closing_date"]


class FairEmployerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class FairParticipantSerializer(serializers.ModelSerializer):
    employer = FairEmployerSerializer(read_only=True)
    vacancies = FairVacancySerializer(source="public_vacancies", many=True, read_only=True)

    class Meta:
        model = FairParticipation
        fields = ["id", "employer", "booth", "vacancies"]


class FairSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True, default=None)
    employer_count = serializers.IntegerField(read_only=True)
    vacancy_count = serializers.IntegerField(read_only=True)
    signup_count = serializers.IntegerField(read_only=True)
    places_left = serializers.SerializerMethodField()

    class Meta:
        model = JobFair
        fields = ["id", "title", "status", "starts_at", "ends_at", "venue", "is_online", "target_group", "industry",
                  "industry_name", "description", "capacity", "area", "area_name", "employer_count",
                  "vacancy_count", "signup_count", "places_left"]

    def get_places_left(self, fair) -> int | None:
        return None if fair.capacity is None else max(fair.capacity - fair.signup_count, 0)


class FairDetailSerializer(FairSerializer):
    participants = FairParticipantSerializer(many=True, read_only=True)

    class Meta(FairSerializer.Meta):
        fields = [*FairSerializer.Meta.fields, "participants"]


class FreeSlotSerializer(serializers.ModelSerializer):
    """A free slot as anyone sees it: the meeting link is only for the job seeker who books it."""

    employer = FairEmployerSerializer(source="participation.employer", read_only=True)
    vacancy_title = serializers.CharField(source="vacancy.title", read_only=True, default=None)

    class Meta:
        model = InterviewSlot
        fields = ["id", "starts_at", "minutes", "employer", "vacancy", "vacancy_title"]


class SlotFairSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class MySlotSerializer(serializers.ModelSerializer):
    """A slot as its employer or the job seeker who booked it sees it, with the meeting link."""

    fair = SlotFairSerializer(source="participation.fair", read_only=True)
    employer = FairEmployerSerializer(source="participation.employer", read_only=True)
    vacancy_title = serializers.CharField(source="vacancy.title", read_only=True, default=None)
    booked_by_name = serializers.CharField(source="booked_by.account.display_name", read_only=True, default=None)

    class Meta:
        model = InterviewSlot
        fields = ["id", "fair", "employer", "starts_at", "minutes", "meeting_link", "vacancy", "vacancy_title",
                  "booked_by_name", "booked_at"]


class SignupSerializer(serializers.ModelSerializer):
    class Meta:
        model = FairSignup
        fields = ["id", "fair", "signed_up_at"]


class ParticipationSerializer(serializers.ModelSerializer):
    class Meta:
        model = FairParticipation
        fields = ["id", "fair", "employer", "vacancies"]


# --- Serializers (input) ----------------------------------------------------------------------


class JoinRequestSerializer(serializers.Serializer):
    vacancies = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=100,
                                      help_text="Ids of your published vacancies to bring to the fair.")


class SlotOfferRequestSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    minutes = serializers.IntegerField(default=20)
    meeting_link = serializers.CharField(max_length=MEETING_LINK_MAX, help_text="An https:// meeting address.")
    vacancy = serializers.IntegerField(required=False, allow_null=True,
                                       help_text="One of the vacancies you brought to the fair.")


class FairWriteSerializer(AreaCodeMixin, serializers.Serializer):
    title = serializers.CharField(max_length=FAIR_TITLE_MAX)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    venue = serializers.CharField(max_length=VENUE_MAX, required=False, allow_blank=True, default="")
    is_online = serializers.BooleanField(required=False, default=False)
    target_group = serializers.ChoiceField(choices=FairTargetGroup.choices, default=FairTargetGroup.GENERAL)
    industry = serializers.CharField(max_length=1, required=False, allow_null=True, allow_blank=True, default=None,
                                     help_text="GB/T 4754 section letter; required for an industry fair.")
    description = serializers.CharField(max_length=DESCRIPTION_MAX, required=False, allow_blank=True, default="")
    capacity = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    area = serializers.CharField(max_length=12, help_text="Division code of the organising city, district or street.")

    def validate_industry(self, value):
        if not value:
            return None
        industry = industry_by_code(code=value)
        if industry is None:
            raise serializers.ValidationError(_("Unknown industry section."), code="unknown_industry")
        return industry


class StaffFairSerializer(FairSerializer):
    organised_by = serializers.CharField(source="organised_by.username", read_only=True)

    class Meta(FairSerializer.Meta):
        fields = [*FairSerializer.Meta.fields, "organised_by"]


class StaffParticipantSerializer(serializers.ModelSerializer):
    employer = FairEmployerSerializer(read_only=True)
    vacancies = FairVacancySerializer(many=True, read_only=True)
    slot_count = serializers.IntegerField(read_only=True)
    booked_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = FairParticipation
        fields = ["id", "employer", "booth", "vacancies", "slot_count", "booked_count"]


class StaffFairDetailSerializer(StaffFairSerializer):
    participants = StaffParticipantSerializer(many=True, read_only=True)

    class Meta(StaffFairSerializer.Meta):
        fields = [*StaffFairSerializer.Meta.fields, "participants"]


class CancelRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


# --- Public viewsets --------------------------------------------------------------------------


@scope_exempt("Public job fairs; sign-up, join, slots and booking act for the signed-in user's own account only.")
@extend_schema_view(
    list=extend_schema(summary="Published job fairs (upcoming by default; when=past for past ones)",
                       responses={200: FairSerializer(many=True), 400: ErrorSerializer}),
    retrieve=extend_schema(summary="A published job fair with its employers and their public vacancies",
                           responses={200: FairDetailSerializer, **READ_ERRORS}),
)
class FairViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = FairSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filterset_class = FairPublicFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return fair_public_list(fetched_by=self.request.user)

    def get_object(self) -> JobFair:
        fair = fair_public_get(fetched_by=self.request.user, pk=int(self.kwargs["pk"]))
        if fair is None:
            raise Http404
        return fair

    def retrieve(self, request, pk=None):
        fair = self.get_object()
        fair.participants = fair_public_participants(fair=fair, fetched_by=request.user)
        return Response(FairDetailSerializer(fair).data)

    @extend_schema(summary="Sign up for a fair (job seeker)", request=None,
                   responses={201: SignupSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def signup(self, request, pk=None):
        signup = services.fair_sign_up(actor=request.user, fair=self.get_object())
        return Response(SignupSerializer(signup).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Join a fair with some of your published vacancies (verified employer)",
                   request=JoinRequestSerializer, responses={201: ParticipationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def join(self, request, pk=None):
        fair = self.get_object()
        data = JoinRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data["vacancies"]
        vacancies = vacancies_by_ids(ids=ids, fetched_by=request.user)
        if len(vacancies) != len(set(ids)):
            raise serializers.ValidationError(
                {"vacancies": [serializers.ErrorDetail(_("Some of these vacancies do not exist."), code="unknown")]})
        participation = services.fair_join(actor=request.user, fair=fair, vacancies=vacancies)
        return Response(ParticipationSerializer(participation).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], summary="Free interview slots of a fair (without meeting links)",
                   request=None, responses={200: FreeSlotSerializer(many=True), **READ_ERRORS})
    @extend_schema(methods=["POST"], summary="Offer an interview slot (participating employer)",
                   request=SlotOfferRequestSerializer, responses={201: MySlotSerializer, **ERRORS})
    @action(detail=True, methods=["get", "post"], filterset_class=None)
    def slots(self, request, pk=None):
        fair = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(fair_free_slots(fair=fair, fetched_by=request.user))
            return self.get_paginated_response(FreeSlotSerializer(page, many=True).data)
        data = SlotOfferRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vacancy = None
        if data.validated_data.get("vacancy"):
            found = vacancies_by_ids(ids=[data.validated_data["vacancy"]], fetched_by=request.user)
            if not found:
                raise serializers.ValidationError(
                    {"vacancy": [serializers.ErrorDetail(_("This vacancy does not exist."), code="unknown")]})
            vacancy = found[0]
        slot = services.interview_slot_offer(
            actor=request.user, fair=fair, starts_at=data.validated_data["starts_at"],
            minutes=data.validated_data["minutes"], meeting_link=data.validated_data["meeting_link"], vacancy=vacancy)
        return Response(MySlotSerializer(slot).data, status=status.HTTP_201_CREATED)


@scope_exempt("Interview slots of the signed-in job seeker (booked) or employer (offered) only.")
@extend_schema_view(
    list=extend_schema(summary="My interview slots: booked (job seeker) or offered (employer), with links",
                       responses={200: MySlotSerializer(many=True), 401: ErrorSerializer}),
)
class SlotViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = MySlotSerializer
    permission_classes = [permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return my_interview_slots(fetched_by=self.request.user)

    @extend_schema(summary="Book a free interview slot (job seeker signed up for the fair)", request=None,
                   responses={200: MySlotSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def book(self, request, pk=None):
        slot = interview_slot_get(pk=int(pk), fetched_by=request.user)
        if slot is None:
            raise Http404
        slot = services.interview_slot_book(actor=request.user, slot=slot)
        return Response(MySlotSerializer(slot).data)


# --- Staff viewset ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Job fairs in my jurisdiction", responses={200: StaffFairSerializer(many=True),
                                                                          **ERRORS}),
    retrieve=extend_schema(summary="A fair with its participants and counts",
                           responses={200: StaffFairDetailSerializer, **ERRORS}),
)
class StaffFairViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedModelViewSet):
    model = JobFair
    scope_roles = FAIR_STAFF_ROLES
    serializer_class = StaffFairSerializer
    filterset_class = StaffFairFilter
    lookup_value_regex = r"\d+"

    def get_base_queryset(self):
        return fair_staff_base()

    def _fresh(self, fair: JobFair) -> JobFair:
        return get_object_or_404(self.get_queryset(), pk=fair.pk)

    def retrieve(self, request, pk=None):
        fair = self.get_object()
        fair.participants = fair_staff_participations(fair=fair, fetched_by=request.user)
        return Response(StaffFairDetailSerializer(fair).data)

    @extend_schema(summary="Draft a fair", request=FairWriteSerializer, responses={201: StaffFairSerializer, **ERRORS})
    def create(self, request):
        data = FairWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fair = services.fair_create(actor=request.user, **data.validated_data)
        return Response(StaffFairSerializer(self._fresh(fair)).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Change a draft fair", request=FairWriteSerializer,
                   responses={200: StaffFairSerializer, **ERRORS})
    def update(self, request, pk=None, partial=False):
        fair = self.get_object()
        data = FairWriteSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        current = {name: getattr(fair, name) for name in FairWriteSerializer().fields}
        fair = services.fair_update(actor=request.user, fair=fair, **{**current, **data.validated_data})
        return Response(StaffFairSerializer(self._fresh(fair)).data)

    @extend_schema(summary="Change some fields of a draft fair", request=FairWriteSerializer,
                   responses={200: StaffFairSerializer, **ERRORS})
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    @extend_schema(summary="Publish a draft fair", request=None, responses={200: StaffFairSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        fair = services.fair_publish(actor=request.user, fair=self.get_object())
        return Response(StaffFairSerializer(self._fresh(fair)).data)

    @extend_schema(summary="Cancel a fair", request=CancelRequestSerializer,
                   responses={200: StaffFairSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        fair = self.get_object()
        data = CancelRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fair = services.fair_cancel(actor=request.user, fair=fair, reason=data.validated_data["reason"])
        return Response(StaffFairSerializer(self._fresh(fair)).data)
