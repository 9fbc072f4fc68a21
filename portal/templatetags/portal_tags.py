"""Template tags of the site shell."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from portal import registry

register = template.Library()


@register.simple_tag
def portal_searches() -> list[dict]:
    """The public searches apps registered (``registry.register_search``), for pages that need no
    request context (the 500 page): each with its URL and label."""
    found = []
    for url_name, label in registry.searches():
        try:
            found.append({"url": reverse(url_name), "label": label})
        except NoReverseMatch:
            continue
    return found


@register.simple_tag
def form_field(field, no_help: bool = False) -> SafeString:
    """One form field, marked up like includes/form.html: the label (a legend around the area
    picker, after a checkbox), the input, its help and its errors, tied to the input by ids.

    Written here rather than as an included template: search pages draw a dozen of these on every
    request, and an include costs more per field than its widget.
    """
    widget_type = field.widget_type
    errors = field.errors
    classes = "field"
    if errors:
        classes += " has-error"
    if widget_type == "checkbox":
        classes += " check-field"
    label = conditional_escape(field.label)
    if widget_type == "areapicker":
        body = f"\n    <fieldset>\n      <legend>{label}</legend>\n      {field}\n    </fieldset>\n  "
    elif widget_type == "checkbox":
        body = f'\n    {field} <label for="{conditional_escape(field.id_for_label)}">{label}</label>\n  '
    else:
        body = f'\n    <label for="{conditional_escape(field.id_for_label)}">{label}</label>\n    {field}\n  '
    auto_id = conditional_escape(field.auto_id)
    help_html = ""
    if field.help_text and not no_help and widget_type != "areapicker":
        help_html = f'<p class="help" id="{auto_id}_helptext">{conditional_escape(field.help_text)}</p>'
    errors_html = "".join(f'<p class="error" id="{auto_id}_error">{conditional_escape(error)}</p>' for error in errors)
    return mark_safe(f'\n<div class="{classes}">\n  {body}\n  {help_html}\n  {errors_html}\n</div>\n')


@register.simple_tag
def form_error_list(form) -> list[dict]:
    """The errors of a form's fields for the summary at its top (includes/form_errors.html): each
    visible field's with the id to link to, so on a phone a tap on the summary goes to the field; a
    hidden field's (a page number out of range) as text, since nothing below can mark it."""
    found = []
    for field in form:
        for message in field.errors:
            found.append({"message": message, "label": field.label,
                          "anchor": None if field.is_hidden else field.id_for_label or field.auto_id})
    return found
