"""The layering docs/architecture.md draws, enforced on the import graph (tests/import_graph.py).

config imports nothing of ours; trainer imports config only; advisor imports config (and the trainer
modules listed in import_graph.ADVISOR_MAY_IMPORT, none today); bot imports config, trainer and advisor;
standin imports nothing of ours; cli may import everything; no two files import each other, directly
or around a circle. Every import written anywhere in a file counts: at the top, inside a function,
under TYPE_CHECKING, or as importlib.import_module("a.b").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.import_graph import ALLOWED, PACKAGES, ROOT, cycles, forbidden_edges, import_graph


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_imports_only_the_layers_below_it(graph, package):
    bad = [f"{src} -> {dst}" for src, dst in forbidden_edges(graph) if src.split(".")[0] == package]
    allowed = ", ".join(sorted(ALLOWED[package])) or "nothing of ours"
    assert not bad, f"{package} may import {allowed}; found:\n" + "\n".join(bad)


def test_no_files_import_each_other_in_a_circle(graph):
    found = [" <-> ".join(c) for c in cycles(graph)]
    assert not found, "import circles (move the shared part down, or pass it in):\n" + "\n".join(found)


def test_every_top_level_package_has_a_place_in_the_layers():
    skip = {"tests", "bench", "docs", "data"}
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name not in skip}
    assert packages <= set(PACKAGES), f"add {sorted(packages - set(PACKAGES))} to import_graph.ALLOWED"


def test_the_reader_sees_late_hidden_and_string_imports(tmp_path: Path):
    """A dependency written inside a function, under TYPE_CHECKING or as a string still counts."""
    for pkg in ("config", "trainer", "bot"):
        (tmp_path / pkg).mkdir()
        (tmp_path / pkg / "__init__.py").write_text("")
    (tmp_path / "config" / "base.py").write_text("")
    (tmp_path / "bot" / "app.py").write_text("")
    (tmp_path / "trainer" / "late.py").write_text("def f():\n    from bot import app\n")
    (tmp_path / "trainer" / "typed.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import bot.app\n"
    )
    (tmp_path / "trainer" / "by_name.py").write_text(
        "import importlib\nimportlib.import_module('bot.app')\nfrom config import base\n"
    )
    (tmp_path / "config" / "loop.py").write_text("from config import base\n")
    (tmp_path / "config" / "base.py").write_text("import config.loop\n")
    graph = import_graph(tmp_path)
    bad = {src for src, dst in forbidden_edges(graph) if dst == "bot.app"}
    assert bad == {"trainer.late", "trainer.typed", "trainer.by_name"}
    assert ["config.base", "config.loop"] in cycles(graph)
