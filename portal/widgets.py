"""The portal's own widgets: the area picker (district → street → community, usable with or without
JavaScript) and plain inputs and selects written without templates.

Each level of the picker is its own <select>. The server renders the options of every level down to the
deepest selected one, so a form re-shown after an error keeps the choice; JavaScript
(static/portal/js/area-picker.js) fills the next level from /api/areas/ as the user picks.
Without JavaScript, submitting after picking a district shows its streets, and so on.

These widgets write their markup in Python, the same markup Django's templates (and the picker's
former template) write: the search pages draw a dozen fields with hundreds of options on every
request, and rendering each option through a template cost more than the search itself
(bench/search_load.py; tests/portal/test_widgets.py compares the markup).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.constants import LEVEL_ORDER, AreaLevel
from portal.models import Area
from portal.selectors import (
    area_by_code,
    area_children,
    area_first_of_level,
    area_with_ancestors,
)


def _escape(value) -> str:
    """``{{ value }}`` in a template: escaped unless already safe (``conditional_escape``)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attrs_html(attrs: dict) -> str:
    """Django's ``attrs.html``: `` name="value"``, a bare name for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(str(value))}"')
    return "".join(parts)


class FastInputMixin:
    """An <input> written here instead of by Django's ``input.html`` and ``attrs.html``; the
    context (value, attributes, ``checked``) is still Django's, the markup the templates'."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        value_html = "" if widget["value"] is None else f' value="{_escape(str(widget["value"]))}"'
        return mark_safe(f'<input type="{_escape(widget["type"])}" name="{_escape(widget["name"])}"{value_html}'
                         f'{_attrs_html(widget["attrs"])}>')


# Named as Django's widgets: templates tell fields apart by ``BoundField.widget_type``, which is
# the class name without "Input"/"Widget" ("checkbox", "select").
class TextInput(FastInputMixin, forms.TextInput):
    pass


class NumberInput(FastInputMixin, forms.NumberInput):
    pass


class CheckboxInput(FastInputMixin, forms.CheckboxInput):
    pass


class Select(forms.Select):
    """A <select> whose markup is written here instead of by Django's ``select.html``, which
    includes a template per option: on a form with a hundred options that costs more than the
    search behind the page. Which option is selected follows ``ChoiceWidget.optgroups`` (the
    first whose value matches); the markup is the templates', character for character (a test
    compares them).
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        values = self.format_value(value)
        has_selected = False
        parts = [f'<select name="{_escape(name)}"{_attrs_html(self.build_attrs(self.attrs, attrs))}>']
        for option_value, option_label in self.choices:
            if isinstance(option_label, (list, tuple)):
                group_name, options = option_value, option_label
            else:
                group_name, options = None, [(option_value, option_label)]
            if group_name:
                parts.append(f'\n  <optgroup label="{_escape(group_name)}">')
            for subvalue, sublabel in options:
                subvalue = "" if subvalue is None else str(subvalue)
                selected = not has_selected and subvalue in values
                has_selected |= selected
                parts.append(f'\n  <option value="{_escape(subvalue)}"{" selected" if selected else ""}>'
                             f'{_escape(sublabel)}</option>\n')
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


@dataclass(frozen=True)
class AreaReads:
    """What the area picker reads: an area with its ancestors, the first area of a level (the
    city), an area's children. A public form passes reads served from a memo."""

    chain: Callable[..., list[Area]] = area_with_ancestors
    first_of_level: Callable[..., Area | None] = area_first_of_level
    children: Callable[..., list[Area]] = area_children


class AreaPickerWidget(forms.Widget):
    template_name = None  # drawn by render()
    levels = [AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY]
    reads = AreaReads()

    def __init__(self, attrs=None, levels=None, reads: AreaReads | None = None):
        super().__init__(attrs)
        if levels is not None:
            self.levels = list(levels)
        if reads is not None:
            self.reads = reads

    def value_from_datadict(self, data, files, name):
        # The deepest level with a choice wins; a plain field of the same name also works (API-like posts).
        for level in reversed(self.levels):
            value = data.get(f"{name}_{level}")
            if value:
                return value
        return data.get(name) or None

    def value_omitted_from_data(self, data, files, name):
        return name not in data and not any(f"{name}_{level}" in data for level in self.levels)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        code = value.code if isinstance(value, Area) else value
        chain = {a.level: a for a in self.reads.chain(code=code)}
        top_parent_level = LEVEL_ORDER[LEVEL_ORDER.index(self.levels[0]) - 1]
        parent = chain.get(top_parent_level) or self.reads.first_of_level(level=top_parent_level)
        selects = []
        base_id = context["widget"]["attrs"].get("id", f"id_{name}")
        for level in self.levels:
            options = self.reads.children(parent=parent) if parent is not None else []
            chosen = chain.get(level)
            selects.append({
                "level": level,
                "label": AreaLevel(level).label,
                "name": f"{name}_{level}",
                "id": f"{base_id}_{level}",
                "options": options,
                "selected": chosen.code if chosen else "",
            })
            parent = chosen
            if chosen is None:
                parent = None
        context["widget"].update({"selects": selects, "loaded": bool(selects[0]["options"])})
        return context

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        """Written here rather than by a template: forms draw the picker with a hundred options or
        more, and a template loop turn per option cost more than the search behind the page
        (tests/portal/test_widgets.py holds this to the template it replaced)."""
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<div class="area-picker" data-area-picker data-api="{_escape(reverse("api:area-list"))}" '
                 f'id="{_escape(widget["attrs"].get("id") or "")}">\n  ']
        if not widget["loaded"]:
            missing = gettext("The division tree has not been loaded; run the load_areas command.")
            parts.append(f'<p class="error">{missing}</p>')
        parts.append("\n  ")
        for select in widget["selects"]:
            label, select_id = _escape(select["label"]), _escape(select["id"])
            choose = gettext("— choose %(level)s —") % {"level": _escape(str(select["label"]).lower())}
            selected = select["selected"]
            options = "".join(
                f'<option value="{_escape(area.code)}"{" selected" if area.code == selected else ""}>'
                f'{_escape(area.name)}</option>' for area in select["options"])
            parts.append(
                f'\n  <span class="area-level">\n    <label for="{select_id}">{label}</label>\n'
                f'    <select name="{_escape(select["name"])}" id="{select_id}" data-level="{_escape(select["level"])}"'
                f'{"" if select["options"] else " disabled"}>\n'
                f'      <option value="">{choose}</option>\n      {options}\n    </select>\n  </span>\n  ')
        parts.append("\n</div>")
        return mark_safe("".join(parts))


class AreaField(forms.Field):
    widget = AreaPickerWidget
    default_error_messages = {
        "unknown": _("Unknown area; please choose again."),
        "level": _("Please choose down to: %(levels)s."),
    }

    def __init__(self, *, allowed_levels=None, **kwargs):
        self.allowed_levels = set(allowed_levels) if allowed_levels else None
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Area):
            return value
        area = area_by_code(code=value)
        if area is None:
            raise ValidationError(self.error_messages["unknown"], code="unknown_area")  # as AreaCodeField says
        return area

    def validate(self, value):
        super().validate(value)
        if value is not None and self.allowed_levels and value.level not in self.allowed_levels:
            levels = " / ".join(str(lv.label) for lv in LEVEL_ORDER if lv in self.allowed_levels)
            raise ValidationError(self.error_messages["level"], code="level", params={"levels": levels})

    def prepare_value(self, value):
        return value.code if isinstance(value, Area) else value


class ChoiceSearchWidget(forms.CheckboxSelectMultiple):
    """Several choices as a list of checkboxes, grouped (a fieldset with its legend per group), with a
    box that narrows the list as one types and, above it, what is chosen so far.

    Unlike <select multiple> it needs no Ctrl or ⌘, shows every choice made and works alike on a
    phone, with the keyboard and with a screen reader (checkboxes in labelled groups). Without
    JavaScript it is a plain checkbox list; static/portal/js/choice-search.js shows the filter box,
    hides what does not match and keeps the summary of chosen items (each a button that unticks it).
    A page using it loads that script (tests/portal/test_choice_search.py checks every page does).
    """

    template_name = None  # drawn by render()
    script = "portal/js/choice-search.js"

    def __init__(self, attrs=None, choices=(), *, filter_label=None):
        super().__init__(attrs, choices)
        self.filter_label = filter_label

    @staticmethod
    def _groups(choices) -> list[tuple[str | None, list[tuple[str, str]]]]:
        """``[(group label or None, [(value, label), ...]), ...]``: ungrouped options gathered in order."""
        groups: list[tuple[str | None, list[tuple[str, str]]]] = []
        for option_value, option_label in choices:
            if isinstance(option_label, (list, tuple)):
                groups.append((str(option_value), [(str(v), str(lbl)) for v, lbl in option_label]))
            elif groups and groups[-1][0] is None:
                groups[-1][1].append((str(option_value), str(option_label)))
            else:
                groups.append((None, [(str(option_value), str(option_label))]))
        return groups

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        chosen_values = {str(v) for v in self.format_value(value)}
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.get("id") or f"id_{name}"
        groups = self._groups(self.choices)
        chosen = [(v, lbl) for _group, options in groups for v, lbl in options if v in chosen_values]
        ids = {"filter": f"{base_id}_filter", "count": f"{base_id}_count", "chosen": f"{base_id}_chosen"}
        filter_label = self.filter_label or gettext("Type to narrow the list")
        parts = [
            f'<div class="choice-search" data-choice-search id="{_escape(base_id)}">',
            f'\n  <div class="choice-search-chosen" data-chosen>'
            f'<p class="choice-search-chosen-title" id="{_escape(ids["chosen"])}" data-chosen-title '
            f'data-text-none="{_escape(gettext("Nothing chosen yet."))}" '
            f'data-text-some="{_escape(gettext("Chosen (%(count)s):"))}">',
            _escape(gettext("Chosen (%(count)s):") % {"count": len(chosen)} if chosen
                    else gettext("Nothing chosen yet.")),
            f'</p><ul class="choice-search-chips" aria-labelledby="{_escape(ids["chosen"])}" data-chips '
            f'data-untick="{_escape(gettext("Untick %(label)s"))}">',
            *(f'<li>{_escape(lbl)}</li>' for _v, lbl in chosen),
            '</ul></div>',
            f'\n  <p class="choice-search-filter" data-filter hidden>'
            f'<label for="{_escape(ids["filter"])}">{_escape(filter_label)}</label>'
            f'<input type="search" id="{_escape(ids["filter"])}" autocomplete="off" enterkeyhint="search" '
            f'aria-describedby="{_escape(ids["count"])}">'
            f'<span class="choice-search-count muted" id="{_escape(ids["count"])}" aria-live="polite" data-count '
            f'data-text="{_escape(gettext("%(shown)s of %(total)s shown"))}"></span></p>',
            '\n  <div class="choice-search-options" data-options>',
        ]
        described = attrs.get("aria-describedby")
        extra = f' aria-describedby="{_escape(described)}"' if described else ""
        index = 0
        for group, options in groups:
            items = []
            for option_value, option_label in options:
                option_id = f"{base_id}_{index}"
                index += 1
                checked = " checked" if option_value in chosen_values else ""
                items.append(
                    f'\n      <li data-option><label for="{_escape(option_id)}"><input type="checkbox" '
                    f'name="{_escape(name)}" value="{_escape(option_value)}" id="{_escape(option_id)}"{extra}{checked}> '
                    f'{_escape(option_label)}</label></li>')
            if group is None:
                parts.append(f'\n    <ul class="choice-search-list">{"".join(items)}\n    </ul>')
            else:
                parts.append(f'\n    <fieldset class="choice-search-group" data-group><legend>{_escape(group)}</legend>'
                             f'\n    <ul class="choice-search-list">{"".join(items)}\n    </ul></fieldset>')
        parts.append(f'\n  </div>\n  <p class="choice-search-none muted" data-none hidden>'
                     f'{_escape(gettext("Nothing in the list matches; try fewer characters."))}</p>\n</div>')
        return mark_safe("".join(parts))
