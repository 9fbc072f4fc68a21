"""Ledger API for staff: the rows of a ledger (area and date) with the counts the overview shows,
and the CSV/XLSX export (audited; masked numbers unless whole ones are asked for)."""

from __future__ import annotations

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.decorators import action

from portal.api_base import ERRORS
from portal.api_forms import clean_with_form, form_schema
from portal.audit import client_ip
from portal.scoped_views import ScopedModelViewSet
from registration.constants import EmploymentKind
from registration.exports import csv_stream, ledger_header, ledger_rows, ledger_title, xlsx_file
from registration.forms_registrations import LedgerExportForm, LedgerForm
from registration.models import UnemploymentRegistration
from registration.selectors.ledger import ledger_counts, staff_home_area
from registration.selectors.ledger import ledger_rows as ledger_queryset
from registration.services.persons import personal_data_export_record


class LedgerRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The unemployment registration or hard-to-employ case.")
    person = serializers.IntegerField(source="person_id")
    name = serializers.CharField(source="person.name")
    identity_number = serializers.CharField(source="person.id_masked")
    sex = serializers.CharField(source="person.sex")
    birth_date = serializers.DateField(source="person.birth_date")
    phone = serializers.CharField(source="person.phone")
    area = serializers.CharField(source="area.code")
    area_name = serializers.CharField(source="area.name")
    since = serializers.SerializerMethodField(help_text="Registered on, or approved on.")

    def get_since(self, record) -> str | None:
        day = getattr(record, "registered_on", None) or getattr(record, "approved_on", None)
        return day.isoformat() if day else None


class NewEmploymentSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EmploymentKind.choices)
    count = serializers.IntegerField()


class LedgerCountsSerializer(serializers.Serializer):
    area = serializers.CharField(source="area.code")
    on_date = serializers.DateField()
    unemployed = serializers.IntegerField()
    hard_to_employ = serializers.IntegerField()
    new_employment = serializers.IntegerField(help_text="Employment started this month up to the date.")
    new_employment_by_kind = serializers.SerializerMethodField()

    def get_new_employment_by_kind(self, counts) -> list[dict]:
        return NewEmploymentSerializer([{"kind": k, "count": n} for k, n in counts.new_employment_by_kind.items()],
                                       many=True).data


@extend_schema_serializer(many=False)  # already a page: the list view's answer is not a list of these
class LedgerPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    counts = LedgerCountsSerializer()
    results = LedgerRowSerializer(many=True)


class StaffLedgerViewSet(ScopedModelViewSet):
    """The real-name ledgers of an area in the reader's jurisdiction."""

    model = UnemploymentRegistration
    # What a ledger row looks like, for OPTIONS (the metadata asks every viewset for a serializer).
    serializer_class = LedgerRowSerializer

    def _params(self, form_class, data):
        values = clean_with_form(form_class, data, user=self.request.user)
        area = values.get("area") or staff_home_area(fetched_by=self.request.user)
        return values, values["kind"], area, values.get("on") or timezone.localdate()

    @extend_schema(summary="A ledger's rows (masked numbers) and the counts of the area on the date",
                   parameters=[form_schema(LedgerForm, "LedgerQuery", form_kwargs={"user": None})],
                   responses={200: LedgerPageSerializer, **ERRORS})
    def list(self, request):
        _values, kind, area, on_date = self._params(LedgerForm, request.query_params)
        rows = ledger_queryset(fetched_by=request.user, kind=kind, area=area, on_date=on_date)
        page = self.paginate_queryset(rows)
        response = self.get_paginated_response(LedgerRowSerializer(page, many=True).data)
        counts = ledger_counts(fetched_by=request.user, area=area, on_date=on_date)
        response.data["counts"] = LedgerCountsSerializer(counts).data
        return response

    @extend_schema(summary="Export a ledger as CSV or XLSX (audited)",
                   request=form_schema(LedgerExportForm, "LedgerExport", form_kwargs={"user": None}),
                   responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
                              (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                                  OpenApiResponse(OpenApiTypes.BINARY), **ERRORS})
    @action(detail=False, methods=["post"])
    def export(self, request):
        values, kind, area, on_date = self._params(LedgerExportForm, request.data)
        full_numbers, file_format = values["full_numbers"], values["file_format"] or "csv"
        queryset = ledger_queryset(fetched_by=request.user, kind=kind, area=area, on_date=on_date)
        personal_data_export_record(actor=request.user, area=area, ledger=kind, on_date=on_date,
                                    file_format=file_format, full_numbers=full_numbers, ip_address=client_ip(request))
        name = f"ledger-{kind}-{area.code}-{on_date:%Y%m%d}"
        rows = ledger_rows(kind, queryset, full_numbers=full_numbers)
        if file_format == "xlsx":
            response = FileResponse(xlsx_file(kind, ledger_header(kind), rows, title=ledger_title(kind, area, on_date)),
                                    as_attachment=True,
                                    filename=f"{name}.xlsx",
                                    content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        else:
            response = StreamingHttpResponse(csv_stream(ledger_header(kind), rows),
                                             content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        response["Cache-Control"] = "no-store"
        return response
