"""Several choices are ticked in a checkbox list with a filter box (portal.widgets.ChoiceSearchWidget),
never picked in a <select multiple> that needs Ctrl or ⌘ and hides what is chosen."""

from __future__ import annotations

import importlib
import pkgutil
import re

import django_filters
import pytest
from django import forms
from django.test import Client

from portal.widgets import ChoiceSearchWidget
from tests.jobs.factories import EmployerFactory, SeekerProfileFactory, VacancyFactory
from tests.url_walk import all_routes

APPS = ("portal", "jobs", "registration", "policy", "subsidies", "analytics")
SELECT_MULTIPLE = re.compile(r"<select\b[^>]*\smultiple\b", re.I)


class FruitForm(forms.Form):
    fruit = forms.MultipleChoiceField(choices=[("红果", [("apple", "苹果"), ("cherry", "樱桃 <b>")]),
                                               ("黄果", [("banana", "香蕉")])],
                                      widget=ChoiceSearchWidget(filter_label="找水果"))
    plain = forms.MultipleChoiceField(choices=[("a", "甲"), ("b", "乙")], required=False,
                                      widget=ChoiceSearchWidget())


# --- The widget ---------------------------------------------------------------------------------


def test_the_widget_draws_grouped_checkboxes_with_legends_and_no_select():
    html = str(FruitForm(initial={"fruit": ["banana"]})["fruit"])
    assert "<select" not in html
    assert '<fieldset class="choice-search-group" data-group><legend>红果</legend>' in html
    assert '<fieldset class="choice-search-group" data-group><legend>黄果</legend>' in html
    assert html.count('type="checkbox" name="fruit"') == 3
    assert '<input type="checkbox" name="fruit" value="banana" id="id_fruit_2" checked>' in html
    assert '<label for="id_fruit_0"><input type="checkbox" name="fruit" value="apple" id="id_fruit_0">' in html
    assert "樱桃 &lt;b&gt;" in html  # labels are escaped
    # The filter box is there for the script to show, labelled, and is not sent with the form.
    assert '<p class="choice-search-filter" data-filter hidden><label for="id_fruit_filter">找水果</label>' in html
    filter_box = re.search(r'<input type="search"[^>]*>', html).group(0)
    assert "name=" not in filter_box and 'id="id_fruit_filter"' in filter_box


def test_the_chosen_items_are_listed_before_the_options():
    html = str(FruitForm(data={"fruit": ["cherry", "banana"]})["fruit"])
    chips = html[html.index("data-chips"):html.index("</ul>")]
    assert "<li>樱桃 &lt;b&gt;</li><li>香蕉</li>" in chips
    assert html.index("data-chips") < html.index('name="fruit"')
    assert "已选（2 项）：" in html
    assert "尚未选择。" in str(FruitForm()["fruit"])


def test_ungrouped_choices_are_one_list_and_the_field_cleans_as_a_multiple_choice():
    form = FruitForm(data={"fruit": ["apple", "banana"], "plain": ["b"]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"fruit": ["apple", "banana"], "plain": ["b"]}
    html = str(form["plain"])
    assert "<fieldset" not in html and html.count('<ul class="choice-search-list">') == 1
    assert FruitForm()["fruit"].widget_type == "choicesearch"
    refused = FruitForm(data={"fruit": ["durian"]})
    assert not refused.is_valid() and "fruit" in refused.errors


# --- No form of the apps offers a <select multiple> ------------------------------------------------


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _multiple_selects(cls, fields) -> list[str]:
    return [f"{cls.__module__}.{cls.__qualname__}.{name}" for name, field in fields
            if isinstance(field.widget, forms.SelectMultiple)
            and not isinstance(field.widget, (forms.CheckboxSelectMultiple, ChoiceSearchWidget))]


def _filter_fields(filterset):
    for name, declared in filterset.base_filters.items():
        try:
            yield name, declared.field
        except Exception:  # noqa: BLE001 - a queryset that needs the request: the field class's own widget
            yield name, declared.field_class(label=declared.label)


@pytest.mark.django_db
def test_no_form_or_filter_of_the_apps_uses_a_select_multiple():
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)
    own = [c for c in _subclasses(forms.BaseForm) if c.__module__.split(".")[0] in APPS]
    filtersets = [c for c in _subclasses(django_filters.FilterSet) if c.__module__.split(".")[0] in APPS]
    assert {"SeekerProfileForm", "FairJoinForm"} <= {c.__qualname__ for c in own} and filtersets
    found = []
    for cls in own:
        found += _multiple_selects(cls, cls.base_fields.items())
    for cls in filtersets:
        found += _multiple_selects(cls, _filter_fields(cls))
    assert found == [], f"use portal.widgets.ChoiceSearchWidget for: {found}"


def test_the_check_finds_a_select_multiple():
    class Picky(forms.Form):
        several = forms.MultipleChoiceField(choices=[("a", "a")])
        ticked = forms.MultipleChoiceField(choices=[("a", "a")], widget=forms.CheckboxSelectMultiple)

    assert [f.rsplit(".", 1)[1] for f in _multiple_selects(Picky, Picky.base_fields.items())] == ["several"]


# --- The pages job seekers and employers use ----------------------------------------------------------


def _html_pages(client, pk: int):
    """Every page of people (not staff, not the API) that answers this client with HTML: those without
    parameters, and those of one record with ``pk`` for it (the vacancy's pages, for instance)."""
    paths = []
    for route in all_routes():
        if "^" in route.route or route.is_staff or route.route.startswith("api/"):
            continue
        if not route.params:
            paths.append("/" + route.route)
        elif route.params == ["pk"]:
            paths.append("/" + re.sub(r"<(?:int:)?pk>", str(pk), route.route))
    for path in paths:
        response = client.get(path)
        if response.status_code == 200 and "text/html" in response.headers.get("Content-Type", ""):
            yield path, response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["job_seeker", "employer"])
def test_no_page_a_job_seeker_or_employer_uses_renders_a_select_multiple(who, tree):
    vacancy = VacancyFactory(area=tree.c1, employer=EmployerFactory(area=tree.c1))
    user = SeekerProfileFactory(area=tree.c1).account if who == "job_seeker" else vacancy.employer.account
    client = Client()
    client.force_login(user)
    pages = dict(_html_pages(client, vacancy.pk))
    assert len(pages) > 10 and f"/jobs/vacancies/{vacancy.pk}/" in pages
    # The pages with the forms of each: the seeker's profile (wanted occupations), the employer's vacancy.
    assert ("/jobs/me/profile/" if who == "job_seeker" else "/jobs/employer/vacancies/new/") in pages
    offenders = [path for path, html in pages.items() if SELECT_MULTIPLE.search(html)]
    assert offenders == [], f"pages with a <select multiple>: {offenders}"
    # A page drawing the checkbox list with its filter box loads the script that runs the box.
    unscripted = [path for path, html in pages.items()
                  if "data-choice-search" in html and "portal/js/choice-search.js" not in html]
    assert unscripted == []
