FROM python:3.12-slim
ENV PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
# Runtime dependencies only: requirements.lock has no test tools (they are in
# requirements-dev.lock). .dockerignore keeps .env, .venv, var/ and .git out of COPY.
# The statement PDFs embed a CJK font from Debian's packages (settings.STATEMENT_PDF_FONT).
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*
COPY requirements.lock pyproject.toml ./
RUN pip install -r requirements.lock
COPY . .
# Build-time placeholders only: collectstatic needs settings to load, not real secrets.
RUN DJANGO_ENV=production ALLOWED_HOSTS=build STATIC_ROOT=/app/var/static \
    SECRET_KEY=build-only-placeholder-not-used-at-runtime-0123456789abcdef \
    FIELD_ENCRYPTION_KEYS=YnVpbGQtb25seS1wbGFjZWhvbGRlci0wMTIzNDU2Nzg= \
    FIELD_HASH_KEY=build-only-placeholder-0123456789abcdef \
    python manage.py collectstatic --noinput \
    && useradd --uid 1000 --create-home app && mkdir -p /data/media /backup/media \
    && chown -R app /app/var /data /backup
USER app
EXPOSE 8000
# The access log leaves out query strings and referrers: they can carry searched
# ID numbers or phones, and logs must never hold unmasked personal data.
CMD ["gunicorn", "collections_office.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--access-logformat", "%(h)s %(t)s \"%(m)s %(U)s %(H)s\" %(s)s %(b)s %(L)ss"]
