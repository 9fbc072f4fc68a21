"""``{% form_field %}`` writes what the include it replaced (includes/field.html) wrote."""

from __future__ import annotations

import pytest
from django import forms
from django.template import engines
from django.utils.safestring import mark_safe

from portal import widgets
from portal.widgets import AreaField

FIELD_INCLUDE = """{% load i18n %}{# One form field, marked up like includes/form.html (label, help, errors tied to the input). #}
<div class="field{% if field.errors %} has-error{% endif %}{% if field.widget_type == 'checkbox' %} check-field{% endif %}">
  {% if field.widget_type == "areapicker" %}
    <fieldset>
      <legend>{{ field.label }}</legend>
      {{ field }}
    </fieldset>
  {% elif field.widget_type == "checkbox" %}
    {{ field }} <label for="{{ field.id_for_label }}">{{ field.label }}</label>
  {% else %}
    <label for="{{ field.id_for_label }}">{{ field.label }}</label>
    {{ field }}
  {% endif %}
  {% if field.help_text and not no_help and field.widget_type != "areapicker" %}<p class="help" id="{{ field.auto_id }}_helptext">{{ field.help_text }}</p>{% endif %}
  {% for error in field.errors %}<p class="error" id="{{ field.auto_id }}_error">{{ error }}</p>{% endfor %}
</div>
"""  # noqa: E501


class SampleForm(forms.Form):
    q = forms.CharField(label="Keywords <b>", max_length=5, help_text="Words & more")
    count = forms.IntegerField(label="Count", required=False, widget=widgets.NumberInput)
    flag = forms.BooleanField(label="Flag", required=False)
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")], help_text=mark_safe("<i>safe</i>"))
    area = AreaField(label="Area", required=False, help_text="not shown for the picker")


@pytest.mark.parametrize("data", [None, {"q": "toolong<x>", "count": "x", "flag": "on", "kind": "z", "area": "9"},
                                  {"q": "ok", "count": "3", "kind": "a"}])
@pytest.mark.parametrize("no_help", [False, True])
def test_the_tag_writes_what_the_include_wrote(db, data, no_help):
    form = SampleForm(data)
    engine = engines["django"]
    tag = engine.from_string("{% load portal_tags %}{% for field in form %}{% form_field field no_help=no_help %}"
                             "{% endfor %}")
    include = engine.from_string(FIELD_INCLUDE)
    expected = "".join(include.render({"field": field, "no_help": no_help}) for field in form)
    assert tag.render({"form": form, "no_help": no_help}) == expected
