# syntax=docker/dockerfile:1
# One image for every role of the portal: web (gunicorn, the default CMD), Celery worker and
# beat, and the one-shot migrate job; docker-compose.yml picks the role with `command:`.
# Configuration comes from the environment at run time (see portal/settings.py); nothing secret
# is baked in.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# gettext for compilemessages. PostgreSQL comes through psycopg2-binary, so no libpq.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

# The processes run as an unprivileged user with its own writable home (gunicorn keeps its
# control socket under ~/.gunicorn); the code in /app stays root-owned and read-only to it.
RUN groupadd --system portal \
    && useradd --system --gid portal --create-home --home-dir /home/portal \
        --shell /usr/sbin/nologin portal

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Compile translations and collect static files into STATIC_ROOT (/app/staticfiles) for whitenoise.
# collectstatic runs under the production profile so the manifest storage writes hashed, compressed
# files; the secrets and ALLOWED_HOSTS given here exist for this RUN only and are not kept.
# /var/lib/celery-beat holds beat's schedule file (a volume in docker-compose.yml).
RUN python manage.py compilemessages --ignore .venv \
    && PORTAL_ENVIRONMENT=production \
       SECRET_KEY=build-only-collectstatic-key-not-used-at-run-time \
       PERSONAL_DATA_HASH_KEY=build-only-not-used-at-run-time \
       PERSONAL_DATA_ENCRYPTION_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
       ALLOWED_HOSTS=localhost \
       python manage.py collectstatic --noinput \
    && install -d -o portal -g portal /var/lib/celery-beat

USER portal

EXPOSE 8000

# Workers: 3 by default (about 2 x cores + 1 for a small host); set WEB_CONCURRENCY to change.
# --worker-tmp-dir /dev/shm keeps gunicorn's heartbeat files off the container's overlay disk.
ENV WEB_CONCURRENCY=3
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-", "--error-logfile", "-"]
