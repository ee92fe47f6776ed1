# Ladder's container image: `docker build -t ladder .`, then run it as the README says
# (docker run … -v ladder-data:/data -p 3000:3000 ladder).
# One minor series of Python, so an image built next year runs what this one ran.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The project, installed like any Python package (the wheels it needs come from PyPI; nothing compiles).
WORKDIR /app
COPY pyproject.toml README.md ./
COPY app ./app
COPY ladder_rules ./ladder_rules
COPY reports ./reports
RUN pip install --no-cache-dir .

# The service runs as a user of its own, who may write only to the data volume.
RUN useradd --system --uid 10001 --user-group --no-create-home --home-dir /data ladder \
    && mkdir -p /data \
    && chown ladder:ladder /data
USER ladder
WORKDIR /data

# SQLite (the default store) lives on the volume; with DATABASE_URL set, PostgreSQL is used instead.
ENV DATABASE_PATH=/data/ladder.db \
    HOST=0.0.0.0 \
    PORT=3000
VOLUME ["/data"]
EXPOSE 3000

# Slim images have no curl: the check is Python's standard library asking /healthz (503 or no answer: unhealthy).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '3000') + '/healthz', timeout=4); sys.exit(0)"]

CMD ["ladder", "serve"]
