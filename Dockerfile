# Switchboard in a container: the embedded demo by default, or a mounted config file.
#   docker build -t switchboard .
#   docker run -p 8501:8501 switchboard
#   docker run -p 8501:8501 -v "$PWD/switchboard.json:/config/switchboard.json:ro" \
#              -e SWITCHBOARD_CONFIG=/config/switchboard.json switchboard
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN useradd --create-home --uid 10001 switchboard \
    && mkdir /data && chown 10001 /data
WORKDIR /app

COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir .

USER 10001
# Conversations live here (SQLite); mount a volume to keep them across containers, or set
# SWITCHBOARD_DATABASE_URL to share a PostgreSQL database between replicas.
ENV SWITCHBOARD_DATA_DIR=/data
VOLUME ["/data"]
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

ENTRYPOINT ["switchboard"]
CMD ["--server.address", "0.0.0.0", "--server.port", "8501", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
