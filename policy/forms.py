"""Forms of policy publishing: one form per input, used by the pages and by the API (which answers a
form's errors with ``portal.api_base.raise_form_errors``). They parse input; the services in
policy/services/ are the one validator of business rules, and decide and write."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from policy.constants import (
    ADDRESS_MAX,
    BODY_MAX,
    CATEGORY_MAX,
    COURSE_AREA_LEVELS,
    COURSE_COST_MAX,
    COURSE_SEATS_MAX,
    COURSE_TITLE_MAX,
    FEES_MAX,
    HOURS_MAX,
    ISSUER_MAX,
    NOTE_MAX,
    NUMBER_MAX,
    PHONE_MAX,
    PROVIDER_MAX,
    SOURCE_MAX,
    TITLE_MAX,
    WINDOW_NAME_MAX,
    WORKING_DAYS_MAX,
    CourseStatus,
    DocumentStatus,
    RelationKind,
    Service,
    Validity,
)
from policy.models import PolicyDocument, ServiceGuide, ServiceWindow, TrainingCourse
from policy.selectors.courses import (
    CourseFilters,
    district_choices,
    major_occupation_choices,
    middle_occupations,
)
from policy.selectors.documents import (
    SORT_DATE,
    SORT_RELEVANCE,
    DocumentFilters,
    relation_target_by_number,
)
from portal.constants import AreaLevel
from portal.forms import ServiceErrorsMixin
from portal.models import Area
from portal.reference.models import Occupation
from portal.selectors import area_by_code
from portal.textsearch import QUERY_MAX
from portal.widgets import AreaField


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


# --- Public search ----------------------------------------------------------------------------


class DocumentSearchForm(forms.Form):
    """The public document search's parameters (page and API)."""

    q = forms.CharField(label=_("Keywords or document number"), required=False, max_length=QUERY_MAX,
                        help_text=_("Words in the title or text, or a document number such as 武政办〔2009〕138号."))
    category = forms.ChoiceField(label=_("Category"), required=False)
    issuer = forms.ChoiceField(label=_("Issuing body"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    validity = forms.ChoiceField(label=_("Validity"), required=False,
                                 choices=[("", _("Any")), *Validity.choices])
    sort = forms.ChoiceField(label=_("Sort by"), required=False,
                             choices=[(SORT_RELEVANCE, _("Best match")), (SORT_DATE, _("Newest"))])

    def __init__(self, *args, choices: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Any category")), *((c, c) for c in choices["categories"])]
        self.fields["issuer"].choices = [("", _("Any issuing body")), *((i, i) for i in choices["issuers"])]
        self.fields["year"].choices = [("", _("Any year")), *((str(y), str(y)) for y in choices["years"])]

    @property
    def document_filters(self) -> DocumentFilters:
        data = self.cleaned_data
        return DocumentFilters(q=(data.get("q") or "").strip(), category=data.get("category") or "",
                               issuer=data.get("issuer") or "", year=data.get("year"),
                               validity=data.get("validity") or "", sort=data.get("sort") or "")


class CourseSearchForm(forms.Form):
    q = forms.CharField(label=_("Keywords"), required=False, max_length=QUERY_MAX,
                        help_text=_("Course, provider or occupation, such as 焊工 or 育婴."))
    district = forms.ChoiceField(label=_("District"), required=False)
    occupation = forms.ChoiceField(label=_("Occupation"), required=False)
    free_only = forms.BooleanField(label=_("Free after the subsidy"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("Anywhere in the city")), *district_choices()]
        self.fields["occupation"].choices = [("", _("Any occupation")), *major_occupation_choices()]

    @property
    def course_filters(self) -> CourseFilters:
        data = self.cleaned_data
        area = area_by_code(code=data["district"]) if data.get("district") else None
        return CourseFilters(q=(data.get("q") or "").strip(), area=area, occupation=data.get("occupation") or "",
                             free_only=bool(data.get("free_only")))


class WindowAreaForm(forms.Form):
    """Where the reader lives, to show the window that serves them."""

    area = AreaField(label=_("Your area"), required=False,
                      help_text=_("Choose your district, street or community to see where to go."))


# --- Staff: documents --------------------------------------------------------------------------


class DocumentAreaField(forms.ModelChoiceField):
    """Where a document applies, by division code. Pages offer the areas the user writes for; the
    API accepts any known code and the service decides (out of scope is not found)."""

    def label_from_instance(self, area):
        return area.name if area.level != AreaLevel.DISTRICT else f"— {area.name}"

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError as exc:
            if exc.code != "invalid_choice":
                raise
            raise ValidationError(exc.message, code="unknown_area", params=exc.params) from exc


class AreaChoiceMixin:
    """``areas``: the choices of the ``area`` field (pages: ``editable_document_areas(user)``; the API:
    every area). With one choice, a new form starts on it."""

    def set_areas(self, areas: QuerySet[Area], *, first: bool = False) -> None:
        self.fields["area"].queryset = areas
        if not self.is_bound and (first or len(areas) == 1) and areas:
            self.initial.setdefault("area", areas[0])


class DocumentForm(AreaChoiceMixin, ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    document_number = forms.CharField(label=_("Document number"), max_length=NUMBER_MAX, required=False,
                                      help_text=_("Such as 武政办〔2009〕138号; leave empty if it has none."))
    issuer = forms.CharField(label=_("Issuing body"), max_length=ISSUER_MAX)
    publish_date = forms.DateField(label=_("Publish date"), widget=date_input())
    effective_date = forms.DateField(label=_("Effective date"), widget=date_input())
    expiry_date = forms.DateField(label=_("Expiry date"), widget=date_input(), required=False,
                                  help_text=_("Leave empty if it does not expire."))
    source = forms.CharField(label=_("Source"), max_length=SOURCE_MAX, required=False)
    category = forms.CharField(label=_("Category"), max_length=CATEGORY_MAX, required=False)
    area = DocumentAreaField(label=_("Applies to"), queryset=Area.objects.none(),
                             help_text=_("City-wide, or one district."))
    body = forms.CharField(label=_("Text"), max_length=BODY_MAX, strip=False,
                           widget=forms.Textarea(attrs={"rows": 16}))
    note = forms.CharField(label=_("What changed"), max_length=NOTE_MAX, required=False,
                           help_text=_("A short note kept with this version."))

    def __init__(self, *args, areas: QuerySet[Area], **kwargs):
        super().__init__(*args, **kwargs)
        self.set_areas(areas)

    @classmethod
    def initial_for(cls, document: PolicyDocument) -> dict:
        """The document's values as the form takes them (pages: the edit form; the API: what a
        partial change leaves as it is)."""
        return {name: getattr(document, name) for name in cls.base_fields if name != "note"}


class ImportForm(AreaChoiceMixin, ServiceErrorsMixin, forms.Form):
    file = forms.FileField(label=_("Document file"), required=False,
                           help_text=_("A text file in the law library's format: metadata lines such as "
                                       "【发布文号】, then the title and the text."))
    area = DocumentAreaField(label=_("Applies to"), queryset=Area.objects.none(), required=False, empty_label=None,
                             help_text=_("For a new document; a document imported again keeps its own."))
    # The text of the previewed file, sent back when the editor confirms (or sent by the API).
    text = forms.CharField(required=False, strip=False, widget=forms.Textarea(attrs={"hidden": True, "rows": 1}))
    file_name = forms.CharField(required=False, widget=forms.HiddenInput)
    # Save, not only preview (the page's confirm button says so by its name).
    apply = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, areas: QuerySet[Area], **kwargs):
        super().__init__(*args, **kwargs)
        self.set_areas(areas, first=True)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("text"):
            self.add_error("file", forms.ValidationError(_("Choose the file to import."), code="required"))
        return data

    def source(self) -> tuple[str, str]:
        """The text to import and its file name (a ValidationError on ``file`` if it cannot be read)."""
        from policy.services.imports import import_text_from_bytes

        upload = self.cleaned_data.get("file")
        if upload:
            return import_text_from_bytes(upload.read()), upload.name
        return self.cleaned_data["text"], self.cleaned_data.get("file_name") or ""


class NoteForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)


class ReasonForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}))


class RelationForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("This document"), choices=RelationKind.choices)
    target = forms.CharField(label=_("Document number of the other document"), max_length=NUMBER_MAX)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_target(self) -> PolicyDocument | None:
        """The document with that number in any spelling (None: the service says none is there)."""
        return relation_target_by_number(number=self.cleaned_data["target"], fetched_by=self.user)


class AttachmentForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word, Excel, OFD or an image; at most 10 MB."))


class StaffDocumentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Title or number"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DocumentStatus.choices)

    class Meta:
        model = PolicyDocument
        fields = ["q", "status"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(document_number__icontains=value)
                               | Q(number_key__icontains=value))


# --- Staff: guides and windows -----------------------------------------------------------------


class StepsField(forms.CharField):
    """The process, one step a line: ``name | what happens | working days`` (the last two optional);
    the API sends a list of ``{"title", "detail", "days"}`` (the service checks each)."""

    widget = forms.Textarea(attrs={"rows": 6})

    def to_python(self, value):
        if isinstance(value, list):
            return value
        text = super().to_python(value) or ""
        steps = []
        for number, line in enumerate((row for row in text.splitlines() if row.strip()), start=1):
            parts = [part.strip() for part in line.split("|")]
            days = parts[2] if len(parts) > 2 else "0"
            if days and not days.isdigit():
                raise forms.ValidationError(
                    _("Step %(n)d: the working days must be a whole number, not “%(value)s”."),
                    code="invalid_days", params={"n": number, "value": days})
            steps.append({"title": parts[0], "detail": parts[1] if len(parts) > 1 else "",
                          "days": int(days or 0)})
        return steps

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(" | ".join([step.get("title", ""), step.get("detail", ""), str(step.get("days", 0))])
                             for step in value)
        return value


class LinesField(forms.CharField):
    """Items one a line (the API sends a list)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value):
        if isinstance(value, list):
            return [" ".join(str(item).split()) for item in value if str(item).strip()]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value


class GuideForm(ServiceErrorsMixin, forms.Form):
    service = forms.ChoiceField(label=_("Service"), choices=Service.choices)
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    eligibility = forms.CharField(label=_("Who may apply"), widget=forms.Textarea(attrs={"rows": 3}))
    materials = LinesField(label=_("What to bring"), required=False, help_text=_("One item a line."))
    steps = StepsField(label=_("Steps"),
                       help_text=_("One step a line: name | what happens | working days, such as "
                                   "“审核 | 窗口审核材料 | 5”."))
    time_limit_days = forms.IntegerField(label=_("Time limit (working days)"), min_value=1,
                                         max_value=WORKING_DAYS_MAX)
    fees = forms.CharField(label=_("Fees"), max_length=FEES_MAX, required=False, help_text=_("Such as 免费 (free)."))
    policy = forms.CharField(label=_("Policy basis (document number)"), max_length=NUMBER_MAX, required=False)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        """``editing``: a guide keeps its service, so the form has none."""
        super().__init__(*args, **kwargs)
        self.user = user
        if editing:
            del self.fields["service"]

    def clean_policy(self) -> PolicyDocument | None:
        number = self.cleaned_data["policy"]
        if not number:
            return None
        document = relation_target_by_number(number=number, fetched_by=self.user)
        if document is None:
            raise ValidationError(_("No document has the number %(number)s."), code="unknown",
                                  params={"number": number})
        return document

    @classmethod
    def initial_for(cls, guide: ServiceGuide) -> dict:
        initial = {name: getattr(guide, name) for name in cls.base_fields if name not in ("service", "policy")}
        initial["policy"] = guide.policy.document_number if guide.policy else ""
        return initial


class WindowForm(ServiceErrorsMixin, forms.Form):
    area = AreaField(label=_("Area"))
    name = forms.CharField(label=_("Name"), max_length=WINDOW_NAME_MAX)
    address = forms.CharField(label=_("Address"), max_length=ADDRESS_MAX)
    phone = forms.CharField(label=_("Phone"), max_length=PHONE_MAX)
    hours = forms.CharField(label=_("Opening hours"), max_length=HOURS_MAX)
    services = forms.MultipleChoiceField(label=_("Services handled"), choices=Service.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple,
                                         help_text=_("Leave all unticked if the window handles every service."))

    def __init__(self, *args, editing: bool = False, **kwargs):
        """``editing``: a window stays in its area (another area gets a window of its own), so the
        form has no area."""
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["area"]

    @classmethod
    def initial_for(cls, window: ServiceWindow) -> dict:
        return {name: getattr(window, name) for name in cls.base_fields}


# --- Staff: courses ----------------------------------------------------------------------------


class OccupationField(forms.ModelChoiceField):
    def label_from_instance(self, occupation):
        return f"{occupation.code} {occupation.name}"


class CourseForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=COURSE_TITLE_MAX)
    provider = forms.CharField(label=_("Training provider"), max_length=PROVIDER_MAX)
    occupation = OccupationField(label=_("Occupation"), queryset=Occupation.objects.none())
    starts_on = forms.DateField(label=_("Starts on"), widget=date_input())
    ends_on = forms.DateField(label=_("Ends on"), widget=date_input())
    area = AreaField(label=_("Area"), allowed_levels=COURSE_AREA_LEVELS,
                      help_text=_("The district, street or community where the course is held."))
    address = forms.CharField(label=_("Address"), max_length=ADDRESS_MAX)
    cost = forms.IntegerField(label=_("Cost (yuan)"), min_value=0, max_value=COURSE_COST_MAX)
    subsidy = forms.IntegerField(label=_("Subsidy (yuan)"), min_value=0, max_value=COURSE_COST_MAX, initial=0,
                                 required=False)
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=COURSE_SEATS_MAX)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occupation"].queryset = middle_occupations()

    @classmethod
    def initial_for(cls, course: TrainingCourse) -> dict:
        return {name: getattr(course, name) for name in cls.base_fields}


class StaffCourseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Title or provider"), method="filter_q")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CourseStatus.choices)

    class Meta:
        model = TrainingCourse
        fields = ["q", "status"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(provider__icontains=value))

