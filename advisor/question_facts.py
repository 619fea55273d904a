"""Facts stated in a question, read before anything is retrieved: the GPU and its VRAM, the model
family, image count, repeats, epochs, batch, resolution, rank, alpha, learning rate, precision and the
UI. "SDXL on a 12GB 4070 Ti, 20 images, batch 2" / "4070ti 12기가, 이미지 20장, 배치 2".

`QuestionFacts.facts()` turns them into `Facts` (a config holding only the stated settings over the
defaults); `stated` says which config fields the user really gave, so the advisor can tell a rule
that does not apply (its condition is false on a stated fact) from one it cannot judge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from advisor.facts import Facts, Hardware
from advisor.question_gpu import gpu_named, vram_stated
from advisor.question_numbers import (
    asked_epoch,
    asked_step,
    batch_rates,
    caption_dropout,
    file_size,
    first_int,
    folders,
    gpu_count,
    grid,
    hires,
    passes,
    price_per_hour,
    progress,
    rates,
    save_every,
    sec_per_step,
    steps_per_epoch,
    uses_reg,
    validation_split,
)
from advisor.registry import max_batch_for
from config.training import ConfigError, TrainConfig, from_dict

_NUM = r"(\d{1,4}(?:\.\d+)?)"
# An image count: "30 images", "1,200 photos", "20장", "20개의 사진", "사진 20개" (a Korean noun before its
# number needs the counter 개/장: "이미지 1024 해상도" is a size, not a count).
_IMAGES = re.compile(
    # not the height of a size ("450x600 photos", "600x600짜리 사진")
    r"(?<![\dx×*])(?<![x×*] )(\d{1,3}(?:,\d{3})+|\d{1,4})\+?\s*(?:training\s+)?(?:images?|pictures?|photos?|pics?|imgs?|장)"
    r"|(\d{1,4})\s*개\s*(?:의\s*)?(?:학습\s*)?(?:이미지|사진|그림|짤)"
    r"|(?:이미지|사진|그림|짤)\s*(?:는|은|이|가|를|을)?\s*(\d{1,4})\s*(?:개|장)(?!\s*(?:의\s*)?(?:폴더|folder|컨셉|그룹|세트|종류))",
    re.I,
)
# A video dataset's count, read only when no image count is stated: each clip is one item per epoch and repeat
# (musubi-tuner, diffusion-pipe), so "25 clips" / "클립 25개" counts like 25 images.
_CLIPS = re.compile(
    r"(?<![\dx×*])(\d{1,4})\s*(?:video\s+)?(?:clips?|videos?)\b"
    r"|(\d{1,4})\s*개\s*(?:의\s*)?(?:클립|영상|동영상|비디오)"
    r"|(?:클립|영상|동영상|비디오)\s*(?:는|은|이|가|를|을)?\s*(\d{1,4})\s*개",
    re.I,
)
_STEPS = re.compile(
    r"(\d{3,6})\s*(?:total\s+)?(?:training\s+)?steps|(\d{3,6})\s*스텝|max_train_steps\s*[=:]?\s*(\d{2,6})"
    r"|(?:total|max|training) steps\s*(?:of|=|:|is)?\s*(\d{3,6})(?!\d|\.\d)"
    # a config's key ("steps: 2000" in ai-toolkit's YAML, "steps 2000")
    r"|(?<![\w.])steps\s*[=:]?\s*(\d{3,6})(?!\d|\.\d)"
    r"|(?:총 ?)?스텝 ?(?:수)?\s*(?:은|는|을|를|이|가|=|:)?\s*(\d{3,6})(?!\d|\.\d)",
    re.I,
)
_RES = re.compile(
    r"\b(512|768|1024|1280|1536)\s*(?:x\s*\1\b|px|해상도|resolution)|(?:resolution|해상도)\s*(?:of|=|:)?\s*(512|768|1024)|\bat (512|768|1024)\b|(512|768|1024)\s*해상도"
    # Korean's "at 512": "512로 학습", "1024에서 돌리면", "512에 30장"
    r"|(?<![\d.x×*])(512|768|1024|1280|1536)\s*(?:으로|로|에서|에)\s*(?:\d{1,4}\s*장|학습|훈련|돌리|돌려|돌림|돌렸|구우|구워|굽|뽑)",
    re.I,
)
# "32 dim" counts unless the number is another setting's ("bs4 dim 32", "batch 2 rank 16", "alpha 16 dim 32").
_RANK = re.compile(
    r"(?:network_dim|dim|rank|랭크)\s*(?:of|=|:)?\s*(\d{1,4})\b"
    r"|(?<!\bbs)(?<!\bbs )(?<!batch )(?<!size )(?<!repeats )(?<!epochs )(?<!alpha )(?<![=\d])(\d{1,4})\s*(?:dim|rank)\b",
    re.I,
)
_ALPHA = re.compile(
    r"(?:network_alpha|alpha|알파)\s*(?:of|=|:|은|는|를|을|값)?\s*(\d{1,4}(?:\.\d+)?)(?!\d|\.\d)", re.I
)
# A learning rate: any e-notation number, or a decimal when the question talks about the learning rate.
_LR_WORD = re.compile(r"learning[ _]rates?|\blrs?\b|unet_lr|학습률|러닝 ?레이트", re.I)
_LR_NUMBER = re.compile(r"(?<![\w.])(\d(?:\.\d+)?e-\d+|0\.\d+|1(?:\.0+)?)(?!\w|\.\d)", re.I)
# Numbers of other settings that look like learning rates ("noise_offset 0.05", "text_encoder_lr 5e-6", "than
# batch 1": a batch, repeat or epoch count).
_OTHER_SETTING = re.compile(
    r"(text_encoder_lr|te_lr|text encoder|noise[ _]offset|dropout|weight|strength|alpha|d_coef|decay|scale|gamma|"
    r"batch(?:[ _]size)?|repeats?|epochs?|가중치|강도|텍스트 ?인코더|배치|반복|에폭|에포크)\W{0,12}$",
    re.I,
)
# A value named as the old or default one, and a value the user changed it to.
_WAS = re.compile(r"(default|by default|instead of|from|originally|기본|원래|대신)\b[^0-9]{0,25}$", re.I)
_WAS_AFTER = re.compile(r"\s*(\(?(by )?default|is the default|기본값|이었|였는데|이던)", re.I)
_CHANGED_TO = re.compile(r"\bto\s*$", re.I)
_CHANGED_KO = re.compile(r"^\s*(으로|로)\b")
_PRECISION = re.compile(r"\b(bf16|fp16)\b", re.I)
# Korean short names too: 일러 / 일러스 (not 일러스트, an illustration), 누비 / 누바이, 애니마진
_SDXL_NAMES = r"sdxl|\bxl\b|pony|illustrious|noob ?ai|(?<![가-힣])일러(?!스트(?!리어스))|포니|누비|누바이|애니(?:마|메이)진|juggernaut"
_ARCHES = (
    ("sdxl", re.compile(_SDXL_NAMES, re.I)),
    ("sd2", re.compile(r"\bsd\s*2(\.\d)?\b|stable diffusion 2", re.I)),
    ("sd15", re.compile(r"\bsd\s*1\.?5\b|\bsd15\b|stable diffusion 1\.5|\b1\.5\b", re.I)),
)
_UIS = (
    ("forge", re.compile(r"\bforge\b|포지", re.I)),
    ("comfyui", re.compile(r"comfy|컴피", re.I)),
    ("a1111", re.compile(r"a1111|automatic ?1111|auto ?1111|webui|web ui|(?:자동|오토) ?1111|웹 ?ui", re.I)),
    ("fooocus", re.compile(r"fooocus|푸커스|포커스(?=에서|에선|로 |\s*\d)", re.I)),
)
_ARCH_NAMES = {"sd15": "SD1.5", "sd2": "SD2", "sdxl": "SDXL"}
# A token, then the same token followed by a class word ("ohwx or ohwx woman", "sks만? 아니면 sks dog?").
_TRIGGER_CLASS = re.compile(
    r"(?<![\w'])([a-z][a-z0-9_]{2,20})\b(?:(?!\b\1\b).){0,60}?\b\1,? (man|woman|person|girl|boy|guy|lady|dog|cat)\b",
    re.IGNORECASE,
)
_COMMON_WORDS = frozenset(
    ["the", "and", "for", "with", "photo", "picture", "image", "just", "only", "one", "any", "this", "that"]
)
_BATCH_WORDS = re.compile(r"batch|배치", re.IGNORECASE)
# A batch stated in passing ("batch 2, 4070 12GB", "--always-batch-cond-uncond") is not a question about which fits.
_BATCH_STATED = re.compile(
    r"(batch(_size| size)?|배치 ?(사이즈|크기)?)\s*(=|:|of|은|는|를|을)?\s*\d+|\d+\s*(batch|배치)|batch[-_]cond|batch count",
    re.IGNORECASE,
)
_ADAM = re.compile(r"\badam|아담", re.IGNORECASE)
_ADAPTIVE = re.compile(r"prodigy|dadapt", re.IGNORECASE)  # optimizers that take learning rate 1.0
_OTHER_FAMILIES = re.compile(
    r"\bflux|플럭스|qwen|큐웬|\bwan ?2|\bwan\b|hunyuan|훈위안|\bsd ?3|stable diffusion 3|lumina|hidream|\bchroma\b"
    r"|auraflow|pixart|kolors|\bltx|mochi|z-?image",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class QuestionFacts:
    arch: str | None = None
    vram_gb: float | None = None
    gpu_name: str = ""
    num_images: int | None = None
    ui: str | None = None
    config: dict[str, Any] = field(default_factory=dict)  # stated TrainConfig fields
    # "mksks or mksks man?": a trigger token the question weighs with and without a class word
    trigger_class: tuple[str, str] | None = None
    # "at which step was the epoch-6 file saved?": the saved epoch a question asks about
    asked_epoch: int | None = None
    # "the sample at step 250 looked best, which file is that?": the step a question asks the saved file of
    asked_step: int | None = None
    # "72 MB at dim 64, what at dim 16?" / "436 MB as float, as fp16?": (MB, the dims named in order, to half)
    file_size: tuple[float, tuple[int, ...], bool] | None = None
    # "batch 4 ... and with batch 1?": the other batch sizes named, beside config's train_batch_size
    other_batches: tuple[int, ...] = ()
    # "kohya shows 1.5 s/it" / "3 it/s": seconds per step, for the run's duration
    sec_per_step: float | None = None
    # the bar's "300/1500" as (done, total), and every rate named ("1.5 it/s", "1.5 s/it") as (value, unit)
    progress: tuple[int, int] | None = None
    rates: tuple[tuple[float, str], ...] = ()
    gpus: int = 1
    # "renting a 4090 at $0.40/hour": (price per hour, "$" or "원"), for the run's cost
    price_per_hour: tuple[float, str] | None = None
    # "832x1216, hires fix upscale by 1.5": (width, height, factor)
    hires: tuple[int, int, float] | None = None
    # "15_charA with 20 images, 3_bg with 40": (repeats, images, folder) for each of two or more folders
    folders: tuple[tuple[int, int, str], ...] = ()
    # "an X/Y/Z grid of 8 epoch files x 5 weights x 2 seeds, 6 s per image": (axes, seconds per image)
    grid: tuple[tuple[int, ...], float | None] = ((), None)
    # "batch 1 at 0.8 s/it, batch 4 at 2.4 s/it": (batch, seconds per step) for two or more batches
    batch_rates: tuple[tuple[int, float], ...] = ()
    # "the same 2000 image-passes": images × repeats × epochs stated as one number
    passes: int | None = None
    # "save_every_n_epochs=3" / "save every 500 steps": ("epochs" or "steps", N)
    save_every: tuple[str, int] | None = None
    # "150 steps per epoch"
    steps_per_epoch: int | None = None
    # regularization images are in the run (kohya pairs one with each training image: the steps double)
    with_reg: bool = False
    # "caption_dropout_rate 0.05" / "validation_split 0.1" (or "hold out 10% for validation"): the rates
    caption_dropout: float | None = None
    validation_split: float | None = None
    # Prodigy / DAdaptation and Adam(W) both named ("Prodigy is worse than AdamW8bit at 4e-4")
    adaptive_and_adam: bool = False
    # a model family the SD1.5 / SD2 / SDXL batch table does not cover (Flux, Qwen-Image, Wan, SD3 ...), none of those
    other_family: bool = False

    def __bool__(self) -> bool:
        return bool(self.arch or self.vram_gb or self.gpu_name or self.num_images or self.config)

    @property
    def per_step(self) -> int:
        """Images per optimizer step: the batch times gradient accumulation (1 each when not stated)."""
        return self.config.get("train_batch_size", 1) * self.config.get("gradient_accumulation_steps", 1)

    @property
    def stated(self) -> frozenset[str]:
        """Names of the facts the user gave: config fields plus arch / vram / gpu / num_images."""
        extra = {"arch": self.arch, "vram": self.vram_gb, "gpu": self.gpu_name, "num_images": self.num_images}
        return frozenset(self.config) | {k for k, v in extra.items() if v}

    def train_config(self) -> TrainConfig | None:
        if not self.config and not self.arch:
            return None
        data = dict(self.config)
        if self.arch:
            data["model_arch"] = self.arch
        try:
            return from_dict(data)
        except (ConfigError, ValueError, TypeError):
            return None

    def facts(self) -> Facts:
        stats = {"num_images": self.num_images} if self.num_images is not None else None
        hardware = Hardware(gpu_name=self.gpu_name, vram_gb=self.vram_gb)
        return Facts(stats=stats, config=self.train_config(), hardware=hardware, arch=self.arch)

    def _table_arches(self) -> list[str]:
        return [self.arch] if self.arch else ["sd15", "sdxl"]

    def batch_below_fit(self) -> bool:
        """A stated batch smaller than the card's table allows ("4090, batch 1"): the table says more fits."""
        stated = self.config.get("train_batch_size")
        if not (stated and self.vram_gb) or self.other_family:
            return False
        return stated < max(max_batch_for(a, self.vram_gb) for a in self._table_arches())

    def batch_line(self, lang: str) -> str | None:
        """'SDXL, 8 GB VRAM: batch 1' for the family asked about (SD1.5 and SDXL when none was named)."""
        if not self.vram_gb or self.other_family:
            return None
        arches = self._table_arches()
        parts = [f"{_ARCH_NAMES[a]}: {max_batch_for(a, self.vram_gb)}" for a in arches]
        vram = f"{self.vram_gb:g} GB"
        # Where the table says 1, say what to do about it: the effective batch comes from accumulation.
        only_one = all(max_batch_for(a, self.vram_gb) == 1 for a in arches)
        if lang == "ko":
            tail = " 배치 1(train_batch_size = 1)로 두고, 더 큰 실효 배치는 gradient_accumulation_steps로 얻으세요."
            return f"VRAM {vram}에 맞는 배치 크기 — " + ", ".join(parts) + ("." + tail if only_one else "")
        tail = " Keep batch 1 (train_batch_size = 1) and get a larger effective batch from gradient_accumulation_steps."
        return f"Batch size for {vram} of VRAM — " + ", ".join(parts) + ("." + tail if only_one else "")


# The counts of a run, each written number-first ("10 repeats", "5 에폭") or unit-first ("repeats 10",
# "반복 5", "배치 2"); folder names ("10_name") say the repeats either way.
_UNIT_RE = r"(?:of|=|:|은|는|을|를)?\s*(\d{1,4})(?!\d|\.\d)"
_EPOCH_INDEX = "".join(
    rf"(?<!\b{word} )" for word in ("from", "at", "by", "after", "since", "until", "around", "before", "past")
)
_COUNT_FORMS: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    "repeats": (
        # 리핏 / 리피트: Korean users' transliteration ("리핏 20"); "10번 반복", "5회씩 반복"
        ("num", re.compile(r"(\d{1,4})\s*(?:repeats?|repetitions?|reps?|반복|리핏|리피트)", re.I)),
        ("num", re.compile(r"(\d{1,4})\s*(?:번|회)\s*(?:씩\s*)?(?:반복|리핏|리피트)", re.I)),
        # FluxGym's "Repeat trains per image 10", "repeats per image: 5"
        (
            "unit",
            re.compile(
                r"(?:repeats?(?:\s+(?:trains?\s+)?per\s+image)?|반복|리핏|리피트)\s*" + _UNIT_RE, re.I
            ),
        ),
        ("any", re.compile(r"\b(\d{1,4})_[a-z]", re.I)),
    ),
    "max_train_epochs": (
        ("num", re.compile(r"(\d{1,4})\s*(?:epochs?|에포크|에폭)", re.I)),
        # "from epoch 6 on", "at epoch 4", "after epoch 8": which epoch, not how many.
        ("unit", re.compile(_EPOCH_INDEX + r"(?:epochs?|에포크|에폭)\s*" + _UNIT_RE, re.I)),
    ),
    "train_batch_size": (
        (
            "unit",
            re.compile(
                r"batch(?:[ _]size)?\s*(?:of|=|:|is|to)?\s*(\d{1,3})\b|배치\s*(?:크기\s*|사이즈\s*)?(?:는|가|를|을)?\s*(\d{1,3})(?!\d|\.\d)"
                # "bs 2", "bs=4", "bs4": the batch as English users abbreviate it in pasted settings
                r"|\bbs\s*(?:=|:)?\s*(\d{1,3})(?!\d|\.\d)",
                re.I,
            ),
        ),
        ("num", re.compile(r"(\d{1,3})\s*batch", re.I)),
        # "from batch 2 to 8", "배치 2에서 8로", "배치를 1에서 4로": the second batch of a change
        (
            "unit",
            re.compile(
                r"(?:batch(?:[ _]size)?|배치\s*(?:크기\s*)?(?:를|을|는|가)?)\s*\d{1,3}\s*(?:에서|→|->|to)\s*(\d{1,3})(?!\d|\.\d)",
                re.I,
            ),
        ),
    ),
    # "gradient accumulation steps to 4", "grad accum 4", "gradient_accumulation_steps=4", "그래디언트 누적 4"
    "gradient_accumulation_steps": (
        (
            "unit",
            re.compile(
                r"(?:gradient[ _]accumulat\w*(?:[ _]steps?)?|grad[ _]?accum\w*|accumulation[ _]steps?"
                r"|그[래라]디[언원]트 ?(?:누적|어큐뮬레이션)(?: ?스텝)?)\s*(?:(?:set |is |at )?to\s*|of\s*|=\s*|:\s*)?"
                r"(\d{1,3})(?!\d|\.\d)",
                re.I,
            ),
        ),
    ),
}


def _read_counts(text: str) -> tuple[dict[str, int], tuple[int, ...]]:
    """Repeats, epochs and batch, and the other batch sizes the question names ("batch 4 ... what if batch 1?").
    A number between two units ("반복 5 에폭 10") could be either's; it goes the way the question writes its
    unambiguous counts ("배치 2": unit first, so 5 is the repeats and 10 the epochs), and to the leftmost reading
    when nothing tells. With two batches named, the one gradient accumulation goes with is the batch ("batch 4
    doesn't fit; batch 2 with accumulation 2?")."""
    found = []  # (setting, form, where the number is, where the match starts, value)
    for setting, forms in _COUNT_FORMS.items():
        for form, pattern in forms:
            for m in pattern.finditer(text):
                group = next(i for i in range(1, len(m.groups()) + 1) if m.group(i))
                found.append((setting, form, m.start(group), m.start(), int(m.group(group))))
    owners: dict[int, set[str]] = {}
    for setting, _, at, _, _ in found:
        owners.setdefault(at, set()).add(setting)
    shared = {at for at, settings in owners.items() if len(settings) > 1}
    votes = {"num": 0, "unit": 0}
    for _, form, at, _, _ in found:
        if at not in shared and form in votes:
            votes[form] += 1
    way = None if votes["num"] == votes["unit"] else max(votes, key=votes.__getitem__)
    out: dict[str, int] = {}
    for setting, form, at, _, value in sorted(found, key=lambda f: f[3]):
        if setting in out or not value or (way and at in shared and form not in (way, "any")):
            continue
        out[setting] = value
    batches = [
        (start, value)
        for setting, _, at, start, value in sorted(found, key=lambda f: f[3])
        if setting == "train_batch_size" and value and at not in shared
    ]
    accum = [start for setting, _, _, start, _ in found if setting == "gradient_accumulation_steps"]
    if accum and len({v for _, v in batches}) > 1:
        out["train_batch_size"] = min(batches, key=lambda b: abs(b[0] - accum[0]))[1]
    others = tuple(dict.fromkeys(v for _, v in batches if v != out.get("train_batch_size")))
    return out, others


def _learning_rate(text: str) -> float | None:
    """The learning rate the user uses: "LR is 0.0001 by default but I set it to 0.005" -> 0.005.

    Candidates are e-notation numbers, and decimals below 0.1 (or 1.0 right after the words "learning
    rate") when the question names the learning rate. A number after another setting's name is not
    one; a value named as the default or the old one loses to a value the user changed it to."""
    named = _LR_WORD.search(text) is not None
    best: tuple[int, int, float] | None = None
    previous_end = 0
    for found in _LR_NUMBER.finditer(text):
        raw = found.group(1)
        # The words between the previous number and this one describe this one.
        before = text[max(previous_end, found.start() - 40) : found.start()]
        after = text[found.end() : found.end() + 16]
        previous_end = found.end()
        value = float(raw)
        if "e" not in raw.lower():
            if not named:
                continue
            right_after_word = _LR_WORD.search(before[-25:]) is not None and not re.search(
                r"\d", before[-25:]
            )
            if value >= 0.1 and not (value == 1.0 and right_after_word):
                continue
        if value <= 0 or _OTHER_SETTING.search(before):
            continue
        was = _WAS.search(before) or _WAS_AFTER.match(after)
        rank = (0 if was else 1) + (1 if _CHANGED_TO.search(before) or _CHANGED_KO.match(after) else 0)
        if best is None or rank > best[0]:
            best = (rank, found.start(), value)
    return best[2] if best else None


def _config(text: str, counts: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = dict(counts)
    steps = first_int(_STEPS.search(text))
    if steps:
        out["max_train_steps"] = steps
    res = first_int(_RES.search(text))
    if res:
        out["resolution"] = res
    rank = first_int(_RANK.search(text))
    if rank:
        out["network_dim"] = rank
    alpha = _ALPHA.search(text)
    if alpha:
        out["network_alpha"] = float(alpha.group(1))
    lr = _learning_rate(text)
    if lr is not None:
        out["learning_rate"] = lr
        if lr >= 0.5:  # 1.0 is what adaptive optimizers take (Prodigy, DAdaptation), not an AdamW rate
            out["optimizer"] = "prodigy"
    precision = {m.lower() for m in _PRECISION.findall(text)}
    if len(precision) == 1:
        out["mixed_precision"] = precision.pop()
    # Optimizers whose learning rate is not AdamW's: Prodigy takes 1.0, Lion a third to a tenth. A question that
    # also names Adam(W) compares them or asks for both: its optimizer is not one of them.
    names_adam = _ADAM.search(text)
    if not names_adam and _ADAPTIVE.search(text):
        out["optimizer"] = "prodigy"
    elif not names_adam and re.search(r"\blion|라이온", text, re.I):
        out["optimizer"] = "lion"
    if "max_train_epochs" in out and "max_train_steps" not in out:
        out["max_train_steps"] = 0  # epochs decide the length
    return out


def read_question(text: str) -> QuestionFacts:
    # Korean particles glue onto Latin words and numbers ('SD1.5로', '12기가', 'rank 32면'): split them.
    text = re.sub(r"([0-9A-Za-z])([\uac00-\ud7a3])", r"\1 \2", text)
    text = text.replace("브이램", "VRAM")  # VRAM spelled in Hangul is not system RAM (램)
    gpu = gpu_named(text)
    images = _IMAGES.search(text) or _CLIPS.search(text)
    arch = next((name for name, pattern in _ARCHES if pattern.search(text)), None)
    counts, other_batches = _read_counts(text)
    return QuestionFacts(
        arch=arch,
        other_family=arch is None and _OTHER_FAMILIES.search(text) is not None,
        adaptive_and_adam=bool(_ADAPTIVE.search(text) and _ADAM.search(text)),
        vram_gb=vram_stated(text, gpu),
        gpu_name=gpu,
        num_images=first_int(images),
        ui=next((name for name, pattern in _UIS if pattern.search(text)), None),
        config=_config(text, counts),
        trigger_class=_trigger_class(text),
        asked_epoch=asked_epoch(text),
        asked_step=asked_step(text),
        file_size=file_size(text),
        other_batches=other_batches,
        sec_per_step=sec_per_step(text),
        progress=progress(text),
        rates=rates(text),
        gpus=gpu_count(text),
        price_per_hour=price_per_hour(text),
        hires=hires(text),
        folders=folders(text),
        grid=grid(text),
        batch_rates=batch_rates(text),
        passes=passes(text),
        save_every=save_every(text),
        steps_per_epoch=steps_per_epoch(text),
        with_reg=uses_reg(text),
        caption_dropout=caption_dropout(text),
        validation_split=validation_split(text),
    )


def _trigger_class(text: str) -> tuple[str, str] | None:
    found = _TRIGGER_CLASS.search(text)
    if not found or found.group(1).lower() in _COMMON_WORDS:
        return None
    return found.group(1), found.group(2).lower()


_BATCH_ASKED = re.compile(
    r"\b(is|are|can i|could i|should i|will|would|does|do i)\b.{0,20}batch|batch.{0,30}(too (much|big|high|large)|enough"
    r"|\bok(ay)?\b|\bfine\b|\bfit|\?)|배치.{0,20}(돼|되나|될까|괜찮|가능|무리|너무|\?)",
    re.IGNORECASE,
)


def asks_about_batch(text: str) -> bool:
    """The batch is asked about: named as a question, or named other than as a stated setting or a flag's name."""
    return bool(_BATCH_ASKED.search(text) or _BATCH_WORDS.search(_BATCH_STATED.sub(" ", text)))
