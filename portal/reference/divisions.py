"""Loading the tier tree from a division table (code, name, level, parent_code)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from portal.audit import audit_record
from portal.constants import (
    LEVEL_ORDER,
    LEVEL_PREFIX_WIDTH,
    PARENT_LEVEL,
    AreaLevel,
    AuditEventType,
)
from portal.models import Area, User

WUHAN_DIVISIONS = Path(__file__).resolve().parent / "data" / "wuhan_divisions.csv"
COLUMNS = ["code", "name", "level", "parent_code"]
# Import reports are read by the city's data administrators, in Chinese.
LEVEL_ZH = {"province": "省", "city": "市", "district": "区", "street": "街道", "community": "社区"}


class AreaImportError(Exception):
    """The table was refused; ``errors`` names each bad line. Nothing was written."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


@dataclass
class AreaRow:
    line: int
    code: str
    name: str
    level: str
    parent_code: str


@dataclass
class AreaLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    total: int = 0
    not_in_file: list[str] = field(default_factory=list)


def _parse(text: str) -> list[AreaRow]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or [h.strip().lstrip("\ufeff") for h in header] != COLUMNS:
        raise AreaImportError([f"第 1 行：表头应为 {','.join(COLUMNS)}，实际为 {','.join(header or [])}"])
    rows, errors = [], []
    for line, values in enumerate(reader, start=2):
        if not values or all(not v.strip() for v in values):
            continue
        if len(values) != len(COLUMNS):
            errors.append(f"第 {line} 行：应有 {len(COLUMNS)} 列，实际 {len(values)} 列")
            continue
        rows.append(AreaRow(line, *(v.strip() for v in values)))
    if errors:
        raise AreaImportError(errors)
    return rows


def _validate(rows: list[AreaRow], existing: dict[str, Area]) -> list[str]:
    errors: list[str] = []
    seen: dict[str, AreaRow] = {}
    for row in rows:
        problem = None
        if not (len(row.code) == 12 and row.code.isdigit()):
            problem = f"区划代码“{row.code}”应为 12 位数字"
        elif row.code in seen:
            problem = f"区划代码 {row.code} 与第 {seen[row.code].line} 行重复"
        elif not row.name or len(row.name) > 64:
            problem = "名称不能为空且不超过 64 个字"
        elif row.level not in AreaLevel.values:
            problem = f"层级“{row.level}”无效，应为 {', '.join(AreaLevel.values)} 之一"
        elif row.code[LEVEL_PREFIX_WIDTH[AreaLevel(row.level)]:].strip("0"):
            problem = f"区划代码 {row.code} 与层级 {row.level} 不符（该层级代码末尾应为 0）"
        if problem:
            errors.append(f"第 {row.line} 行：{problem}")
            continue
        seen[row.code] = row

    for row in seen.values():
        level = AreaLevel(row.level)
        if not row.parent_code:
            if level not in (AreaLevel.PROVINCE, AreaLevel.CITY):
                errors.append(f"第 {row.line} 行：{LEVEL_ZH[level]}必须有上级区划")
            continue
        parent = seen.get(row.parent_code)
        parent_level = parent.level if parent else (existing[row.parent_code].level if row.parent_code in existing else None)
        if parent_level is None:
            errors.append(f"第 {row.line} 行：上级区划代码 {row.parent_code} 不存在")
        elif parent_level != PARENT_LEVEL[level]:
            errors.append(f"第 {row.line} 行：{LEVEL_ZH[level]}的上级应为{LEVEL_ZH[PARENT_LEVEL[level]]}，"
                          f"而 {row.parent_code} 是{LEVEL_ZH[parent_level]}")
        elif not row.code.startswith(Area.path_for(row.parent_code, parent_level)):
            errors.append(f"第 {row.line} 行：区划代码 {row.code} 不以上级 {row.parent_code} 的代码前缀开头")
    return errors


def areas_load(*, text: str, actor: User | None = None, source: str = "", progress=None) -> AreaLoadResult:
    """Create or update areas from a division table, all or nothing.

    Rows already present with the same name, level and parent are left alone; a changed name or
    parent updates the row. Areas missing from the table are kept (records point at them) and
    listed in the result.
    """
    rows = _parse(text)
    existing = {a.code: a for a in Area.objects.all()}
    errors = _validate(rows, existing)
    if errors:
        raise AreaImportError(errors)

    result = AreaLoadResult(total=len(rows))
    with transaction.atomic():
        for level in LEVEL_ORDER:  # parents before children
            to_create, to_update = [], []
            for row in rows:
                if row.level != level:
                    continue
                parent_id = row.parent_code or None
                area = existing.get(row.code)
                if area is None:
                    area = Area(code=row.code, name=row.name, level=row.level, parent_id=parent_id,
                                path=Area.path_for(row.code, row.level))
                    to_create.append(area)
                elif (area.name, area.level, area.parent_id) != (row.name, row.level, parent_id):
                    old = {"name": area.name, "level": area.level, "parent": area.parent_id}
                    area.name, area.level, area.parent_id = row.name, row.level, parent_id
                    area.path = Area.path_for(area.code, area.level)
                    to_update.append((area, old))
                else:
                    result.unchanged += 1
            Area.objects.bulk_create(to_create, batch_size=1000)
            if to_update:
                Area.objects.bulk_update([a for a, _ in to_update], ["name", "level", "parent", "path"])
            for area, old in to_update:
                audit_record(event_type=AuditEventType.AREA_UPDATED, actor=actor, obj=area, area=area, old=old,
                             new={"name": area.name, "level": area.level, "parent": area.parent_id})
            result.created += len(to_create)
            result.updated += len(to_update)
            if progress:
                progress(level, len(to_create), len(to_update))
        if result.created:
            audit_record(event_type=AuditEventType.AREA_CREATED, actor=actor,
                         new={"count": result.created, "source": source})
    in_file = {row.code for row in rows}
    result.not_in_file = sorted(code for code in existing if code not in in_file)
    return result


def areas_load_file(*, path: Path | str = WUHAN_DIVISIONS, actor: User | None = None, progress=None) -> AreaLoadResult:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise AreaImportError([f"文件 {path.name} 不是 UTF-8 编码：{exc}"]) from exc
    return areas_load(text=text, actor=actor, source=path.name, progress=progress)



