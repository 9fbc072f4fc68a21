"""Reading the seed's text format (policy/importer.py); no database."""

import datetime
from pathlib import Path

import pytest

from policy.importer import (
    chinese_number,
    decode,
    parse_chinese_date,
    parse_policy_text,
)

SEED = Path(__file__).resolve().parents[2] / "policy" / "data" / "wuhan_2009_138.txt"

GOOD = """• 社保
好律师> 政策参考> 关于做好培训工作的通知
  • 【发布单位】武汉市人力资源和社会保障局
  • 【发布文号】武人社发〔2024〕5号
  • 【发布日期】2024-03-01
  • 【生效日期】2024-03-01
  • 【失效日期】2026-12-31
  • 【文件来源】武汉市
  • 【所属类别】职业培训

关于做好培训工作的通知

各区人力资源局:
请做好培训工作。

二〇二四年三月一日
close
"""


@pytest.fixture(scope="module")
def seed():
    return parse_policy_text(SEED.read_text(encoding="utf-8"))


def test_the_seed_gives_its_metadata_title_and_body(seed):
    assert seed.errors == []
    assert seed.title == "武汉市人民政府办公厅转发市人力资源和社会保障局关于进一步完善就业服务管理工作机制意见的通知"
    assert seed.document_number == "武政办〔2009〕138号"
    assert seed.issuer == "银川市人民政府"
    assert seed.publish_date == datetime.date(2009, 9, 4)
    assert seed.effective_date == datetime.date(2009, 9, 4)
    assert seed.expiry_date is None  # "--" means none
    assert seed.source == "银川市"
    assert seed.category == "政策参考"


def test_the_seed_body_keeps_the_text_and_drops_navigation_title_repeats_and_footer(seed):
    assert seed.body.startswith("(武政办〔2009〕138号)\n\n各区人民政府,市人民政府各部门:")
    assert seed.body.endswith("武汉市人力资源和社会保障局\n\n二00九年九月四日")
    assert "一、积极推行就业服务管理工作信息化" in seed.body
    assert seed.title not in seed.body
    for dropped in ("离婚", "营业执照", "好律师", "仅供您参考", "close", "扫一扫"):
        assert dropped not in seed.body
    assert "• 离婚" in seed.navigation and len(seed.footer) == 3
    assert seed.breadcrumb.startswith("好律师> 法律法规库")
    assert "\n\n\n" not in seed.body


def test_the_seed_is_flagged_for_naming_yinchuan_while_number_and_text_are_wuhan(seed):
    codes = {issue.code: issue for issue in seed.warnings}
    assert "issuer_place_mismatch" in codes and "source_place_mismatch" in codes
    message = codes["issuer_place_mismatch"].message
    assert "银川市" in message and "武汉市" in message and "武政办〔2009〕138号" in message
    # The issuer is reported, not replaced by a guess.
    assert seed.issuer == "银川市人民政府"


def test_the_seed_is_flagged_for_a_date_in_the_text_that_is_not_the_publish_date(seed):
    dates = [issue for issue in seed.warnings if issue.code == "date_mismatch"]
    assert len(dates) == 1
    assert "二00九年九月二十五日" in dates[0].message and "2009-09-25" in dates[0].message
    assert "2009-09-04" in dates[0].message
    # 二00九年九月四日 agrees with the publish date and is not flagged.
    assert [d for _, d in seed.text_dates] == [datetime.date(2009, 9, 25), datetime.date(2009, 9, 4)]


def test_the_seed_has_no_other_warnings(seed):
    assert sorted(issue.code for issue in seed.warnings) == [
        "date_mismatch", "issuer_place_mismatch", "source_place_mismatch"]


@pytest.mark.parametrize("text, expected", [
    ("二00九年九月二十五日", datetime.date(2009, 9, 25)),
    ("二〇〇九年九月四日", datetime.date(2009, 9, 4)),
    ("二○○九年十月十日", datetime.date(2009, 10, 10)),
    ("二零一一年十二月三十一日", datetime.date(2011, 12, 31)),
    ("2009年9月4日", datetime.date(2009, 9, 4)),
    ("２００９年９月４日", datetime.date(2009, 9, 4)),
    ("二00九年二月三十日", None),  # no such day
    ("九月四日", None),
])
def test_chinese_dates_are_read_with_every_way_of_writing_zero(text, expected):
    assert parse_chinese_date(text) == expected


def test_chinese_month_and_day_numbers():
    assert [chinese_number(t) for t in ("四", "十", "十二", "二十", "二十五", "三十一", "09")] == [4, 10, 12, 20, 25, 31, 9]
    assert chinese_number("十十") is None


def test_a_file_in_the_format_without_problems_has_no_warnings():
    parsed = parse_policy_text(GOOD)
    assert parsed.errors == [] and parsed.warnings == []
    assert parsed.expiry_date == datetime.date(2026, 12, 31)
    assert parsed.body == "各区人力资源局:\n请做好培训工作。\n\n二〇二四年三月一日"


def test_a_file_without_the_metadata_block_says_so():
    parsed = parse_policy_text("关于做好培训工作的通知\n\n正文。")
    assert [e.code for e in parsed.errors] == ["missing_metadata"]
    assert "【发布单位】" in parsed.errors[0].message


def test_a_missing_metadata_line_is_named():
    parsed = parse_policy_text(GOOD.replace("  • 【发布日期】2024-03-01\n", ""))
    assert [(e.code, e.part) for e in parsed.errors] == [("missing_field", "publish_date")]
    assert "【发布日期】" in parsed.errors[0].message


def test_a_bad_date_is_named_with_its_value():
    parsed = parse_policy_text(GOOD.replace("【生效日期】2024-03-01", "【生效日期】明年"))
    assert [(e.code, e.part) for e in parsed.errors] == [("bad_date", "effective_date")]
    assert "明年" in parsed.errors[0].message


def test_a_missing_title_and_body_are_named():
    head = GOOD.split("关于做好培训工作的通知\n\n各区")[0]
    assert [e.code for e in parse_policy_text(head).errors] == ["missing_title", "missing_body"]
    only_title = head + "关于做好培训工作的通知\n\nclose\n"
    assert [e.code for e in parse_policy_text(only_title).errors] == ["missing_body"]


def test_an_expiry_before_the_effective_date_is_an_error():
    parsed = parse_policy_text(GOOD.replace("【失效日期】2026-12-31", "【失效日期】2023-12-31"))
    assert [(e.code, e.part) for e in parsed.errors] == [("expiry_before_effective", "expiry_date")]


def test_a_number_in_the_text_that_differs_from_the_metadata_is_flagged():
    text = GOOD.replace("各区人力资源局:", "(武人社发〔2024〕9号)\n\n各区人力资源局:")
    assert [w.code for w in parse_policy_text(text).warnings] == ["number_mismatch"]
    same = GOOD.replace("各区人力资源局:", "（武人社发[2024]5号）\n\n各区人力资源局:")
    assert parse_policy_text(same).warnings == []


def test_a_number_of_another_year_than_the_publish_date_is_flagged():
    text = GOOD.replace("【发布文号】武人社发〔2024〕5号", "【发布文号】武人社发〔2023〕5号")
    assert [w.code for w in parse_policy_text(text).warnings] == ["number_year_mismatch"]


def test_files_in_utf8_with_bom_and_in_gb18030_are_read():
    assert decode("【发布单位】武汉".encode("utf-8-sig")) == "【发布单位】武汉"
    assert decode("【发布单位】武汉".encode("gb18030")) == "【发布单位】武汉"
    assert decode(b"\xff\xfe\x00\xd8") is None
