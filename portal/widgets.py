"""The area picker: district → street → community, usable with or without JavaScript.

Each level is its own <select>. The server renders the options of every level down to the
deepest selected one, so a form re-shown after an error keeps the choice; JavaScript
(static/portal/js/area-picker.js) fills the next level from /api/areas/ as the user picks.
Without JavaScript, submitting after picking a district shows its streets, and so on.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.constants import LEVEL_ORDER, AreaLevel
from portal.models import Area
from portal.selectors import (
    area_by_code,
    area_children,
    area_first_of_level,
    area_with_ancestors,
)


class AreaPickerWidget(forms.Widget):
    template_name = "portal/widgets/area_picker.html"
    levels = [AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY]

    def __init__(self, attrs=None, levels=None):
        super().__init__(attrs)
        if levels is not None:
            self.levels = list(levels)

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
        chain = {a.level: a for a in area_with_ancestors(code=code)}
        top_parent_level = LEVEL_ORDER[LEVEL_ORDER.index(self.levels[0]) - 1]
        parent = chain.get(top_parent_level) or area_first_of_level(level=top_parent_level)
        selects = []
        base_id = context["widget"]["attrs"].get("id", f"id_{name}")
        for level in self.levels:
            options = area_children(parent=parent) if parent is not None else []
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
