# syntax=docker/dockerfile:1
# evidence: the scheduled SOC 2 evidence collector.
#   docker build -t evidence .
#   docker run -d --name evidence -v evidence-data:/data \
#     -v "$PWD/evidence.yaml:/config/evidence.yaml:ro" -e EVIDENCE_CONFIG=/config/evidence.yaml \
#     --stop-timeout 30 evidence                       # = evidence schedule
#   docker run --rm -v evidence-data:/data evidence runs   # any other command

ARG PYTHON_IMAGE=python:3.11-slim

# --- builder: the project's wheel and every dependency's wheel (binary wheels only) -------
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY . .
RUN python -m pip wheel --no-deps --wheel-dir /wheels . \
 && python -m pip wheel --only-binary=:all: --wheel-dir /wheels \
      "$(ls /wheels/cloud_evidence_collector-*.whl)[postgres]"

# --- final: the wheels installed, nothing to build with -----------------------------------
FROM ${PYTHON_IMAGE}
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    EVIDENCE_DB_URL=sqlite:////data/evidence.db \
    EVIDENCE_LOG_FORMAT=json
RUN groupadd --system --gid 10001 evidence \
 && useradd --system --uid 10001 --gid 10001 --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin evidence \
 && mkdir -p /data \
 && chown 10001:10001 /data
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    python -m pip install --no-index --find-links /wheels \
      "$(ls /wheels/cloud_evidence_collector-*.whl)[postgres]"
WORKDIR /data
VOLUME ["/data"]
USER 10001:10001
# Checks in flight get 20 s after SIGTERM (--grace); give the container more than that.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=5m --timeout=60s --start-period=1h --retries=3 \
  CMD ["evidence", "health"]
ENTRYPOINT ["evidence"]
CMD ["schedule"]
