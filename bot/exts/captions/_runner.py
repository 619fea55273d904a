"""`python -m bot.exts.captions._runner FOLDER METHOD [...]`: automatic captioning in its own process.

BLIP needs torch and WD14 onnxruntime: neither may load in the bot process, so the bot runs this
module as a child and reads the JSON summary it prints as its last line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from trainer.dataset.captioning import CaptionOptions, caption_dataset
from trainer.quiet import quiet_libraries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.exts.captions._runner")
    parser.add_argument("folder", type=Path)
    parser.add_argument("method", choices=("blip", "wd14", "manual"))
    parser.add_argument("--trigger", default=None)
    parser.add_argument("--model", default=None)
    parser.add_argument("--tags", default=None)
    parser.add_argument("--threshold", type=float, default=0.35)
    args = parser.parse_args(argv)
    quiet_libraries()
    try:
        opts = CaptionOptions(
            method=args.method, trigger=args.trigger or None, model=args.model, tags=args.tags,
            threshold=args.threshold,
        )  # fmt: skip
        summary = caption_dataset(args.folder, opts, progress=False)
    except (ValueError, OSError) as exc:
        print(json.dumps({"error": str(exc)}))
        return 1
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
