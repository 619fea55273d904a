"""Saving trained LoRAs: the kohya-format file everyone loads, its metadata, and the diffusers/PEFT file.

Modules: `kohya` (names, writer, reader), `sai_names` (SDXL block names), `metadata` (ss_* / modelspec.*),
`peft_format` (pipe.load_lora_weights format), `reader` (torch-free inspection for the advisor).
Names are resolved lazily so `import trainer.export.reader` / `.metadata` never imports torch.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ExportError": "trainer.export.errors",
    "save_kohya_lora": "trainer.export.kohya",
    "read_kohya_lora": "trainer.export.kohya",
    "kohya_state_dict": "trainer.export.kohya",
    "kohya_module_name": "trainer.export.kohya",
    "save_dtype": "trainer.export.common",
    "build_metadata": "trainer.export.metadata",
    "save_diffusers_lora": "trainer.export.peft_format",
    "inspect_kohya_lora": "trainer.export.reader",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'trainer.export' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
