"""Sample prompt lines as sd-scripts users write them: `prompt --n negative --w 512 --h 768 --d 42
--s 28 --l 7.0 --ss euler_a`.

One line is one sample image. The text before the first ` --` is the prompt; each flag after it
sets one thing for that image only (sd-scripts' `--sample_prompts` file format, read as-is):

    --n  negative prompt          --w / --h  width / height in pixels (rounded down to a multiple of 8)
    --d  seed                     --s  denoising steps
    --l  CFG (guidance) scale     --ss sampler (see SAMPLERS)

A value may be quoted ("..." or '...'), so a negative prompt can hold ` --`. Unknown flags and bad
values are refused with the line number and what to write instead. Torch-free: config and the bot
check lines with it before a job is queued; the trainer turns a parsed line into a scheduler.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Sampler names accepted by --ss: sd-scripts' names, their k_ aliases, and the A1111-style names.
#: The trainer maps each to a diffusers scheduler (trainer/sample_prompts.py).
SAMPLERS = (
    "ddim",
    "pndm",
    "lms",
    "euler",
    "euler_a",
    "heun",
    "dpm_2",
    "dpm_2_a",
    "dpmsolver",
    "dpmsolver++",
    "dpmsingle",
    "dpm++_2m",
    "dpm++_2m_karras",
)
SAMPLER_ALIASES = {
    "k_lms": "lms",
    "k_euler": "euler",
    "k_euler_a": "euler_a",
    "k_dpm_2": "dpm_2",
    "k_dpm_2_a": "dpm_2_a",
    "dpm++2m": "dpm++_2m",
    "dpm++2m_karras": "dpm++_2m_karras",
    "dpmpp_2m": "dpm++_2m",
    "dpmpp_2m_karras": "dpm++_2m_karras",
}
FLAGS = {
    "n": "negative prompt",
    "w": "width",
    "h": "height",
    "d": "seed",
    "s": "steps",
    "l": "CFG scale",
    "ss": "sampler",
}
MAX_SIDE = 2048
MAX_STEPS = 1000
PROMPT_FILE_SUFFIXES = (".txt",)


class PromptLineError(ValueError):
    """A sample prompt line is malformed; `line` is its 1-based number, the message says what to change."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True)
class SamplePrompt:
    """One parsed line; None means "the run's default" (sample_seed + index, sample_steps, ...)."""

    prompt: str
    negative: str = ""
    width: int | None = None
    height: int | None = None
    seed: int | None = None
    steps: int | None = None
    scale: float | None = None
    sampler: str | None = None


def _split_flags(line: str) -> list[str]:
    """Split at ` --X` outside quotes: [prompt, "n neg", "w 512", ...]."""
    parts: list[str] = []
    i, quote, start = 0, "", 0
    while i < len(line):
        ch = line[i]
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'" and (i == 0 or line[i - 1].isspace()):
            quote = ch
        elif ch.isspace() and line.startswith("--", i + 1) and line[i + 3 : i + 4].isalpha():
            parts.append(line[start:i])
            start = i + 3
            i += 3
            continue
        i += 1
    parts.append(line[start:])
    return parts


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _whole(lineno: int, flag: str, raw: str, low: int, high: int, example: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise PromptLineError(
            lineno,
            f"--{flag} ({FLAGS[flag]}) must be a whole number, got {raw!r}; write e.g. --{flag} {example}",
        ) from None
    if not low <= value <= high:
        raise PromptLineError(
            lineno, f"--{flag} ({FLAGS[flag]}) must be between {low} and {high}, got {value}"
        )
    return value


def _apply(lineno: int, flag: str, raw: str, out: dict) -> None:
    if flag == "n":
        out["negative"] = raw
    elif flag in ("w", "h"):
        side = _whole(lineno, flag, raw, 64, MAX_SIDE, "512")
        out["width" if flag == "w" else "height"] = side - side % 8
    elif flag == "d":
        out["seed"] = _whole(lineno, flag, raw, 0, 2**63 - 1, "42")
    elif flag == "s":
        out["steps"] = _whole(lineno, flag, raw, 1, MAX_STEPS, "28")
    elif flag == "l":
        try:
            scale = float(raw)
        except ValueError:
            raise PromptLineError(
                lineno, f"--l (CFG scale) must be a number, got {raw!r}; write e.g. --l 7.0"
            ) from None
        if not 0 <= scale <= 50:
            raise PromptLineError(lineno, f"--l (CFG scale) must be between 0 and 50, got {raw}")
        out["scale"] = scale
    else:
        name = SAMPLER_ALIASES.get(raw.lower(), raw.lower())
        if name not in SAMPLERS:
            raise PromptLineError(lineno, f"--ss: unknown sampler {raw!r}; use one of {', '.join(SAMPLERS)}")
        out["sampler"] = name


def parse_prompt_line(line: str, lineno: int = 1) -> SamplePrompt:
    """Parse one line; PromptLineError names the line, the flag and what to write."""
    parts = _split_flags(" " + line.strip())
    prompt = _unquote(parts[0])
    if not prompt:
        raise PromptLineError(lineno, "the prompt is empty; put the prompt text before the first --flag")
    out: dict = {}
    for part in parts[1:]:
        flag, _, raw = part.partition(" ")
        flag = flag.strip()
        if flag not in FLAGS:
            known = ", ".join(f"--{f} ({what})" for f, what in FLAGS.items())
            raise PromptLineError(lineno, f"unknown flag --{flag}; the flags are {known}")
        value = _unquote(raw)
        if not value and flag != "n":
            raise PromptLineError(lineno, f"--{flag} ({FLAGS[flag]}) needs a value")
        if flag in out or (flag in ("w", "h") and ("width" if flag == "w" else "height") in out):
            raise PromptLineError(lineno, f"--{flag} is given twice; keep one")
        _apply(lineno, flag, value, out)
    return SamplePrompt(prompt=prompt, **out)


def is_prompt_line(line: str) -> bool:
    """Lines that hold a prompt: not empty and not a # comment (sd-scripts skips those)."""
    text = line.strip()
    return bool(text) and not text.startswith("#")


def parse_prompt_lines(lines: list[str]) -> list[SamplePrompt]:
    """Every line of a list (numbered from 1); the first bad line raises PromptLineError."""
    return [parse_prompt_line(line, i) for i, line in enumerate(lines, start=1) if is_prompt_line(line)]


def read_prompt_file(path: Path) -> list[str]:
    """The prompt lines of an sd-scripts .txt prompt file (empty lines and # comments dropped).
    Each line is checked; a bad one raises PromptLineError naming its line in the file."""
    path = Path(path)
    if path.suffix.lower() not in PROMPT_FILE_SUFFIXES:
        raise PromptLineError(0, f"{path.name}: write the prompts one per line in a .txt file")
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines, start=1):
        if is_prompt_line(line):
            parse_prompt_line(line, i)
    return [line.strip() for line in lines if is_prompt_line(line)]


def looks_like_prompt_file(value: str) -> bool:
    """A single value naming a prompt file rather than a prompt (`prompts.txt`, `./p/samples.txt`)."""
    text = value.strip()
    return text.lower().endswith((".txt", ".toml", ".json")) and " " not in text and "--" not in text
