FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STATIC_ROOT=/app/static-root
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 tsunagu

WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir --quiet --require-hashes --no-deps -r requirements.lock
COPY . .
# Static files go to STATIC_ROOT, outside /app/var: compose mounts a volume on var/, which
# would hide anything built there.
RUN bin/build && mkdir -p var && chown -R tsunagu var

USER tsunagu
EXPOSE 8000
CMD ["bin/serve"]
