"""The Content-Security-Policy: every HTML answer carries it, strict, and no template or script of
ours holds what it would refuse (the browser walk, tests/browser/test_csp.py, sees it run)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from portal.models import User
from tests.url_walk import all_routes

PROJECT_DIRS = [settings.BASE_DIR / "templates",
                *(settings.BASE_DIR / app for app in ["portal", *settings.PORTAL_APPS])]

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}

# What the policy refuses, as it is written in a template or a script.
IN_TEMPLATES = {
    "an inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I),
    "a <style> block": re.compile(r"<style\b", re.I),
    "a style attribute": re.compile(r"\sstyle\s*=", re.I),
    "an event handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
}
IN_SCRIPTS = {
    "markup with a style attribute": re.compile(r"style\s*=\s*\\?[\"']", re.I),
    "a style attribute set": re.compile(r"setAttribute\(\s*[\"']style[\"']"),
    "an event handler attribute set": re.compile(r"setAttribute\(\s*[\"']on[a-z]+[\"']"),
    "eval": re.compile(r"\beval\s*\(|\bnew\s+Function\s*\(|set(?:Timeout|Interval)\(\s*[\"']"),
    "a javascript: URL": re.compile(r"javascript:", re.I),
}


def policy(response) -> dict[str, str]:
    header = response.headers.get("Content-Security-Policy", "")
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in (p.strip() for p in header.split(";")) if part}


def files(pattern: str) -> list[Path]:
    return sorted(path for folder in PROJECT_DIRS for path in folder.rglob(pattern)
                  if "vendor" not in path.parts and "staticfiles" not in path.parts)


def findings(paths: list[Path], patterns: dict[str, re.Pattern]) -> list[str]:
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        for what, pattern in patterns.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(settings.BASE_DIR)}:{line}: {what}")
    return found


def test_no_template_has_inline_script_style_handler_or_javascript_url():
    templates = files("*.html")
    assert len(templates) > 100
    assert findings(templates, IN_TEMPLATES) == []


def test_no_script_of_ours_writes_style_attributes_handlers_or_evaluates_strings():
    scripts = files("*.js")
    assert scripts
    assert findings(scripts, IN_SCRIPTS) == []


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "seeker", "administrator@city", "superuser"])
def test_every_html_page_carries_the_strict_policy(who, tree, staff, job_seeker):
    client = Client()
    if who == "seeker":
        client.force_login(job_seeker)
    elif who == "superuser":
        client.force_login(User.objects.create_superuser("root", password="x" * 12))
    elif who != "anonymous":
        client.force_login(staff[who])
    pages = 0
    for route in all_routes():
        if route.params or "^" in route.route:
            continue
        response = client.get("/" + route.route)
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        pages += 1
        assert policy(response) == STRICT, route.route
    assert pages > 20
    # The portal's own error page, and the API documentation with its start-up script as a file.
    assert policy(client.get("/no/such/page/")) == STRICT
    docs = client.get("/api/docs/")
    assert policy(docs) == STRICT and "<style" not in docs.content.decode()
    script = re.search(r'<script src="([^"]+script[^"]*)"', docs.content.decode()).group(1)
    assert client.get(script.replace("&amp;", "&"))["Content-Type"].startswith("application/javascript")


def test_the_api_answers_json_even_to_a_browser(client, db):
    """DRF's browsable pages carry inline styles the policy refuses; the API speaks JSON only."""
    response = client.get("/api/areas/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response["Content-Type"].startswith("application/json")
