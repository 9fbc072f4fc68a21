"""The search page's result cards and facet lists.

A result page shows up to 50 cards and thirty-odd facet links, and the template engine's cost
per tag made the cards alone cost more than the whole API request for the same search
(bench/search_load.py), so both are written here with the markup the template had: a card's
title linked to the vacancy's page, the salary, the employer, where and when, and the tags; a
facet's values as links that narrow the search, the chosen one with a link that removes it.
tests/jobs/test_search_cards.py holds both to the template they replaced; the strings are the
catalogue's.
"""

from __future__ import annotations

from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

from jobs.selectors.search import VacancyHit

register = template.Library()

FLAGS = [
    ("is_public_welfare", gettext_noop("Public-welfare post")),
    ("open_to_hard_to_employ", gettext_noop("Open to hard-to-employ people")),
    ("for_graduates", gettext_noop("For graduates")),
]
URL_SENTINEL = 999_999_999_999  # reversed once per list; each card's id replaces it


@register.simple_tag
def vacancy_cards(vacancies: list[VacancyHit]) -> SafeString:
    """The results as list items, each an article labelled by its title. What is the same for every
    card (the catalogue's strings, the shape of the vacancy's address) is worked out once."""
    url = reverse("jobs:vacancy-detail", args=[URL_SENTINEL])
    salary_text = gettext("%(low)s–%(high)s yuan a month")
    posted_text = gettext("Posted %(date)s")
    tags_label = gettext("Requirements and features")
    flag_items = [(name, f'<li class="badge flag">{gettext(label)}</li>') for name, label in FLAGS]
    cards = []
    for vacancy in vacancies:
        pk = vacancy.pk
        area_name = vacancy.area.name
        where = escape(area_name)
        if vacancy.district_name and vacancy.district_name != area_name:
            where = f"{escape(vacancy.district_name)} · {where}"
        flags = "\n            ".join(item if getattr(vacancy, name) else "" for name, item in flag_items)
        cards.append(
            f'\n      <li>\n        <article class="vacancy-card" aria-labelledby="vacancy-{pk}">\n'
            f'          <h3 id="vacancy-{pk}"><a href="{url.replace(str(URL_SENTINEL), str(pk))}">'
            f'{escape(vacancy.title)}</a></h3>\n'
            f'          <p class="salary">{salary_text % {"low": vacancy.salary_min, "high": vacancy.salary_max}}</p>\n'
            f'          <p class="employer">{escape(vacancy.employer.name)}</p>\n'
            f'          <p class="muted">{where}\n'
            f'            · <span>{posted_text % {"date": escape(vacancy.published_on)}}</span></p>\n'
            f'          <ul class="tags" aria-label="{tags_label}">\n'
            f'            <li class="badge">{escape(vacancy.occupation.name)}</li>\n'
            f'            <li class="badge">{escape(vacancy.get_education_display())}</li>\n'
            f'            <li class="badge">{escape(vacancy.get_working_time_display())}</li>\n'
            f'            {flags}\n'
            f'          </ul>\n        </article>\n      </li>\n      ')
    return mark_safe("".join(cards))


FACET_TITLES = {"district": gettext_noop("District"), "occupation": gettext_noop("Occupation")}


@register.simple_tag
def facet_groups(groups: list[dict]) -> SafeString:
    """Each facet with values as a section: a heading and the values (with their counts when
    counted) as links; the selected value as text with a link that removes it."""
    remove_text = gettext("Remove %(label)s")
    sections = []
    for group in groups:
        if not group["values"]:
            continue
        items = []
        for value in group["values"]:
            label = escape(str(value.label))
            if value.selected:
                count = "" if value.count is None else f" ({value.count})"
                item = (f'<strong aria-current="true">{label}{count}</strong>\n'
                        f'            <a href="{escape(value.remove_url)}" class="remove" '
                        f'aria-label="{remove_text % {"label": label}}">×</a>\n          ')
            else:
                count = "" if value.count is None else f' <span class="count">({value.count})</span>'
                item = f'<a href="{escape(value.url)}">{label}{count}</a>'
            items.append(f"\n        <li>{item}</li>\n        ")
        title = gettext(FACET_TITLES.get(group["name"], gettext_noop("Education")))
        sections.append(f'\n    <section class="facet">\n      <h2>{title}</h2>\n      <ul>\n        '
                        f'{"".join(items)}\n      </ul>\n    </section>\n    ')
    return mark_safe("".join(sections))
