"""Library noise that is not news to a user, silenced at one place, each with its reason.

Called first by every entry point that loads models (the training and sample children, the command
line, the captioning child, the shapes base). Nothing here hides a real problem: a weight missing
from a base model's files is an error (`trainer.models.load_reports`), and every other warning still
gets through.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys

#: (logger, text in the message, why it is not worth a user's attention)
_DROPPED = (
    (
        "transformers.utils.import_utils",
        "requires torchvision (not installed)",
        # torchvision is left out on purpose (PyPI's build breaks beside the pinned torch); diffusers
        # imports the image-processor names while it loads and the PIL processors are what we use.
        "torchvision is deliberately absent; the PIL image processors are the ones used",
    ),
    (
        "transformers.modeling_utils",
        " from: None\n",
        # load_lora_weights into a text encoder: transformers tabulates every base weight as MISSING
        # before its peft integration narrows the list to adapter keys (which it reports itself).
        "an adapter-only load lists the base weights it did not need to load",
    ),
    (
        "discord.client",
        "voice will NOT be supported",
        "loracord has no voice features; PyNaCl / davey are not needed",
    ),
    (
        "diffusers.models.modeling_utils",
        "should be kept in float32: []",
        # diffusers warns about an empty list of fp32-only modules whenever a dtype is passed.
        "diffusers lists no module here: there is nothing to keep in float32",
    ),
)


class _DropKnown(logging.Filter):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def filter(self, record: logging.LogRecord) -> bool:
        return self.text not in record.getMessage()


def quiet_libraries(progress_bars: bool | None = None, *, loading: bool = True) -> None:
    """Install the filters above; turn off tqdm progress bars unless stderr is a terminal.

    A bar redrawn with carriage returns is unreadable in a log file (train.log, a CI log), and the
    engine reports progress as events anyway. `loading`: the caller is about to load models, so
    diffusers' and transformers' own bar switches are imported and turned off too (a caller that
    only parses arguments passes False and pays no import). Idempotent.
    """
    for name, text, _why in _DROPPED:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _DropKnown) and f.text == text for f in logger.filters):
            logger.addFilter(_DropKnown(text))
    if progress_bars is None:
        progress_bars = sys.stderr.isatty()
    if not progress_bars:
        os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
        os.environ["TQDM_DISABLE"] = "1"  # tqdm >= 4.66 reads it for every bar without a disable=
        for module in ("diffusers.utils.logging", "transformers.utils.logging"):
            _disable_bars(module, loading)


def _disable_bars(module: str, load: bool) -> None:
    """The library's own switch (its bars pass disable= themselves, so the environment is not read)."""
    mod = sys.modules.get(module)
    if mod is None and load:
        try:
            mod = importlib.import_module(module)
        except ImportError:
            return
    if mod is not None and hasattr(mod, "disable_progress_bar"):
        mod.disable_progress_bar()
