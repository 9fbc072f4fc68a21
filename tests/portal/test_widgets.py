"""The portal's template-free widgets write the same markup as Django's templates."""

from __future__ import annotations

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from portal import widgets

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
