"""The city's holiday calendar for the years the holiday package does not cover.

The page belongs to the city: its scope is the staff member's areas (``model = Area``), and only
city-level administrators and clerks (or the system administrator) may use it.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from portal.forms import HolidayDayForm, HolidayDayRemoveForm
from portal.models import Area
from portal.reference.calendar import package_years
from portal.reference.holidays import (
    CALENDAR_ROLES,
    calendar_editor,
    holiday_day_add,
    holiday_day_remove,
    holiday_days,
)
from portal.scoped_views import StaffScopedViewMixin


class CalendarView(StaffScopedViewMixin, TemplateView):
    model = Area
    scope_roles = CALENDAR_ROLES
    template_name = "staff/calendar.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not calendar_editor(request.user):
            raise PermissionDenied(_("Only city-level staff keep the holiday calendar."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        first, last = package_years()
        return {**super().get_context_data(**kwargs), "form": kwargs.get("form") or HolidayDayForm(),
                "days": holiday_days(since=datetime.date(last + 1, 1, 1)), "first_year": first, "last_year": last,
                "today": timezone.localdate()}

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "remove":
            form = HolidayDayRemoveForm(request.POST)
            if form.submit(lambda data: holiday_day_remove(actor=request.user, day=data["day"])):
                messages.success(request, _("%(day)s has been removed from the calendar.") % {"day": form.cleaned_data["day"]})
            else:
                messages.error(request, " ".join(message for errors in form.errors.values() for message in errors))
            return redirect("staff:calendar")
        form = HolidayDayForm(request.POST)
        if form.submit(lambda data: holiday_day_add(actor=request.user, day=data["day"],
                                                    is_working_day=data["is_working_day"], name=data["name"])):
            row = form.result
            messages.success(request, _("%(day)s %(name)s has been added.") % {"day": row.day, "name": row.name})
            return redirect("staff:calendar")
        return self.render_to_response(self.get_context_data(form=form))
