FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 tsunagu

WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir --quiet --require-hashes --no-deps -r requirements.lock
COPY . .
RUN DEBUG=true python manage.py compilemessages -l en --ignore '.venv/*' \
    && DEBUG=false SECRET_KEY=build-only ALLOWED_HOSTS=build python manage.py collectstatic --no-input \
    && mkdir -p var && chown -R tsunagu var

USER tsunagu
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
