import pytest
from django.core.management import call_command

from policy.constants import DocumentStatus, Service
from policy.models import (
    PolicyDocument,
    PolicyVersion,
    ServiceGuide,
    ServiceWindow,
    TrainingCourse,
)
from policy.selectors.documents import DocumentFilters, document_search
from policy.selectors.guides import window_for
from portal.models import Area

pytestmark = pytest.mark.django_db


def test_policy_demo_imports_the_seed_and_writes_guides_windows_and_courses_once():
    call_command("demo_data")
    seed = PolicyDocument.objects.get(number_key="武政办〔2009〕138号")
    assert seed.status == DocumentStatus.PUBLISHED and seed.import_notes
    assert [d.pk for d in document_search(fetched_by=None, filters=DocumentFilters(q="就业服务"))] == [seed.pk]
    assert set(ServiceGuide.objects.values_list("service", flat=True)) == set(Service.values)
    assert ServiceWindow.objects.filter(area__code__in=["420102000000", "420106000000"]).count() == 2
    assert TrainingCourse.objects.filter(status="published").count() == 3
    counts = (PolicyDocument.objects.count(), PolicyVersion.objects.count(), ServiceGuide.objects.count(),
              ServiceWindow.objects.count(), TrainingCourse.objects.count())
    call_command("demo_data")
    assert (PolicyDocument.objects.count(), PolicyVersion.objects.count(), ServiceGuide.objects.count(),
            ServiceWindow.objects.count(), TrainingCourse.objects.count()) == counts
    # A community of 江岸区 without a window of its own is served by its district (or its street).
    community = Area.objects.filter(code__startswith="420102003", level="community").first()
    answer = window_for(fetched_by=None, area=community, service=Service.AGENCY_LICENCE)
    assert answer.window.area.code == "420102000000" and answer.fallback


def test_the_seed_is_published_with_the_issuer_its_text_names_and_version_1_keeps_the_import():
    from policy.demo import SEED_CORRECTION_NOTE, SEED_RETURN_REASON
    from portal.models import StatusChange

    call_command("demo_data")
    seed = PolicyDocument.objects.get(number_key="武政办〔2009〕138号")
    published = seed.published_version
    assert (published.issuer, published.source) == ("武汉市人民政府办公厅", "武汉市")
    assert published.number == 2 and published.note == SEED_CORRECTION_NOTE
    first = seed.versions.get(number=1)
    assert (first.issuer, first.source) == ("银川市人民政府", "银川市")  # as imported
    assert (first.title, first.body) == (published.title, published.body)
    # The reviewer returned the draft with the reason before the corrected version was published, and
    # the import's warnings about the corrected fields are gone (the others stay).
    moves = list(StatusChange.objects.filter(object_type="policy.policydocument", object_id=str(seed.pk))
                 .order_by("id").values_list("to_status", "note"))
    assert [status for status, _ in moves] == [DocumentStatus.IN_REVIEW, DocumentStatus.DRAFT,
                                               DocumentStatus.IN_REVIEW, DocumentStatus.PUBLISHED]
    assert moves[1][1] == SEED_RETURN_REASON
    assert not {note["part"] for note in seed.import_notes} & {"issuer", "source"}
    # The public reads the corrected issuer; running the demo again changes nothing.
    assert document_search(fetched_by=None, filters=DocumentFilters(issuer="武汉市人民政府办公厅")).get() == seed
    call_command("demo_data")
    assert PolicyVersion.objects.filter(document=seed).count() == 2
