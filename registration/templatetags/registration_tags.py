"""Small helpers of the registration templates: fresh row forms for a person's page."""

from django import template

from registration.forms_persons import EndDateForm, TrainingCompleteForm

register = template.Library()


@register.simple_tag
def end_date_form(kind, pk):
    """An empty end-date form whose ids are unique on the page."""
    return EndDateForm(auto_id=f"id_{kind}{pk}_%s")


@register.simple_tag
def training_complete_form(enrolment):
    return TrainingCompleteForm(auto_id=f"id_training{enrolment.pk}_%s", initial={
        "completed": enrolment.completed, "certificate_number": enrolment.certificate_number})
