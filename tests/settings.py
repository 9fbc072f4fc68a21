"""Test settings: the portal's own settings on PostgreSQL, tasks in-process by default.

DATABASE_URL defaults to the local PostgreSQL `test` database (pytest-django creates and drops
`test_test` beside it). Tests that need the real broker start a worker themselves.
"""

import os

os.environ.setdefault("PORTAL_ENVIRONMENT", "test")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
os.environ.setdefault("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

from portal.settings import *  # noqa: E402,F403

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":  # noqa: F405
    raise RuntimeError("The test suite runs on PostgreSQL; set DATABASE_URL to a postgres:// URL.")

# A small app that plugs in through its AppConfig only (tests/plugin_app): the registries' test.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.plugin_app.apps.PluginAppConfig"]  # noqa: F405

DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; production keeps PBKDF2
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Throttles: the suite sends many requests from one client, so every scope gets a rate no test
# reaches; the throttle tests set their own limits with override_settings. The login lockout keeps
# the portal's limits (each test's failed attempts roll back with its transaction).
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {  # noqa: F405
    scope: "100000/min" for scope in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]}}  # noqa: F405
