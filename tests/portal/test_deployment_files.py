"""Keep the deployment files (Dockerfile, docker-compose.yml) in step with the settings and code.

No Docker engine is needed: the compose file is read with PyYAML, the Dockerfile with a small
parser, settings.py through its syntax tree, and the Celery app is asked for its registered tasks.
One test loads the production profile in a subprocess with the compose environment to show that
those values are enough for ``manage.py check --deploy``.
"""

from __future__ import annotations

import ast
import base64
import json
import os
import re
import secrets
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands
from django.urls import resolve

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
SETTINGS_FILE = ROOT / "portal" / "settings.py"

ENV_READERS = {"env", "env_bool", "env_list"}
PORTAL_SERVICES = ("migrate", "web", "worker", "beat")  # the services built from the portal image
REQUIRED_SERVICES = ("web", "worker", "beat", "db", "redis")
REQUIRED_ENV = ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "PORTAL_ENVIRONMENT",
                "PERSONAL_DATA_HASH_KEY", "PERSONAL_DATA_ENCRYPTION_KEY")
SECRETS = ("SECRET_KEY", "PERSONAL_DATA_HASH_KEY", "PERSONAL_DATA_ENCRYPTION_KEY")
INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


# --- Readers ----------------------------------------------------------------------------------


@cache
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def service(name: str) -> dict:
    return compose()["services"][name]


def portal_env() -> dict[str, str]:
    return compose()["x-portal-env"]


@cache
def settings_env_names() -> frozenset[str]:
    """The names settings.py passes as the first argument of env(), env_bool() or env_list()."""
    names = set()
    for node in ast.walk(ast.parse(SETTINGS_FILE.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ENV_READERS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return frozenset(names)


def argv(command) -> list[str]:
    """A compose command (list or string) as an argument list."""
    return list(command) if isinstance(command, list) else shlex.split(command)


def healthcheck_text(name: str) -> str:
    test = service(name)["healthcheck"]["test"]
    return " ".join(test) if isinstance(test, list) else test


def option_value(args: list[str], *flags: str) -> str | None:
    """The value of ``--flag value`` / ``--flag=value`` in args, if present."""
    for i, arg in enumerate(args):
        for flag in flags:
            if arg == flag and i + 1 < len(args):
                return args[i + 1]
            if arg.startswith(flag + "="):
                return arg.split("=", 1)[1]
    return None


@cache
def dockerfile_instructions() -> tuple[tuple[str, str], ...]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    instructions, pending = [], ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#") or not line:
            continue
        pending = f"{pending} {line}" if pending else line
        if pending.endswith("\\"):
            pending = pending[:-1].rstrip()
            continue
        keyword, _, rest = pending.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
        pending = ""
    return tuple(instructions)


def dockerfile(keyword: str) -> list[str]:
    return [rest for kw, rest in dockerfile_instructions() if kw == keyword]


def resolve_for_test(value: str, supplied: dict[str, str]) -> str:
    """Compose's interpolation: ${X:-default} takes the default, required ${X:?...} a test value."""

    def substitute(match: re.Match) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        if name in supplied:
            return supplied[name]
        if op in (":-", "-"):
            return arg
        raise AssertionError(f"${{{name}}} has no default and the test supplies no value for it")

    return INTERPOLATION.sub(substitute, value)


# --- Services and health ------------------------------------------------------------------------


@pytest.mark.parametrize("name", REQUIRED_SERVICES)
def test_service_exists_with_a_healthcheck(name):
    assert name in compose()["services"], f"docker-compose.yml has no {name!r} service"
    healthcheck = service(name).get("healthcheck") or {}
    test = healthcheck.get("test")
    assert test and test != ["NONE"] and not healthcheck.get("disable"), f"{name} has no healthcheck"


def test_portal_services_share_one_image_and_the_same_environment():
    images = {service(name).get("image") for name in PORTAL_SERVICES}
    assert len(images) == 1 and None not in images, images
    for name in PORTAL_SERVICES:
        assert service(name).get("build"), f"{name} cannot build the portal image"
        assert service(name)["environment"] == portal_env(), f"{name} drifts from x-portal-env"


def test_web_waits_for_migrations_and_the_broker():
    depends = service("web")["depends_on"]
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    assert depends["redis"]["condition"] == "service_healthy"
    assert service("migrate")["depends_on"]["db"]["condition"] == "service_healthy"
    assert service("migrate").get("restart") == "no", "a one-shot job must not be restarted"


def test_migrate_runs_migrations_and_commands_that_exist():
    command = " ".join(argv(service("migrate")["command"]))
    assert "manage.py migrate" in command and "manage.py load_areas" in command
    assert "demo_data" not in command, "the production stack must not create demo accounts"
    for name in re.findall(r"manage\.py\s+(\w+)", command):
        assert name in get_commands(), f"migrate runs `manage.py {name}`, which does not exist"


def test_web_healthcheck_reaches_the_health_view_past_the_https_redirect():
    text = healthcheck_text("web")
    url = re.search(r"https?://[^\"'\s]+", text)
    assert url, "the web healthcheck names no URL"
    assert url.group(0).startswith("http://127.0.0.1:8000/") or url.group(0).startswith("http://localhost:8000/")
    path = "/" + url.group(0).split("/", 3)[3]
    assert resolve(path).url_name == "healthz", f"{path} is not the health endpoint"
    # SECURE_SSL_REDIRECT is on by default in compose: a plain-HTTP probe would be redirected
    # unless it says it came through the proxy's HTTPS, as SECURE_PROXY_SSL_HEADER reads it.
    assert "X-Forwarded-Proto" in text and "https" in text
    assert '"HTTP_X_FORWARDED_PROTO", "https"' in SETTINGS_FILE.read_text(encoding="utf-8")
    # ...and a Host that ALLOWED_HOSTS accepts, taken from the variable itself.
    assert "ALLOWED_HOSTS" in text and "Host" in text


# --- Environment ------------------------------------------------------------------------------


def test_compose_environment_only_sets_names_the_settings_read():
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= settings_env_names(), "the settings scan is broken"
    unknown = sorted(set(portal_env()) - settings_env_names())
    assert unknown == [], f"x-portal-env sets variables portal/settings.py never reads: {unknown}"


def test_compose_environment_sets_what_production_requires():
    env = portal_env()
    missing = [name for name in REQUIRED_ENV if not env.get(name)]
    assert missing == [], f"x-portal-env lacks {missing}"
    assert env["PORTAL_ENVIRONMENT"] == "production"
    assert str(env.get("DEBUG", "false")).lower() in {"0", "false", "no", "off"}
    # Secrets must be supplied by the operator: required interpolation, never a default.
    for name in SECRETS:
        assert re.fullmatch(rf"\$\{{{name}:\?[^}}]*\}}", env[name]), env[name]
    password = re.search(r"\$\{POSTGRES_PASSWORD(:?.)", env["DATABASE_URL"])
    assert password and password.group(1) == ":?", "the database password must be required, not defaulted"


def test_service_urls_point_at_the_compose_services():
    env = portal_env()
    database = re.fullmatch(r"postgres(?:ql)?://(\w+):.+@(\w+):(\d+)/(\w+)", env["DATABASE_URL"])
    assert database, env["DATABASE_URL"]
    user, host, port, name = database.groups()
    assert host in compose()["services"] and host == "db" and port == "5432"
    db_env = service("db")["environment"]
    assert (db_env["POSTGRES_USER"], db_env["POSTGRES_DB"]) == (user, name)
    assert db_env["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")
    redis = re.fullmatch(r"redis://(\w+):(\d+)/\d+", env["REDIS_URL"])
    assert redis and redis.group(1) == "redis" and "redis" in compose()["services"], env["REDIS_URL"]


def test_compose_environment_passes_the_production_deploy_check():
    """Load portal.settings as the containers will (production profile, compose values)."""
    supplied = {"SECRET_KEY": secrets.token_urlsafe(50), "POSTGRES_PASSWORD": "test-password",
                "PERSONAL_DATA_HASH_KEY": secrets.token_urlsafe(32),
                "PERSONAL_DATA_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()}
    child_env = {k: v for k, v in os.environ.items() if k not in settings_env_names()}
    child_env.pop("DJANGO_SETTINGS_MODULE", None)
    child_env.update({name: resolve_for_test(str(value), supplied) for name, value in portal_env().items()})
    child_env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    check = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=child_env, capture_output=True, text=True, timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'debug': s.DEBUG, 'engine': s.DATABASES['default']['ENGINE'], "
        "'db_host': s.DATABASES['default']['HOST'], 'broker': s.CELERY_BROKER_URL, "
        "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'ssl_redirect': s.SECURE_SSL_REDIRECT, "
        "'static': s.STORAGES['staticfiles']['BACKEND'], 'static_root': str(s.STATIC_ROOT)}))"
    )
    loaded = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=child_env,
                            capture_output=True, text=True, timeout=60)
    assert loaded.returncode == 0, loaded.stderr
    values = json.loads(loaded.stdout.strip().splitlines()[-1])
    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.postgresql" and values["db_host"] == "db"
    assert values["broker"].startswith("redis://redis:") and values["eager"] is False
    assert values["ssl_redirect"] is True
    assert values["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert values["static_root"] == str(ROOT / "staticfiles")  # /app/staticfiles in the image


# --- Commands -----------------------------------------------------------------------------------


def test_web_runs_gunicorn_on_the_wsgi_application():
    args = argv(service("web")["command"])
    module, attribute = settings.WSGI_APPLICATION.rsplit(".", 1)
    assert args[0] == "gunicorn"
    assert f"{module}:{attribute}" in args, f"web does not serve {settings.WSGI_APPLICATION}"
    assert option_value(args, "--bind", "-b") == "0.0.0.0:8000"
    assert option_value(args, "--access-logfile") == "-", "access log must go to stdout"
    assert any(str(port).split(":")[-1] == "8000" for port in service("web")["ports"])


def test_dockerfile_cmd_is_the_web_command():
    cmds = dockerfile("CMD")
    assert cmds, "the Dockerfile has no CMD"
    cmd = cmds[-1]
    assert cmd.startswith("["), "use the exec form so gunicorn is PID 1 and gets the signals"
    assert json.loads(cmd) == argv(service("web")["command"])
    assert not dockerfile("ENTRYPOINT"), "an ENTRYPOINT would prefix every compose command"


def test_celery_services_target_the_portal_app():
    worker = argv(service("worker")["command"])
    beat = argv(service("beat")["command"])
    for args, role in ((worker, "worker"), (beat, "beat")):
        assert args[0] == "celery" and option_value(args, "-A", "--app") == "portal", args
        assert role in args, args
    # The healthchecks ping the node names the processes actually answer on.
    assert re.search(r"-A portal inspect ping -d celery@\$\$HOSTNAME", healthcheck_text("worker"))
    assert re.search(r"-A portal inspect ping -d celerybeat@\$\$HOSTNAME", healthcheck_text("beat"))
    assert "--enable-remote-control" in beat, "beat answers inspect ping only with remote control on"


def test_beat_keeps_its_schedule_in_a_mounted_volume():
    args = argv(service("beat")["command"])
    schedule = option_value(args, "--schedule", "-s")
    assert schedule, "beat would write celerybeat-schedule into the read-only /app"
    mounts = [str(v).split(":")[1] for v in service("beat").get("volumes", [])]
    assert str(Path(schedule).parent) in mounts, f"{schedule} is not on a volume ({mounts})"
    assert any("/var/lib/celery-beat" in rest and "portal" in rest for rest in dockerfile("RUN")), \
        "the image must create the schedule directory for the unprivileged user"


def test_beat_schedule_names_registered_tasks():
    from portal.celery import app

    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule  # what the apps registered (portal.registry.register_schedule)
    assert schedule, "the beat schedule is empty"
    unknown = sorted(entry["task"] for entry in schedule.values() if entry["task"] not in app.tasks)
    assert unknown == [], f"beat would send tasks no worker has registered: {unknown}"


# --- Image --------------------------------------------------------------------------------------


def test_dockerfile_builds_a_production_image_without_baked_secrets():
    assert dockerfile("FROM") == ["python:3.11-slim-bookworm"]
    users = dockerfile("USER")
    assert users and users[-1] not in {"root", "0"}, "the image must run as a non-root user"
    runs = dockerfile("RUN")
    assert any("gettext" in run for run in runs)
    assert any("pip install -r requirements.txt" in run for run in runs)
    assert any("compilemessages" in run and "--ignore .venv" in run for run in runs)
    collect = [run for run in runs if "collectstatic" in run]
    assert collect and "PORTAL_ENVIRONMENT=production" in collect[0] and "SECRET_KEY=" in collect[0]
    baked = [rest for kw, rest in dockerfile_instructions() if kw in {"ENV", "ARG"}
             and re.search(r"\b(SECRET_KEY|ALLOWED_HOSTS|DATABASE_URL|PORTAL_ENVIRONMENT)\b", rest)]
    assert baked == [], f"run-time settings baked into the image: {baked}"


def test_dockerignore_keeps_local_state_out_of_the_image():
    patterns = {line.strip().lstrip("/") for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#")}
    for needed in (".venv", ".git", "db.sqlite3", "staticfiles", ".env"):
        assert needed in patterns, f".dockerignore does not exclude {needed}"
