"""The employed population page: the denominator of the registered unemployment rate (registered
unemployed ÷ (employed + registered unemployed)), reference data officials enter per year for the city
or a district (``analytics.services.population``). Officials and administrators of the subtree read
it; officials enter it for the areas of their subtree."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from analytics.constants import POPULATION_LEVELS, POPULATION_ROLES
from analytics.forms_targets import PopulationForm
from analytics.models import EmployedPopulation
from analytics.selectors.targets import reader_area
from analytics.services.population import employed_population_save
from analytics.views.targets import TargetPage
from portal.models import Area
from portal.scoping import has_staff_role

ROWS_SHOWN = 200


class PopulationView(TargetPage):
    model = EmployedPopulation
    template_name = "analytics/targets/population.html"
    page = "population"

    def editable_areas(self) -> list[Area]:
        return list(Area.objects.visible_to(self.request.user, roles=POPULATION_ROLES)
                    .filter(level__in=POPULATION_LEVELS).order_by("code"))

    def render_page(self, form: PopulationForm | None, status: int = 200):
        rows = self.get_queryset().select_related("area", "updated_by").order_by("-year", "area_path")[:ROWS_SHOWN]
        area = reader_area(fetched_by=self.request.user, code=None)
        return render(self.request, self.template_name, self.context(area=area, rows=rows, form=form), status=status)

    def get(self, request):
        may_edit = has_staff_role(request.user, POPULATION_ROLES)
        return self.render_page(PopulationForm(areas=self.editable_areas()) if may_edit else None)

    def post(self, request):
        if not has_staff_role(request.user, POPULATION_ROLES):
            raise PermissionDenied(_("Officials enter the employed population."))
        form = PopulationForm(request.POST, areas=self.editable_areas())
        if form.submit(lambda data: employed_population_save(actor=request.user, **data)):
            messages.success(request, _("The employed population of %(area)s in %(year)s is saved.")
                             % {"area": form.result.area.name, "year": form.result.year})
            return redirect("staff-analytics:population")
        return self.render_page(form, status=400)
