"""A city editor on a phone uploads the seed file, reads the preview with its inconsistencies, saves it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from policy.models import PolicyDocument
from portal.constants import StaffRole
from portal.models import Area
from tests.conftest import make_staff
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.browser

SEED = Path(__file__).resolve().parents[2] / "policy" / "data" / "wuhan_2009_138.txt"


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_editor_previews_the_seed_sees_the_inconsistencies_and_saves_it(page, live_server, artifacts_dir):
    editor = make_staff(StaffRole.ADMINISTRATOR, Area.objects.get(code="420100000000"), username="city_editor")
    page.goto(f"{live_server.url}/accounts/login/?next=/staff/policy/documents/import/")
    page.locator("#id_username").fill(editor.username)
    page.locator("#id_password").fill(TEST_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/staff/policy/documents/import/$"))

    page.locator("#id_file").set_input_files(str(SEED))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    warnings = page.locator(".import-preview .warnings li")
    expect(warnings).to_have_count(3)
    expect(warnings.nth(0)).to_contain_text("银川市")
    expect(warnings.nth(2)).to_contain_text("二00九年九月二十五日")
    expect(page.locator(".import-preview dl.facts")).to_contain_text("武政办〔2009〕138号")
    assert not PolicyDocument.objects.exists()
    assert _fits_the_phone(page)
    page.screenshot(path=str(artifacts_dir / "policy-import-preview-phone.png"), full_page=True)

    with page.expect_navigation():
        page.locator("form.confirm-form button[name=confirm]").click()
    document = PolicyDocument.objects.get()
    expect(page).to_have_url(re.compile(rf"/staff/policy/documents/{document.pk}/$"))
    expect(page.locator("main h1")).to_contain_text("进一步完善就业服务管理工作机制")
    # The text came back through the form unchanged (line breaks included).
    assert document.body == PolicyDocument.objects.get().body and "\n\n各区人民政府" in document.body
    assert "\r" not in document.body
    assert len(document.import_notes) == 3
    assert _fits_the_phone(page)
    page.screenshot(path=str(artifacts_dir / "policy-staff-document-phone.png"), full_page=True)
    assert page.log.problems() == []
