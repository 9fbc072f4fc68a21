"""Policy document pages: the public search and document page, and the staff pages where editors
write, import and relate documents and reviewers publish, return and repeal them."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import ListView, TemplateView, View

from policy.constants import DocumentStatus, Validity
from policy.forms import (
    AttachmentForm,
    DocumentForm,
    DocumentSearchForm,
    ImportForm,
    NoteForm,
    ReasonForm,
    RelationForm,
    StaffDocumentFilter,
)
from policy.importer import parse_policy_text
from policy.models import PolicyDocument
from policy.selectors.documents import (
    DocumentFilters,
    document_attachments,
    document_filter_choices,
    document_public_detail,
    document_search,
    document_staff_base,
    document_staff_related,
    document_version,
    document_versions,
    public_attachment,
    relation_of,
    relation_target_by_number,
    staff_attachment,
    validity_of,
    version_compare,
)
from policy.services import documents as services
from policy.services.imports import import_match, import_text_from_bytes, policy_import
from portal.pages import FilteredListView
from portal.scoped_views import StaffScopedViewMixin, scope_exempt
from portal.selectors import audit_history
from portal.workflow import status_history

PAGE_SIZE = 20


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _attachment_response(attachment) -> HttpResponse:
    response = HttpResponse(bytes(attachment.data), content_type=attachment.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(attachment.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Public pages -----------------------------------------------------------------------------


@scope_exempt("Public policy search: shows only published versions, to anyone.")
class DocumentSearchView(ListView):
    template_name = "policy/documents/search.html"
    context_object_name = "documents"
    paginate_by = PAGE_SIZE

    def get_form(self) -> DocumentSearchForm:
        if not hasattr(self, "_form"):
            self._form = DocumentSearchForm(self.request.GET or None, choices=document_filter_choices())
        return self._form

    def get_queryset(self):
        form = self.get_form()
        if form.is_bound and not form.is_valid():
            return document_search(fetched_by=self.request.user, filters=DocumentFilters()).none()
        filters = form.document_filters if form.is_bound else DocumentFilters()
        return document_search(fetched_by=self.request.user, filters=filters)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "form": self.get_form(), "validity": Validity,
                "query": _query_without_page(self.request)}


@scope_exempt("A public policy document's page: its published version only; never-published documents are not found.")
class DocumentDetailView(TemplateView):
    template_name = "policy/documents/detail.html"

    def get_context_data(self, **kwargs):
        document = document_public_detail(fetched_by=self.request.user, pk=kwargs["pk"])
        return {**super().get_context_data(**kwargs), "document": document, "version": document.published_version}


@scope_exempt("Downloads an attachment of a published policy document.")
class AttachmentDownloadView(View):
    def get(self, request, pk, attachment_id):
        return _attachment_response(public_attachment(fetched_by=request.user, document_pk=pk, pk=attachment_id))


# --- Staff pages ------------------------------------------------------------------------------


class StaffDocumentMixin(StaffScopedViewMixin):
    """Any staff role reads the documents of its subtree; editors and reviewers change them."""

    model = PolicyDocument

    def get_base_queryset(self):
        return document_staff_base()

    def get_document(self, pk) -> PolicyDocument:
        return get_object_or_404(self.get_queryset(), pk=pk)


class StaffDocumentListView(StaffDocumentMixin, FilteredListView):
    template_name = "policy/documents/staff_list.html"
    filterset_class = StaffDocumentFilter
    context_object_name = "documents"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "may_edit": services.is_editor(self.request.user)}


class EditorRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.is_editor(request.user):
            raise PermissionDenied(_("Only staff at city or district level write policy documents."))
        return super().dispatch(request, *args, **kwargs)


class StaffDocumentCreateView(StaffDocumentMixin, EditorRequiredMixin, View):
    template_name = "policy/documents/staff_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": DocumentForm(user=request.user)})

    def post(self, request):
        form = DocumentForm(request.POST, user=request.user)
        if form.submit(lambda data: services.document_create(actor=request.user, **data)):
            document = form.result
            messages.success(request, _("The document is saved as a draft."))
            return redirect("staff-policy:document-detail", pk=document.pk)
        return render(request, self.template_name, {"form": form})


class StaffDocumentImportView(StaffDocumentMixin, EditorRequiredMixin, View):
    """Upload a file, see what was read and what looks wrong, then save it (or not)."""

    template_name = "policy/documents/staff_import.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ImportForm(user=request.user)})

    def post(self, request):
        form = ImportForm(request.POST, request.FILES, user=request.user)
        context = {"form": form}
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data.get("file"):
                    text = import_text_from_bytes(data["file"].read())
                    name = data["file"].name
                else:
                    text, name = data["text"], data.get("file_name") or ""
                if "confirm" in request.POST and not data.get("file"):
                    result = policy_import(actor=request.user, text=text, area=data["area"], file_name=name)
                    messages.success(request, {
                        "created": _("The document was imported as a new draft."),
                        "updated": _("The document was imported as a new version of the existing document."),
                        "unchanged": _("The document was already here, unchanged."),
                    }[result.outcome])
                    return redirect("staff-policy:document-detail", pk=result.document.pk)
                parsed = parse_policy_text(text)
                existing = import_match(parsed) if parsed.ok else None
                context.update({
                    "parsed": parsed, "file_name": name,
                    "existing": existing if existing is not None and services.may_edit(request.user, existing.area)
                    else None,
                    "existing_hidden": existing is not None and not services.may_edit(request.user, existing.area),
                    "confirm_form": ImportForm(initial={"text": text, "file_name": name, "area": data["area"]},
                                               user=request.user),
                })
            except ValidationError as exc:
                form.add_service_errors(exc)
        return render(request, self.template_name, context)


class DocumentPageMixin(StaffDocumentMixin):
    """The staff page of one document, re-shown with whichever of its forms was rejected."""

    template_name = "policy/documents/staff_detail.html"

    def render_page(self, document: PolicyDocument, **forms):
        request = self.request
        user = request.user
        may_edit = services.may_edit(user, document.area)
        may_review = services.may_review(user, document.area)
        context = {
            "document": document, "may_edit": may_edit, "may_review": may_review,
            "editable": may_edit and document.status in (DocumentStatus.DRAFT, DocumentStatus.PUBLISHED),
            "validity": validity_of(document) if document.published_version_id else "",
            "versions": document_versions(document=document, fetched_by=user),
            "related": document_staff_related(document=document, fetched_by=user),
            "attachments": document_attachments(document=document, fetched_by=user),
            "status_history": status_history(instance=document),
            "history": audit_history(obj=document, fetched_by=user),
            "statuses": DocumentStatus,
        }
        latest = context["versions"][0] if context["versions"] else None
        context["pending_version"] = (latest if latest is not None and document.published_version_id
                                      and latest.pk != document.published_version_id else None)
        if may_edit:
            context["form"] = forms.get("form") or DocumentForm(initial=DocumentForm.initial_for(document), user=user)
            context["note_form"] = forms.get("note_form") or NoteForm()
            context["relation_form"] = forms.get("relation_form") or RelationForm()
            context["attachment_form"] = forms.get("attachment_form") or AttachmentForm()
        if may_review:
            context["reason_form"] = forms.get("reason_form") or ReasonForm()
        return render(request, self.template_name, context)


class StaffDocumentDetailView(DocumentPageMixin, View):
    """A document for staff: status and actions, the working copy (editable), versions, relations."""

    def get(self, request, pk):
        return self.render_page(self.get_document(pk))

    def post(self, request, pk):
        document = self.get_document(pk)
        form = DocumentForm(request.POST, user=request.user)
        if form.submit(lambda data: services.document_update(actor=request.user, document=document, **data)):
            _document, version = form.result
            if version is None:
                messages.info(request, _("Nothing changed."))
            elif document.status == DocumentStatus.PUBLISHED:
                messages.success(request, _("Saved as version %(n)d; the public sees it once a reviewer "
                                            "publishes it.") % {"n": version.number})
            else:
                messages.success(request, _("Saved as version %(n)d.") % {"n": version.number})
            return redirect("staff-policy:document-detail", pk=document.pk)
        return self.render_page(document, form=form)


class StaffDocumentActionView(DocumentPageMixin, View):
    """POST-only moves of a document; subclasses name the form and the service call."""

    form_class = NoteForm
    form_name = "note_form"
    success_message = ""

    def act(self, document, data):
        raise NotImplementedError

    def post(self, request, pk):
        document = self.get_document(pk)
        form = self.form_class(request.POST)
        if form.submit(lambda data: self.act(document, data)):
            messages.success(request, self.success_message)
            return redirect("staff-policy:document-detail", pk=document.pk)
        return self.render_page(document, **{self.form_name: form})


class StaffDocumentSubmitView(StaffDocumentActionView):
    def act(self, document, data):
        services.document_submit(actor=self.request.user, document=document, note=data["note"])
        self.success_message = _("The document was sent for review.")


class StaffDocumentPublishView(StaffDocumentActionView):
    def act(self, document, data):
        services.document_publish(actor=self.request.user, document=document, note=data["note"])
        self.success_message = _("The latest version is published.")


class StaffDocumentReturnView(StaffDocumentActionView):
    form_class = ReasonForm
    form_name = "reason_form"

    def act(self, document, data):
        services.document_return(actor=self.request.user, document=document, reason=data["reason"])
        self.success_message = _("The document was returned to its editors.")


class StaffDocumentRepealView(StaffDocumentActionView):
    form_class = ReasonForm
    form_name = "reason_form"

    def act(self, document, data):
        services.document_repeal(actor=self.request.user, document=document, reason=data["reason"])
        self.success_message = _("The document is repealed.")


class StaffRelationAddView(StaffDocumentActionView):
    form_class = RelationForm
    form_name = "relation_form"

    def act(self, document, data):
        target = relation_target_by_number(number=data["target"], fetched_by=self.request.user)
        services.relation_add(actor=self.request.user, document=document, target=target, kind=data["kind"])
        self.success_message = _("The relation is recorded.")


class StaffRelationRemoveView(DocumentPageMixin, View):
    def post(self, request, pk, relation_id):
        document = self.get_document(pk)
        relation = relation_of(document=document, pk=relation_id, fetched_by=request.user)
        try:
            services.relation_remove(actor=request.user, relation=relation)
            messages.success(request, _("The relation is removed."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("staff-policy:document-detail", pk=document.pk)


class StaffAttachmentAddView(DocumentPageMixin, View):
    def post(self, request, pk):
        document = self.get_document(pk)
        form = AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.attachment_add(actor=request.user, document=document, name=upload.name,
                                        content_type=upload.content_type, data=upload.read())
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The file is attached."))
                return redirect("staff-policy:document-detail", pk=document.pk)
        return self.render_page(document, attachment_form=form)


class StaffAttachmentDownloadView(StaffDocumentMixin, View):
    def get(self, request, pk, attachment_id):
        document = self.get_document(pk)
        return _attachment_response(staff_attachment(document=document, pk=attachment_id, fetched_by=request.user))


class StaffVersionCompareView(StaffDocumentMixin, View):
    """Any two versions compared: changed metadata, and the text unified or side by side."""

    template_name = "policy/documents/staff_compare.html"

    def get(self, request, pk):
        document = self.get_document(pk)

        def number(name):
            value = request.GET.get(name, "")
            return int(value) if value.isdigit() else None

        mode = "side" if request.GET.get("mode") == "side" else "unified"
        comparison = version_compare(document=document, a=number("a"), b=number("b"), fetched_by=request.user)
        return render(request, self.template_name, {
            "document": document, "comparison": comparison, "mode": mode,
            "versions": document_versions(document=document, fetched_by=request.user)})


class StaffVersionDetailView(StaffDocumentMixin, View):
    template_name = "policy/documents/staff_version.html"

    def get(self, request, pk, number):
        document = self.get_document(pk)
        version = document_version(document=document, number=number, fetched_by=request.user)
        return render(request, self.template_name, {"document": document, "version": version})
