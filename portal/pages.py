"""What every app's pages share: filtered lists, record actions that call one service, and the
moves a user may take on the record a page shows."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.generic import ListView
from django.views.generic.detail import SingleObjectMixin, SingleObjectTemplateResponseMixin
from django_filters.views import FilterMixin

from portal.workflow import available_moves, workflow_for


class FilteredListView(FilterMixin, ListView):
    """A scoped list with a django-filter form and pagination."""

    paginate_by = 20

    def get_filtered_queryset(self):
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_bound and not self.filterset.is_valid():
            return self.get_queryset().none()  # the form shows what is wrong
        return self.filterset.qs

    def paginate_queryset(self, queryset, page_size):
        return super().paginate_queryset(self.get_filtered_queryset(), page_size)

    def get_filterset_kwargs(self, filterset_class):
        return {"data": self.request.GET or None, "request": self.request, "queryset": self.get_queryset()}

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return {**super().get_context_data(**kwargs), "filter": self.filterset, "query": query.urlencode()}


class MovesMixin:
    """Puts ``moves`` in the context of a page about one record: the workflow steps the user may
    take on it now (``portal.workflow.available_moves``), so a template shows a button with
    ``{% if moves.publish %}`` and never restates who may do what."""

    def get_moves(self):
        obj = getattr(self, "object", None)
        if obj is None:
            return {}
        try:
            workflow = workflow_for(obj)
        except KeyError:
            return {}
        return available_moves(self.request.user, obj, workflow)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("moves", self.get_moves())
        return context


def refusal_as_messages(request, form, *, drawn: bool) -> None:
    """Show why a step on a record's page was refused when its form is not drawn again.

    A page draws a step's form (and so its errors) only while the step is among the user's moves.
    When another clerk took a step on the record meanwhile, the refused step has left the moves: its
    errors become messages at the top of the page instead, so the clerk reads why nothing happened
    (in the page's language) rather than a page that silently shows the record as it now is.
    """
    if drawn:
        return
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


class RecordActionMixin(MovesMixin, SingleObjectMixin, SingleObjectTemplateResponseMixin):
    """A POST-only action on one record (verify, publish, close …) that calls one service.

    The record is looked up through ``get_queryset`` (scoped for staff, own records for accounts),
    so anything out of reach is a 404 before the service runs. A form error re-renders the record's
    page with the user's input kept; any other refusal is a message on the record's page.
    Subclasses define ``act(data)`` and ``get_success_url()``.
    """

    form_class = None
    form_context_name = "form"
    success_message = ""

    def act(self, data: dict):  # pragma: no cover - every action defines it
        raise NotImplementedError

    def get_success_url(self) -> str:  # pragma: no cover - every action defines it
        raise NotImplementedError

    def get_form(self):
        return self.form_class(self.request.POST) if self.form_class else None

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        if form is None or form.is_valid():
            try:
                self.act(form.cleaned_data if form is not None else {})
            except ValidationError as exc:
                if form is None or not hasattr(exc, "error_dict"):
                    for message in exc.messages:
                        messages.error(request, message)
                    return redirect(self.get_success_url())
                form.add_service_errors(exc)
            else:
                if self.success_message:
                    messages.success(request, self.success_message)
                return redirect(self.get_success_url())
        return self.render_to_response(self.get_context_data(**{self.form_context_name: form}))
