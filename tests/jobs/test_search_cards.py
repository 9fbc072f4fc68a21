"""``{% vacancy_cards %}`` and ``{% facet_groups %}`` write what the search page's loops wrote."""

from __future__ import annotations

import datetime

import pytest
from django.template import engines
from django.utils import timezone
from django.utils.translation import override

from jobs.selectors.search import AreaRef, EmployerRef, FacetValue, OccupationRef, VacancyHit

RESULT_LOOP = """{% load i18n %}
      {% for vacancy in result.vacancies %}
      <li>
        <article class="vacancy-card" aria-labelledby="vacancy-{{ vacancy.pk }}">
          <h3 id="vacancy-{{ vacancy.pk }}"><a href="{% url 'jobs:vacancy-detail' vacancy.pk %}">{{ vacancy.title }}</a></h3>
          <p class="salary">{% blocktranslate with low=vacancy.salary_min high=vacancy.salary_max %}{{ low }}–{{ high }} yuan a month{% endblocktranslate %}</p>
          <p class="employer">{{ vacancy.employer.name }}</p>
          <p class="muted">{% if vacancy.district_name and vacancy.district_name != vacancy.area.name %}{{ vacancy.district_name }} · {% endif %}{{ vacancy.area.name }}
            · <span>{% blocktranslate with date=vacancy.published_at|date:"Y-m-d" %}Posted {{ date }}{% endblocktranslate %}</span></p>
          <ul class="tags" aria-label="{% translate 'Requirements and features' %}">
            <li class="badge">{{ vacancy.occupation.name }}</li>
            <li class="badge">{{ vacancy.get_education_display }}</li>
            <li class="badge">{{ vacancy.get_working_time_display }}</li>
            {% if vacancy.is_public_welfare %}<li class="badge flag">{% translate "Public-welfare post" %}</li>{% endif %}
            {% if vacancy.open_to_hard_to_employ %}<li class="badge flag">{% translate "Open to hard-to-employ people" %}</li>{% endif %}
            {% if vacancy.for_graduates %}<li class="badge flag">{% translate "For graduates" %}</li>{% endif %}
          </ul>
        </article>
      </li>
      {% endfor %}"""  # noqa: E501


def hit(pk: int, **overrides) -> VacancyHit:
    values = dict(
        pk=pk, title="电焊工<script>&", salary_min=4500, salary_max=12000, education="senior_middle",
        working_time="shifts", experience_years=1, headcount=2, is_public_welfare=False,
        open_to_hard_to_employ=False, for_graduates=False,
        # 23:30 UTC is the next morning in Beijing: the day shown is the local one.
        published_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.timezone.utc),
        closing_date=datetime.date(2026, 6, 1), area_path="420102002003",
        employer=EmployerRef(7, "武汉\"钢\"铁 & 公司"), area=AreaRef("420102002003", "保成社区", "community"),
        occupation=OccupationRef("6-18", "机械<制造>人员"), district_name="江岸区")
    values.update(overrides)
    return VacancyHit(**values)


VACANCIES = [
    hit(1),
    hit(22, is_public_welfare=True, open_to_hard_to_employ=True, for_graduates=True, district_name=""),
    hit(333, for_graduates=True, area=AreaRef("420102000000", "江岸区", "district")),
    hit(4444, education="unknown", working_time="other", published_at=None, open_to_hard_to_employ=True),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_cards_are_the_result_loop_markup(language):
    engine = engines["django"]
    with override(language), timezone.override("Asia/Shanghai"):
        expected = engine.from_string(RESULT_LOOP).render({"result": {"vacancies": VACANCIES}})
        written = engine.from_string("{% load jobs_search %}\n      {% vacancy_cards vacancies %}").render(
            {"vacancies": VACANCIES})
    assert written == expected
    assert ">2026-03-02 " in written or "Posted 2026-03-02" in written


def test_no_vacancies_no_cards():
    assert engines["django"].from_string("{% load jobs_search %}{% vacancy_cards vacancies %}").render(
        {"vacancies": []}) == ""


FACET_LOOP = """{% load i18n %}
    {% for group in facet_groups %}{% if group.values %}
    <section class="facet">
      <h2>{% if group.name == "district" %}{% translate "District" %}{% elif group.name == "occupation" %}{% translate "Occupation" %}{% else %}{% translate "Education" %}{% endif %}</h2>
      <ul>
        {% for value in group.values %}
        <li>{% if value.selected %}<strong aria-current="true">{{ value.label }}{% if value.count is not None %} ({{ value.count }}){% endif %}</strong>
            <a href="{{ value.remove_url }}" class="remove" aria-label="{% blocktranslate with label=value.label %}Remove {{ label }}{% endblocktranslate %}">×</a>
          {% else %}<a href="{{ value.url }}">{{ value.label }}{% if value.count is not None %} <span class="count">({{ value.count }})</span>{% endif %}</a>{% endif %}</li>
        {% endfor %}
      </ul>
    </section>
    {% endif %}{% endfor %}"""  # noqa: E501


def facet(value, label, count, selected=False):
    found = FacetValue(value=value, label=label, count=count, selected=selected)
    found.url, found.remove_url = f"?q=x&a=1&v={value}", "?q=x&a=1"
    return found


GROUPS = [
    {"name": "district", "values": [facet("420102000000", "江岸区", 12), facet("420106000000", "武昌<区>", None, True)]},
    {"name": "occupation", "values": []},
    {"name": "occupation", "values": [facet("6", "生产制造 & 有关人员", 5000, True)]},
    {"name": "education", "values": [facet("bachelor", "Bachelor \"degree\"", 0), facet("none", "None", None)]},
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_facets_are_the_facet_loop_markup(language):
    engine = engines["django"]
    with override(language):
        expected = engine.from_string(FACET_LOOP).render({"facet_groups": GROUPS})
        written = engine.from_string("{% load jobs_search %}\n    {% facet_groups groups %}").render(
            {"groups": GROUPS})
    assert written == expected
    assert "&amp;a=1" in written
