"""Production settings: secrets required, `check --deploy` clean. Run in fresh processes."""

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    base = {k: v for k, v in os.environ.items()
            if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "PORTAL_ENVIRONMENT",
                         "PERSONAL_DATA_HASH_KEY", "PERSONAL_DATA_ENCRYPTION_KEY", "DATABASE_URL", "REDIS_URL"}}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


PRODUCTION = {"PORTAL_ENVIRONMENT": "production", "ALLOWED_HOSTS": "jobs.wuhan.gov.cn",
              "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test", "REDIS_URL": "redis://127.0.0.1:6379/15",
              "PERSONAL_DATA_HASH_KEY": secrets.token_urlsafe(32),
              "PERSONAL_DATA_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}


def test_production_refuses_to_start_without_secret_key():
    result = _manage("check", **PRODUCTION)
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


@pytest.mark.parametrize("name", ["PERSONAL_DATA_HASH_KEY", "PERSONAL_DATA_ENCRYPTION_KEY"])
def test_production_refuses_to_start_without_personal_data_keys(name):
    settings = {k: v for k, v in PRODUCTION.items() if k != name}
    result = _manage("check", **{**settings, "SECRET_KEY": secrets.token_urlsafe(50)})
    assert result.returncode != 0 and f"{name} must be set in production" in result.stderr


@pytest.mark.parametrize("name, value, message", [
    ("DATABASE_URL", None, "DATABASE_URL must name the PostgreSQL database in production"),
    ("DATABASE_URL", "sqlite:////tmp/portal.sqlite3", "DATABASE_URL must name the PostgreSQL database in production"),
    ("REDIS_URL", None, "REDIS_URL must name the Redis broker in production"),
    ("REDIS_URL", "memory://", "REDIS_URL must name the Redis broker in production"),
])
def test_production_refuses_to_start_without_postgresql_and_redis(name, value, message):
    """No silent fallback to the SQLite file or in-process tasks: the nightly jobs would never run."""
    settings = {k: v for k, v in PRODUCTION.items() if k != name}
    if value is not None:
        settings[name] = value
    result = _manage("check", **{**settings, "SECRET_KEY": secrets.token_urlsafe(50)})
    assert result.returncode != 0 and message in result.stderr


def test_production_refuses_a_visibility_timeout_a_running_task_could_outlast():
    """Redis would hand a task still running to a second worker: the same nightly work twice at once."""
    result = _manage("check", **{**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(50),
                                 "CELERY_VISIBILITY_TIMEOUT": "600"})
    assert result.returncode != 0 and "CELERY_VISIBILITY_TIMEOUT must be longer" in result.stderr


def test_production_refuses_an_encryption_key_that_is_no_fernet_key():
    result = _manage("check", **{**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(50),
                                 "PERSONAL_DATA_ENCRYPTION_KEY": "too-short"})
    assert result.returncode != 0 and "PERSONAL_DATA_ENCRYPTION_KEY must be 32 url-safe" in result.stderr


def test_production_refuses_debug_and_missing_hosts():
    key = secrets.token_urlsafe(50)
    result = _manage("check", **{**PRODUCTION, "SECRET_KEY": key, "DEBUG": "true"})
    assert result.returncode != 0 and "DEBUG cannot be on in production" in result.stderr
    result = _manage("check", **{**PRODUCTION, "SECRET_KEY": key, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0 and "ALLOWED_HOSTS must be set in production" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING",
                     **{**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(50)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_default_runs_on_sqlite_and_in_process_tasks(tmp_path):
    env = {"PORTAL_ENVIRONMENT": "development", "DATABASE_URL": "", "REDIS_URL": "",
           "SQLITE_PATH": str(tmp_path / "dev.sqlite3")}
    code = ("from django.conf import settings; from portal.celery import app; "
            "print(settings.DATABASES['default']['ENGINE'], app.conf.task_always_eager, settings.DEBUG, "
            "settings.TIME_ZONE, settings.LANGUAGE_CODE, settings.USE_TZ)")
    result = _manage("shell", "--no-imports", "-c", code, **env)
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True", "False", "Asia/Shanghai", "zh-hans", "True"]


def test_redis_url_switches_broker_and_cache():
    code = ("from django.conf import settings; from portal.celery import app; "
            "print(app.conf.broker_url, app.conf.task_always_eager, settings.CACHES['default']['BACKEND'])")
    result = _manage("shell", "--no-imports", "-c", code, REDIS_URL="redis://127.0.0.1:6379/3")
    assert result.stdout.split() == ["redis://127.0.0.1:6379/3", "False",
                                     "django.core.cache.backends.redis.RedisCache"]


@pytest.mark.parametrize("value", ["staging", "prod"])
def test_unknown_environment_is_refused(value):
    result = _manage("check", PORTAL_ENVIRONMENT=value)
    assert result.returncode != 0 and "PORTAL_ENVIRONMENT must be" in result.stderr
