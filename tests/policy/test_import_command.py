"""The import_policy command: a preview by default, --apply saves, a bad file saves nothing."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from policy.models import PolicyDocument
from tests.policy.conftest import SEED

pytestmark = pytest.mark.django_db


def test_without_apply_the_command_prints_the_fields_and_inconsistencies_and_saves_nothing(tree, capsys):
    call_command("import_policy", str(SEED))
    out = capsys.readouterr().out
    assert "武政办〔2009〕138号" in out and "2009-09-04" in out and "政策参考" in out
    assert "Dropped: 12 navigation lines, 3 footer lines" in out
    assert out.count("Inconsistent:") == 3 and "银川市" in out and "二00九年九月二十五日" in out
    assert "--apply" in out
    assert not PolicyDocument.objects.exists()


def test_apply_saves_once_and_again_reports_it_unchanged(tree, capsys, city_admin):
    call_command("import_policy", str(SEED), "--apply", "--user", city_admin.username)
    document = PolicyDocument.objects.get()
    assert document.created_by == city_admin and document.area == tree.city
    assert f"Created document #{document.pk}" in capsys.readouterr().out
    call_command("import_policy", str(SEED), "--apply")
    assert "unchanged" in capsys.readouterr().out and PolicyDocument.objects.count() == 1
    call_command("import_policy", str(SEED))
    assert f"Would update document #{document.pk}" in capsys.readouterr().out


def test_a_file_not_in_the_format_is_refused_naming_the_missing_part(tree, tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_text(SEED.read_text(encoding="utf-8").replace("  • 【发布日期】2009-09-04\n", ""), encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_policy", str(bad), "--apply")
    assert "【发布日期】" in capsys.readouterr().out
    assert not PolicyDocument.objects.exists()
    with pytest.raises(CommandError):
        call_command("import_policy", str(tmp_path / "missing.txt"))
    with pytest.raises(CommandError):
        call_command("import_policy", str(SEED), "--apply", "--area", "999999999999")
