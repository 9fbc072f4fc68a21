"""The portal's template-free widgets write the same markup as the templates they replace."""

from __future__ import annotations

import pytest
from django import forms
from django.template import engines
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from portal import widgets
from portal.constants import AreaLevel
from portal.models import Area

CHOICES = [
    ("", _("Any")),
    ("a", "A & <b>"),
    ("1", mark_safe("<em>safe</em>")),
    ("Group \"one\"", [("g1", "G1"), ("g2", "G2 ’quoted’")]),
    ("", [("in-unnamed", "no group name")]),
    (None, "none value"),
    (3, "an integer"),
    ("dup", "first"),
    ("dup", "second"),
]


@pytest.mark.parametrize("value", [None, "", "a", "g2", "3", 3, "dup", "missing", ["a", "g1"]])
@pytest.mark.parametrize("attrs", [None, {"id": "id_x", "aria-describedby": "id_x_helptext", "required": True,
                                          "disabled": False, "data-n": 5}])
def test_the_select_writes_what_djangos_template_writes(value, attrs):
    ours = widgets.Select(choices=CHOICES).render("x", value, attrs)
    django = forms.Select(choices=CHOICES).render("x", value, attrs)
    assert ours == django


def test_the_select_translates_lazy_labels_when_drawn():
    select = widgets.Select(choices=[("", _("Any"))])
    with override("en"):
        english = select.render("x", None)
    with override("zh-hans"):
        chinese = select.render("x", None)
    assert english != chinese
    with override("zh-hans"):
        assert chinese == forms.Select(choices=[("", _("Any"))]).render("x", None)


@pytest.mark.parametrize(("ours", "theirs"), [(widgets.TextInput, forms.TextInput),
                                              (widgets.NumberInput, forms.NumberInput)])
@pytest.mark.parametrize("value", [None, "", "司机 \"夜班\" <b>", 0, 4500, mark_safe("<i>")])
def test_inputs_write_what_djangos_templates_write(ours, theirs, value):
    attrs = {"id": "id_q", "maxlength": "100", "aria-describedby": "id_q_helptext", "required": False}
    assert ours(attrs={"class": "wide"}).render("q", value, attrs) == theirs(attrs={"class": "wide"}).render(
        "q", value, attrs)


@pytest.mark.parametrize("value", [None, "", False, True, "true", "on"])
def test_the_checkbox_writes_what_djangos_template_writes(value):
    attrs = {"id": "id_flag"}
    assert widgets.CheckboxInput().render("flag", value, attrs) == forms.CheckboxInput().render("flag", value, attrs)


def test_the_widgets_keep_djangos_widget_types():
    class Form(forms.Form):
        q = forms.CharField(widget=widgets.TextInput)
        n = forms.IntegerField(widget=widgets.NumberInput)
        flag = forms.BooleanField(widget=widgets.CheckboxInput)
        pick = forms.ChoiceField(choices=CHOICES, widget=widgets.Select)

    form = Form()
    assert [form[name].widget_type for name in ("q", "n", "flag", "pick")] == ["text", "number", "checkbox", "select"]


# --- The area picker, against the template it used to render with ---------------------------------

AREA_PICKER_TEMPLATE = """{% load i18n %}<div class="area-picker" data-area-picker data-api="{% url 'api:area-list' %}" id="{{ widget.attrs.id|default:'' }}">
  {% if not widget.loaded %}<p class="error">{% translate "The division tree has not been loaded; run the load_areas command." %}</p>{% endif %}
  {% for select in widget.selects %}
  <span class="area-level">
    <label for="{{ select.id }}">{{ select.label }}</label>
    <select name="{{ select.name }}" id="{{ select.id }}" data-level="{{ select.level }}"{% if not select.options %} disabled{% endif %}>
      <option value="">{% blocktranslate with level=select.label|lower %}— choose {{ level }} —{% endblocktranslate %}</option>
      {% for area in select.options %}<option value="{{ area.code }}"{% if area.code == select.selected %} selected{% endif %}>{{ area.name }}</option>{% endfor %}
    </select>
  </span>
  {% endfor %}
</div>
"""  # noqa: E501


def template_rendering(widget, name, value, attrs=None) -> str:
    return engines["django"].from_string(AREA_PICKER_TEMPLATE).render(
        widget.get_context(name, value, attrs)).strip()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("levels", [None, [AreaLevel.STREET, AreaLevel.COMMUNITY]])
def test_the_area_picker_writes_what_its_template_wrote(tree, language, levels):
    with override(language):
        for value in [None, "", tree.d1.code, tree.s1.code, tree.c1.code, tree.c3, "999999999999"]:
            for attrs in [None, {"id": "id_area"}]:
                widget = widgets.AreaPickerWidget(levels=levels)
                assert widget.render("area", value, attrs) == template_rendering(widget, "area", value, attrs), value


def test_the_area_picker_escapes_names_and_says_when_the_tree_is_missing():
    city = Area(code="420100000000", name="City", level=AreaLevel.CITY, path="4201")
    district = Area(code="420102000000", name='<b>"江岸"&', level=AreaLevel.DISTRICT, path="420102")
    loaded = widgets.AreaReads(chain=lambda code: [city, district] if code else [],
                               first_of_level=lambda level: city, children=lambda parent: [district])
    empty = widgets.AreaReads(chain=lambda code: [], first_of_level=lambda level: None, children=lambda parent: [])
    for reads, value in [(loaded, district.code), (loaded, None), (empty, None)]:
        widget = widgets.AreaPickerWidget(reads=reads)
        assert widget.render("area", value, {"id": "id_a"}) == template_rendering(widget, "area", value, {"id": "id_a"})
    assert "&lt;b&gt;&quot;江岸&quot;&amp;" in widgets.AreaPickerWidget(reads=loaded).render("area", None)
    assert 'class="error"' in widgets.AreaPickerWidget(reads=empty).render("area", None)
