import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portal.constants import AuditEventType
from portal.models import Area, AuditEvent
from portal.reference.divisions import AreaImportError, areas_load, areas_load_file

pytestmark = pytest.mark.django_db

HEADER = "code,name,level,parent_code\n"


def test_bundled_wuhan_table_gives_3702_areas_and_loading_twice_changes_nothing():
    assert Area.objects.count() == 3702  # loaded once by the session fixture
    result = areas_load_file()
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3702)
    assert Area.objects.count() == 3702
    counts = {level: Area.objects.filter(level=level).count() for level in ["city", "district", "street", "community"]}
    assert counts == {"city": 1, "district": 13, "street": 193, "community": 3495}


def test_paths_make_a_subtree_one_prefix_query():
    jiangan = Area.objects.get(code="420102000000")
    assert jiangan.path == "420102"
    subtree = Area.objects.filter(path__startswith=jiangan.path)
    assert subtree.exclude(pk=jiangan.pk).count() == Area.objects.filter(parent__parent=jiangan).count() + \
        Area.objects.filter(parent=jiangan).count()
    community = Area.objects.filter(path__startswith="420102", level="community").first()
    assert [a.level for a in community.ancestors()] == ["city", "district", "street"]


def test_changed_name_updates_the_area_and_is_audited():
    text = HEADER + "420102000000,江岸区（新名）,district,420100000000\n"
    result = areas_load(text=text)
    assert (result.created, result.updated) == (0, 1)
    assert Area.objects.get(code="420102000000").name == "江岸区（新名）"
    event = AuditEvent.objects.get(event_type=AuditEventType.AREA_UPDATED)
    assert event.old_values["name"] == "江岸区" and event.new_values["name"] == "江岸区（新名）"


def test_new_areas_are_created_under_existing_parents():
    text = HEADER + "420102999000,测试街道,street,420102000000\n420102999001,测试社区,community,420102999000\n"
    result = areas_load(text=text)
    assert result.created == 2
    assert Area.objects.get(code="420102999001").path == "420102999001"
    assert Area.objects.get(code="420102999000").path == "420102999"


@pytest.mark.parametrize("row, message", [
    ("42010200100,短代码,community,420102002000", "第 3 行：区划代码“42010200100”应为 12 位数字"),
    ("420102002999,坏层级,village,420102002000", "第 3 行：层级“village”无效"),
    ("420102002999,,community,420102002000", "第 3 行：名称不能为空"),
    ("420102002999,孤儿社区,community,420102777000", "第 3 行：上级区划代码 420102777000 不存在"),
    ("420103002999,错位社区,community,420102002000", "不以上级 420102002000 的代码前缀开头"),
    ("420102002999,错级社区,community,420102000000", "社区的上级应为街道"),
    ("420102002000,重复街道,street,420102000000\n420102002000,再次重复,street,420102000000", "与第 3 行重复"),
    ("420102002100,末尾非零的街道,street,420102000000", "与层级 street 不符"),
    ("420102002999,多列,community,420102002000,extra", "第 3 行：应有 4 列，实际 5 列"),
])
def test_malformed_row_is_refused_with_its_line_and_nothing_is_written(row, message):
    good = "420102888000,好街道,street,420102000000\n"
    with pytest.raises(AreaImportError) as caught:
        areas_load(text=HEADER + good + row + "\n")
    assert any(message in error for error in caught.value.errors), caught.value.errors
    assert not Area.objects.filter(code="420102888000").exists()


def test_wrong_header_is_refused():
    with pytest.raises(AreaImportError, match="第 1 行：表头应为"):
        areas_load(text="code,name\n420100000000,武汉市\n")


def test_command_reports_counts_and_refuses_bad_file(tmp_path, capsys):
    call_command("load_areas")
    assert "3702 rows: 0 created, 0 updated, 3702 unchanged." in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "4201,武汉市,city,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 2 行"):
        call_command("load_areas", str(bad))
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_areas", str(tmp_path / "missing.csv"))
