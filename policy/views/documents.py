"""Policy document pages: the public search and document page, and the staff pages where editors
write, import and relate documents and reviewers publish, return and repeal them."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView, TemplateView, View

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
    editable_document_areas,
    public_attachment,
    relation_of,
    staff_attachment,
    validity_of,
    version_compare,
)
from policy.services import documents as services
from policy.services.imports import ImportResult, import_preview, policy_import
from portal.pages import FilteredListView, MovesMixin, RecordActionMixin
from portal.scoped_views import StaffScopedViewMixin, scope_exempt
from portal.selectors import audit_history
from portal.throttling import ThrottledPageMixin
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
class DocumentSearchView(ThrottledPageMixin, ListView):
    template_name = "policy/documents/search.html"
    throttle_scope = "search"
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
        return {**super().get_context_data(**kwargs), "may_write": services.is_editor(self.request.user)}


class EditorRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not services.is_editor(request.user):
            raise PermissionDenied(_("Only staff at city or district level write policy documents."))
        return super().dispatch(request, *args, **kwargs)


class StaffDocumentCreateView(StaffDocumentMixin, EditorRequiredMixin, View):
    template_name = "policy/documents/staff_form.html"

    def get(self, request):
        return render(request, self.template_name,
                      {"form": DocumentForm(areas=editable_document_areas(request.user))})

    def post(self, request):
        form = DocumentForm(request.POST, areas=editable_document_areas(request.user))
        if form.submit(lambda data: services.document_create(actor=request.user, **data)):
            document = form.result
            messages.success(request, _("The document is saved as a draft."))
            return redirect("staff-policy:document-detail", pk=document.pk)
        return render(request, self.template_name, {"form": form})


IMPORTED = {
    "created": gettext_lazy("The document was imported as a new draft."),
    "updated": gettext_lazy("The document was imported as a new version of the existing document."),
    "unchanged": gettext_lazy("The document was already here, unchanged."),
}


class StaffDocumentImportView(StaffDocumentMixin, EditorRequiredMixin, View):
    """Upload a file, see what was read and what looks wrong, then save it (or not)."""

    template_name = "policy/documents/staff_import.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ImportForm(areas=editable_document_areas(request.user))})

    def post(self, request):
        areas = editable_document_areas(request.user)
        form = ImportForm(request.POST, request.FILES, areas=areas)
        # The confirm button sends back the previewed text; a file is always previewed first.
        confirmed = "confirm" in request.POST and not request.FILES

        def read_or_save(data):
            text, name = form.source()
            if confirmed:
                return policy_import(actor=request.user, text=text, area=data["area"], file_name=name)
            return text, name, import_preview(actor=request.user, text=text)

        context = {"form": form}
        if form.submit(read_or_save):
            if isinstance(form.result, ImportResult):
                messages.success(request, IMPORTED[form.result.outcome])
                return redirect("staff-policy:document-detail", pk=form.result.document.pk)
            text, name, preview = form.result
            context.update({
                "parsed": preview.parsed, "file_name": name, "existing": preview.existing,
                "existing_hidden": preview.existing_hidden,
                "confirm_form": ImportForm(initial={"text": text, "file_name": name, "area": form.cleaned_data["area"]},
                                           areas=areas),
            })
        return render(request, self.template_name, context)


class DocumentPageMixin(StaffDocumentMixin):
    """The staff page of one document, re-shown with whichever of its forms was rejected. Its
    buttons and forms follow ``moves``: the steps and actions of the workflow the user may take."""

    template_name = "policy/documents/staff_detail.html"
    context_object_name = "document"

    def get_success_url(self) -> str:
        return reverse("staff-policy:document-detail", kwargs={"pk": self.object.pk})

    def get_context_data(self, **kwargs):
        document, user = self.object, self.request.user
        moves = self.get_moves()
        versions = document_versions(document=document, fetched_by=user)
        latest = versions[0] if versions else None
        context = {
            "moves": moves,
            "validity": validity_of(document) if document.published_version_id else "",
            "versions": versions,
            "pending_version": (latest if latest is not None and document.published_version_id
                                and latest.pk != document.published_version_id else None),
            "related": document_staff_related(document=document, fetched_by=user),
            "attachments": document_attachments(document=document, fetched_by=user),
            "status_history": status_history(instance=document),
            "history": audit_history(obj=document, fetched_by=user),
            "statuses": DocumentStatus,
            "form": (DocumentForm(initial=DocumentForm.initial_for(document), areas=editable_document_areas(user))
                     if "edit" in moves else None),
            "note_form": NoteForm() if "submit" in moves else None,
            "reason_form": ReasonForm() if "return" in moves or "repeal" in moves else None,
            "relation_form": RelationForm(user=user) if "relate" in moves else None,
            "attachment_form": AttachmentForm() if "attach" in moves else None,
        }
        context.update(kwargs)
        return super().get_context_data(**context)


class StaffDocumentDetailView(DocumentPageMixin, MovesMixin, DetailView):
    """A document for staff: status and actions, the working copy (editable), versions, relations."""

    def post(self, request, pk):
        document = self.object = self.get_object()
        form = DocumentForm(request.POST, areas=editable_document_areas(request.user))
        if form.submit(lambda data: services.document_update(actor=request.user, document=document, **data)):
            _document, version = form.result
            if version is None:
                messages.info(request, _("Nothing changed."))
            elif document.status == DocumentStatus.PUBLISHED:
                messages.success(request, _("Saved as version %(n)d; the public sees it once a reviewer "
                                            "publishes it.") % {"n": version.number})
            else:
                messages.success(request, _("Saved as version %(n)d.") % {"n": version.number})
            return redirect(self.get_success_url())
        return self.render_to_response(self.get_context_data(form=form))


class StaffDocumentSubmitView(DocumentPageMixin, RecordActionMixin, View):
    form_class = NoteForm
    form_context_name = "note_form"
    success_message = gettext_lazy("The document was sent for review.")

    def act(self, data):
        services.document_submit(actor=self.request.user, document=self.object, note=data["note"])


class StaffDocumentPublishView(DocumentPageMixin, RecordActionMixin, View):
    form_class = NoteForm
    form_context_name = "note_form"
    success_message = gettext_lazy("The latest version is published.")

    def act(self, data):
        services.document_publish(actor=self.request.user, document=self.object, note=data["note"])


class StaffDocumentReturnView(DocumentPageMixin, RecordActionMixin, View):
    form_class = ReasonForm
    form_context_name = "reason_form"
    success_message = gettext_lazy("The document was returned to its editors.")

    def act(self, data):
        services.document_return(actor=self.request.user, document=self.object, reason=data["reason"])


class StaffDocumentRepealView(DocumentPageMixin, RecordActionMixin, View):
    form_class = ReasonForm
    form_context_name = "reason_form"
    success_message = gettext_lazy("The document is repealed.")

    def act(self, data):
        services.document_repeal(actor=self.request.user, document=self.object, reason=data["reason"])


class StaffRelationAddView(DocumentPageMixin, RecordActionMixin, View):
    form_class = RelationForm
    form_context_name = "relation_form"
    success_message = gettext_lazy("The relation is recorded.")

    def get_form(self):
        return RelationForm(self.request.POST, user=self.request.user)

    def act(self, data):
        services.relation_add(actor=self.request.user, document=self.object, target=data["target"],
                              kind=data["kind"])


class StaffRelationRemoveView(DocumentPageMixin, RecordActionMixin, View):
    success_message = gettext_lazy("The relation is removed.")

    def act(self, data):
        relation = relation_of(document=self.object, pk=self.kwargs["relation_id"], fetched_by=self.request.user)
        services.relation_remove(actor=self.request.user, relation=relation)


class StaffAttachmentAddView(DocumentPageMixin, RecordActionMixin, View):
    form_class = AttachmentForm
    form_context_name = "attachment_form"
    success_message = gettext_lazy("The file is attached.")

    def get_form(self):
        return AttachmentForm(self.request.POST, self.request.FILES)

    def act(self, data):
        upload = data["file"]
        services.attachment_add(actor=self.request.user, document=self.object, name=upload.name,
                                content_type=upload.content_type, data=upload.read())


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
