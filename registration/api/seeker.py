"""The job seeker's own registration over the API: /api/registration/me/ (my person record,
registrations, hard-to-employ status and commitment), link my account, apply online."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api_base import ERRORS, THROTTLE_HEADERS, THROTTLED
from portal.api_forms import clean_with_form, form_schema
from portal.constants import AccountType
from portal.scoped_views import scope_exempt
from registration.api.persons import (
    AgencyServiceSerializer,
    EmploymentBriefSerializer,
    TrainingSerializer,
    UnemploymentBriefSerializer,
)
from registration.forms_persons import AccountLinkForm
from registration.forms_registrations import UnemploymentApplyForm
from registration.models import Person
from registration.selectors.persons import person_of_user, person_records
from registration.services import persons as person_services
from registration.services import registrations as registration_services


class IsJobSeeker(permissions.BasePermission):
    message = "This endpoint is for job seekers."

    def has_permission(self, request, view) -> bool:
        return request.user.is_authenticated and request.user.account_type == AccountType.JOB_SEEKER


class MyCommitmentSerializer(serializers.Serializer):
    status = serializers.CharField()
    starts_on = serializers.DateField()
    due_on = serializers.DateField()
    provisional = serializers.BooleanField()
    met_at = serializers.DateTimeField(allow_null=True)


class MyCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    approved_on = serializers.DateField(allow_null=True)
    ended_on = serializers.DateField(allow_null=True)
    end_reason = serializers.CharField()
    categories = serializers.SerializerMethodField()
    commitment = serializers.SerializerMethodField()

    def get_categories(self, case) -> list[str]:
        return [c.name for c in case.categories.all()]

    @extend_schema_field(MyCommitmentSerializer(allow_null=True))
    def get_commitment(self, case):
        commitment = getattr(case, "commitment", None) if _has(case, "commitment") else None
        return MyCommitmentSerializer(commitment).data if commitment else None


def _has(obj, name) -> bool:
    try:
        return getattr(obj, name) is not None
    except ObjectDoesNotExist:
        return False


class MyPersonSerializer(serializers.ModelSerializer):
    identity_number = serializers.CharField(source="id_masked")
    area_name = serializers.CharField(source="area.name")

    class Meta:
        model = Person
        fields = ["id", "name", "identity_number", "sex", "birth_date", "phone", "area_name", "education",
                  "employment_card_number"]


class MyRegistrationSerializer(serializers.Serializer):
    person = MyPersonSerializer(allow_null=True)
    unemployment_registrations = UnemploymentBriefSerializer(many=True)
    employment_registrations = EmploymentBriefSerializer(many=True)
    hardship_cases = MyCaseSerializer(many=True)
    trainings = TrainingSerializer(many=True)
    agency_services = AgencyServiceSerializer(many=True)


def my_registration(user) -> dict:
    person = person_of_user(fetched_by=user)
    if person is None:
        return {"person": None, "unemployment_registrations": [], "employment_registrations": [],
                "hardship_cases": [], "trainings": [], "agency_services": []}
    records = person_records(person=person, fetched_by=None)  # the reader's own records
    return {"person": person, "unemployment_registrations": records.unemployment,
            "employment_registrations": records.employment, "hardship_cases": records.cases,
            "trainings": records.trainings, "agency_services": records.agency_services}


@scope_exempt("The signed-in job seeker's own person record, found through their account.")
class MyRegistrationView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsJobSeeker]

    @extend_schema(summary="My registration record (person null until the account is linked)",
                   responses={200: MyRegistrationSerializer, **ERRORS})
    def get(self, request):
        return Response(MyRegistrationSerializer(my_registration(request.user)).data)


@scope_exempt("Links the signed-in job seeker's own account; matched by identity number and name.")
class MyAccountLinkView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsJobSeeker]

    @extend_schema(summary="Link my account to my person record (identity number and name)",
                   request=form_schema(AccountLinkForm, "AccountLink"),
                   responses={200: MyRegistrationSerializer, **ERRORS})
    def post(self, request):
        data = clean_with_form(AccountLinkForm, request.data)
        person_services.person_account_link(user=request.user, **data)
        return Response(MyRegistrationSerializer(my_registration(request.user)).data)


@scope_exempt("The signed-in job seeker applies for their own unemployment registration.")
class MyUnemploymentApplyView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsJobSeeker]
    throttle_scope = "registration"

    @extend_schema(summary="Apply online for unemployment registration (confirmed by my community's window)",
                   request=form_schema(UnemploymentApplyForm, "UnemploymentApply"), parameters=THROTTLE_HEADERS,
                   responses={201: UnemploymentBriefSerializer, **ERRORS, **THROTTLED})
    def post(self, request):
        data = clean_with_form(UnemploymentApplyForm, request.data)
        registration = registration_services.unemployment_apply_online(user=request.user, **data)
        return Response(UnemploymentBriefSerializer(registration).data, status=status.HTTP_201_CREATED)
