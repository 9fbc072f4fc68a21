"""Reading a policy document in the text format of the seed file (a page saved from a law library).

The format, top to bottom::

    • 离婚                       site navigation: bullet lines   (dropped)
      • 社保 …
    好律师> 法律法规库> … > TITLE  a breadcrumb ending in the title  (dropped, compared)
      • 【发布单位】银川市人民政府   the metadata block, one 【label】value a line
      • 【发布文号】武政办〔2009〕138号
      • 【发布日期】2009-09-04
      • 【生效日期】2009-09-04
      • 【失效日期】--            "--" means none
      • 【文件来源】银川市
      • 【所属类别】政策参考
    TITLE                        the title, possibly repeated
    (武政办〔2009〕138号)
    …                            the body
    “好律师网”提供的…仅供您参考   a footer: disclaimer, "close", share prompts  (dropped)

``parse_policy_text`` returns what it read, what it dropped, the parts that are missing or
malformed (``errors``: nothing may be saved) and what looks inconsistent (``warnings``: reported
to the editor, never corrected by guessing):

- an issuing body or source naming one place while the document number and the text belong to
  another (the seed names 银川市 for a 武汉市 notice);
- dates written in the text (signature lines such as 二00九年九月二十五日) that are not the
  publish or effective date;
- a document number in the text that differs from the metadata, or whose year is not the
  publish year; a breadcrumb naming another title.

No database access here: the services decide what to do with the result.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from policy.search import normalise, number_key

LABELS = {
    "发布单位": "issuer",
    "发布文号": "document_number",
    "发布日期": "publish_date",
    "生效日期": "effective_date",
    "失效日期": "expiry_date",
    "文件来源": "source",
    "所属类别": "category",
}
REQUIRED_LABELS = ["发布单位", "发布文号", "发布日期", "生效日期", "失效日期"]
DATE_FIELDS = {"publish_date", "effective_date", "expiry_date"}
NONE_VALUES = {"--", "—", "——", "-", "无", ""}

METADATA_LINE = re.compile(r"^\s*[•·\-*]?\s*【\s*([^】]+?)\s*】\s*(.*?)\s*$")
NAVIGATION_LINE = re.compile(r"^\s*[•·]\s*\S")
# Lines of a saved web page's footer: disclaimers, share prompts, window controls.
FOOTER_LINE = re.compile(
    r"仅供.{0,3}参考|扫一扫|分享到|版权所有|返回顶部|打印本页|关闭窗口|提供的法律法规|^\s*(close|×|关闭|打印|收藏)\s*$",
    re.IGNORECASE)

# The first character of a document number names the issuing place (武政办 → 武汉市). A small
# table of the places this portal meets; an unknown prefix is simply not compared.
NUMBER_PREFIX_PLACES = {
    "武": "武汉市", "鄂": "湖北省", "银": "银川市", "宁": "宁夏回族自治区", "京": "北京市", "沪": "上海市",
    "津": "天津市", "渝": "重庆市", "穗": "广州市", "深": "深圳市", "黄": "黄石市", "襄": "襄阳市", "宜": "宜昌市",
}
PLACE = re.compile(r"^([\u4e00-\u9fff]{2,7}?(?:自治区|自治州|省|市|地区|盟|县))")
NUMBER_IN_TEXT = re.compile(r"^[(（]?\s*([\u4e00-\u9fff]{1,8}\s*[〔\[(（【［〖]\s*[0-9０-９]{4}\s*[〕\])）】］〗]\s*"
                            r"[0-9０-９]+\s*号)\s*[)）]?$")
NUMBER_YEAR = re.compile(r"〔(\d{4})〕")

# Dates written in Chinese: 二00九年九月二十五日, 二〇〇九年九月四日, 2009年9月4日.
_YEAR_DIGITS = "0-9０-９〇○零ＯOo一二三四五六七八九"
_MD_DIGITS = "0-9０-９一二三四五六七八九十"
CHINESE_DATE = re.compile(rf"([{_YEAR_DIGITS}]{{4}})\s*年\s*([{_MD_DIGITS}]{{1,3}})\s*月\s*([{_MD_DIGITS}]{{1,3}})\s*日")
DATE_LINE = re.compile(rf"^[(（]?\s*{CHINESE_DATE.pattern}\s*[)）]?$")
_DIGIT = {**{c: 0 for c in "0０〇○零ＯOo"}, **{str(n): n for n in range(10)},
          **{chr(0xFF10 + n): n for n in range(10)},
          **dict(zip("一二三四五六七八九", range(1, 10)))}


@dataclass(frozen=True)
class Issue:
    """A problem found in a file: ``part`` names where (a field, ``metadata``, ``title``, ``body``)."""

    code: str
    message: str
    part: str = ""

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "part": self.part}


@dataclass
class ParsedDocument:
    title: str = ""
    document_number: str = ""
    issuer: str = ""
    publish_date: datetime.date | None = None
    effective_date: datetime.date | None = None
    expiry_date: datetime.date | None = None
    source: str = ""
    category: str = ""
    body: str = ""
    breadcrumb: str = ""
    navigation: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    text_dates: list[tuple[str, datetime.date]] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    FIELDS = ("title", "document_number", "issuer", "publish_date", "effective_date", "expiry_date", "source",
              "category", "body")

    @property
    def ok(self) -> bool:
        return not self.errors

    def values(self) -> dict:
        return {name: getattr(self, name) for name in self.FIELDS}


def decode(data: bytes) -> str | None:
    """The text of an uploaded file: UTF-8 (with or without BOM) or GB18030; None if neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def chinese_number(text: str) -> int | None:
    """A month or day in Chinese or Arabic digits: 九 → 9, 二十五 → 25, 十 → 10, 04 → 4."""
    if "十" in text:
        head, _sep, tail = text.partition("十")
        tens = _DIGIT.get(head) if head else 1
        ones = _DIGIT.get(tail) if tail else 0
        if tens is None or ones is None or len(head) > 1 or len(tail) > 1:
            return None
        return tens * 10 + ones
    digits = [_DIGIT.get(c) for c in text]
    if any(d is None for d in digits):
        return None
    value = 0
    for d in digits:
        value = value * 10 + d
    return value


def parse_chinese_date(text: str) -> datetime.date | None:
    """The date written in ``text`` (二00九年九月二十五日, 二〇〇九年九月四日, 2009年9月4日), or None."""
    match = CHINESE_DATE.search(text or "")
    if not match:
        return None
    year_text, month_text, day_text = match.groups()
    year_digits = [_DIGIT.get(c) for c in year_text]
    if any(d is None for d in year_digits):
        return None
    year = int("".join(str(d) for d in year_digits))
    month, day = chinese_number(month_text), chinese_number(day_text)
    if month is None or day is None:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _iso_date(value: str) -> datetime.date | None:
    value = normalise(value).strip().replace("/", "-").replace(".", "-")
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if match:
        try:
            return datetime.date(*map(int, match.groups()))
        except ValueError:
            return None
    return parse_chinese_date(value)


def place_of(name: str) -> str:
    """The place an organisation or source names first: 银川市人民政府 → 银川市; '' if none."""
    match = PLACE.match((name or "").strip())
    return match.group(1) if match else ""


def _place_stem(place: str) -> str:
    """湖北省 → 湖北, 武汉市 → 武汉: how the text usually mentions it."""
    for suffix in ("自治区", "自治州", "地区", "省", "市", "盟", "县"):
        if place.endswith(suffix) and len(place) > len(suffix) + 1:
            return place[: -len(suffix)]
    return place


def _collapse_blank_lines(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if not line.strip():
            if out and out[-1] != "":
                out.append("")
            continue
        out.append(line.strip())
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out)


def parse_policy_text(text: str) -> ParsedDocument:
    """Read one document in the seed's format; see the module docstring."""
    parsed = ParsedDocument()
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")

    def error(code: str, message: str, part: str) -> None:
        parsed.errors.append(Issue(code, message, part))

    # 1. The metadata block: the first run of 【label】value lines (blank lines may separate them).
    meta_rows = [(i, METADATA_LINE.match(line)) for i, line in enumerate(lines)]
    meta_rows = [(i, m) for i, m in meta_rows if m and m.group(1) in LABELS]
    if not meta_rows:
        error("missing_metadata", _("No metadata block was found: the file needs lines such as "
                                    "“【发布单位】…”, “【发布文号】…” and “【发布日期】…” before the title."), "metadata")
        return parsed
    start = meta_rows[0][0]
    end = start
    found: dict[str, str] = {}
    for i, match in meta_rows:
        if any(lines[j].strip() and not METADATA_LINE.match(lines[j]) for j in range(end + 1, i)):
            break  # a later 【…】 line inside the body is not metadata
        end = i
        found.setdefault(match.group(1), match.group(2))
    for label in REQUIRED_LABELS:
        if label not in found:
            error("missing_field", _("The metadata line “【%(label)s】” is missing.") % {"label": label},
                  LABELS[label])
    for label, raw in found.items():
        name = LABELS[label]
        value = raw.strip()
        if name in DATE_FIELDS:
            if value in NONE_VALUES:
                if name != "expiry_date":
                    error("missing_field", _("“【%(label)s】” has no date.") % {"label": label}, name)
                continue
            date = _iso_date(value)
            if date is None:
                error("bad_date", _("“【%(label)s】” is not a date: “%(value)s”.") % {"label": label, "value": value},
                      name)
            setattr(parsed, name, date)
        elif name == "document_number":
            parsed.document_number = "" if value in NONE_VALUES else value
        else:
            setattr(parsed, name, "" if value in NONE_VALUES else value)
    if "发布单位" in found and not parsed.issuer:
        error("missing_field", _("“【发布单位】” is empty."), "issuer")

    # 2. Before the block: site navigation and a breadcrumb ending in the title.
    before = [line.strip() for line in lines[:start] if line.strip()]
    crumbs = [line for line in before if ">" in line or "＞" in line]
    parsed.breadcrumb = crumbs[-1] if crumbs else ""
    parsed.navigation = before

    # 3. After the block: the title (possibly repeated), the body, and a footer at the end.
    rest = lines[end + 1:]
    position = 0
    while position < len(rest) and not rest[position].strip():
        position += 1
    if position >= len(rest):
        error("missing_title", _("No title was found after the metadata block."), "title")
        error("missing_body", _("No body text was found after the title."), "body")
        return parsed
    parsed.title = rest[position].strip()
    position += 1
    while position < len(rest) and (not rest[position].strip() or rest[position].strip() == parsed.title):
        position += 1
    body_lines = rest[position:]
    footer_start = len(body_lines)
    while footer_start > 0 and (not body_lines[footer_start - 1].strip()
                                or FOOTER_LINE.search(body_lines[footer_start - 1])):
        footer_start -= 1
    parsed.footer = [line.strip() for line in body_lines[footer_start:] if line.strip()]
    parsed.body = _collapse_blank_lines(body_lines[:footer_start])
    if not parsed.body:
        error("missing_body", _("No body text was found after the title."), "body")
    if len(parsed.title) > 200:
        error("title_too_long", _("The title is longer than 200 characters; is the file in the format?"), "title")

    if (parsed.effective_date and parsed.expiry_date and parsed.expiry_date < parsed.effective_date):
        error("expiry_before_effective", _("The expiry date %(expiry)s is before the effective date %(effective)s.")
              % {"expiry": parsed.expiry_date.isoformat(), "effective": parsed.effective_date.isoformat()},
              "expiry_date")

    _check_consistency(parsed)
    return parsed


def _check_consistency(parsed: ParsedDocument) -> None:
    """Warnings: what the file says in two places that do not agree."""
    def warn(code: str, message: str, part: str) -> None:
        parsed.warnings.append(Issue(code, message, part))

    text = f"{parsed.title}\n{parsed.body}"
    number = parsed.document_number
    key = number_key(number)

    # Places: the issuer and the source against the number's prefix and the title's place.
    number_place = NUMBER_PREFIX_PLACES.get(key[:1], "") if key else ""
    title_place = place_of(parsed.title)
    document_place = number_place or title_place
    if document_place and _place_stem(document_place) in text:
        for name, label, code in (("issuer", "发布单位", "issuer_place_mismatch"),
                                  ("source", "文件来源", "source_place_mismatch")):
            value = getattr(parsed, name)
            place = place_of(value)
            if not place or place == document_place or _place_stem(place) in text:
                continue
            if number_place:
                message = _("“【%(label)s】” names %(place)s (“%(value)s”), but the document number %(number)s and "
                            "the text belong to %(other)s.")
            else:
                message = _("“【%(label)s】” names %(place)s (“%(value)s”), but the title and the text belong to "
                            "%(other)s.")
            warn(code, message % {"label": label, "place": place, "value": value, "number": number,
                                  "other": document_place}, name)

    # Dates written on their own line (signatures) against the publish and effective dates.
    if parsed.publish_date:
        known = {parsed.publish_date, parsed.effective_date}
        seen = set()
        for line in parsed.body.split("\n"):
            line = line.strip()
            if not DATE_LINE.match(line):
                continue
            date = parse_chinese_date(line)
            if date is None or date in seen:
                continue
            seen.add(date)
            parsed.text_dates.append((line, date))
            if date in known:
                continue
            if date > parsed.publish_date:
                message = _("The text is dated %(written)s (%(date)s), after the publish date %(publish)s.")
            else:
                message = _("The text is dated %(written)s (%(date)s), before the publish date %(publish)s.")
            warn("date_mismatch", message % {"written": line, "date": date.isoformat(),
                                             "publish": parsed.publish_date.isoformat()}, "publish_date")

    # The number written in the text, and the year inside the number.
    for line in parsed.body.split("\n")[:8]:
        match = NUMBER_IN_TEXT.match(line.strip())
        if match and key and number_key(match.group(1)) != key:
            warn("number_mismatch", _("The text gives the document number %(text)s, the metadata %(number)s.")
                 % {"text": match.group(1), "number": number}, "document_number")
            break
    year = NUMBER_YEAR.search(key)
    if year and parsed.publish_date and int(year.group(1)) != parsed.publish_date.year:
        warn("number_year_mismatch", _("The document number %(number)s is of %(year)s, the publish date of "
                                       "%(publish_year)s.") % {"number": number, "year": year.group(1),
                                                              "publish_year": parsed.publish_date.year},
             "document_number")

    # The breadcrumb usually ends in the title.
    if parsed.breadcrumb and parsed.title:
        last = re.split(r"[>＞]", parsed.breadcrumb)[-1].strip()
        if last and last != parsed.title:
            warn("title_mismatch", _("The page's breadcrumb names “%(crumb)s”, the title is “%(title)s”.")
                 % {"crumb": last, "title": parsed.title}, "title")
