"""llama-cpp-python is built without ggml's AMX kernels, the same way by the Makefile and the Dockerfile.

A build with -march=native on an Intel Xeon with AMX died on every prompt batch of more than one
token (issue 14; docs/advisor.md, "Building llama-cpp-python").
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from advisor.llm import llama_cpp_installed

ROOT = Path(__file__).resolve().parents[2]


def _make_var(name: str) -> str:
    found = re.search(rf"^{name} \?= (.+)$", (ROOT / "Makefile").read_text(), re.M)
    assert found, f"Makefile: no {name}"
    return found.group(1).strip()


def _docker_arg(name: str) -> str:
    found = re.search(rf'^ARG {name}="?([^"\n]+)"?$', (ROOT / "Dockerfile").read_text(), re.M)
    assert found, f"Dockerfile: no ARG {name}"
    return found.group(1).strip()


def test_makefile_and_dockerfile_build_llama_cpp_alike_without_native_or_amx():
    flags = _make_var("LLAMA_CMAKE_ARGS")
    assert flags == _docker_arg("LLAMA_CMAKE_ARGS")
    assert _make_var("LLAMA_CPP_SPEC") == _docker_arg("LLAMA_CPP_SPEC")
    assert "-DGGML_NATIVE=OFF" in flags.split()
    assert {"-DGGML_AMX_TILE=OFF", "-DGGML_AMX_INT8=OFF", "-DGGML_AMX_BF16=OFF"} <= set(flags.split())


@pytest.mark.skipif(not llama_cpp_installed(), reason="llama-cpp-python not installed")
def test_the_installed_llama_cpp_has_no_amx_kernels():
    # In a child: the test process, like the bot, never loads llama.cpp itself.
    code = "import llama_cpp; print(llama_cpp.llama_print_system_info().decode())"
    info = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert "AMX_INT8 = 1" not in info.stdout, (
        "llama-cpp-python was built with AMX kernels (-march=native on an AMX CPU?), which crash on "
        f"prompt batches: run `make install` again to rebuild it with the Makefile's flags. {info.stdout}"
    )
