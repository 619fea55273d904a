"""Numbers a question states besides its training settings, read for the lines worked out from them
(advisor/notes.py): a progress bar's rate ("1.5 s/it"), a hires fix's first pass and factor ("832x1216,
upscale by 1.5"), a LoRA file's size with the dim or precision it would change to ("72 MB at dim 64, and at
16?"). Each reader returns None when the question does not ask for what the number would give."""

from __future__ import annotations

import re

_SEC_PER_STEP = re.compile(r"(\d{1,3}(?:\.\d+)?)\s*(s/it|sec/it|초/it|초/스텝|s/step|sec/step|it/s)\b", re.I)
# The rate in Korean words: "스텝당 1.2초", "it당 1.5초", "1스텝에 3초" (seconds per step); "초당 2it" (steps per second)
_SEC_PER_STEP_KO = re.compile(
    r"(?:(?<![\d.])1\s*)?(?:스텝|step|it|이터레이션|iteration)\s*(?:당|마다|에|하나에)\s*(?:약\s*|대략\s*)?(\d{1,3}(?:\.\d+)?)\s*초"
    r"|초당\s*(?:약\s*)?(\d{1,3}(?:\.\d+)?)\s*(?:it|스텝|step|이터)",
    re.I,
)
_HIRES = re.compile(r"hires|hi-res|high-res|하이레[스즈]|고해상도 ?보정|업스케일|upscal", re.I)
# The size is worked out only for a question that asks for it ("what's the final resolution?").
_ASKS_SIZE = re.compile(
    r"final (?:size|resolution)|what (?:size|resolution)|which (?:size|resolution)|how big|resolution (?:will|do|is)"
    r"|(?:최종|나오는|결과) ?(?:해상도|크기|사이즈)|해상도(?:가|는|이)? ?(?:몇|얼마)|크기(?:가|는)? ?(?:몇|얼마)",
    re.I,
)
_ASKS_TIME = re.compile(
    r"how long|how many (?:hours|minutes)|\beta\b|take (?:me )?(?:about )?(?:hours|long)|finish|how much longer"
    r"|time (?:left|remaining)|얼마나 걸|몇 ?(?:분|시간)|걸릴|걸리|소요|얼마나 남|남은 ?시간|언제 끝",
    re.I,
)
_SIZE_WH = re.compile(r"\b(\d{3,4})\s*[x×*]\s*(\d{3,4})\b")
_FACTOR = re.compile(
    r"(?:by|x|×)\s*(\d(?:\.\d{1,2})?)(?!\d|\.\d|\s*[x×]\s*\d)|(\d(?:\.\d{1,2})?)\s*(?:x|×|배)(?![\d])", re.I
)


def first_int(match: re.Match[str] | None) -> int | None:
    """The first group a match filled, as an integer ("1,200" -> 1200); None without a match."""
    if not match:
        return None
    value = next((g for g in match.groups() if g), None)
    return int(float(value.replace(",", ""))) if value else None


def sec_per_step(text: str) -> float | None:
    """Seconds per optimizer step from a progress bar's rate ("1.5 s/it", "2.3it/s")."""
    found = _SEC_PER_STEP.search(text)
    if not found:
        korean = _SEC_PER_STEP_KO.search(text)
        if korean and float(korean.group(1) or korean.group(2)):
            return float(korean.group(1)) if korean.group(1) else 1 / float(korean.group(2))
        return None
    if not float(found.group(1)):
        return None
    value = float(found.group(1))
    return value if found.group(2).lower() != "it/s" else 1 / value


# The GPUs one run is launched on: accelerate's --num_processes, or a count of cards ("two RTX 4090s",
# "2x 3090", "4090 두 장"); sd-scripts divides an epoch's steps among them.
_WORDS = {"two": 2, "three": 3, "four": 4, "두": 2, "세": 3, "네": 4}
_GPUS = re.compile(
    r"num_processes\s*=?\s*([2-8])\b"
    r"|\b(two|three|four|[2-8])\s*(?:x\s*)?(?:rtx\s*|nvidia\s*)?(?:[ahlv]\d{2,3}|[1-5]0[6-9]0(?:\s*ti)?)s?\b"
    r"|\b(two|three|four|[2-8])\s+(?:gpus|graphics cards|video cards)\b"
    r"|(?:[ahlv]\d{2,3}|[1-5]0[6-9]0(?:\s*ti)?|gpu|그래픽\s*카드|글카)\s*(두|세|네|[2-8])\s*(?:장|개)",
    re.I,
)


def gpu_count(text: str) -> int:
    """The number of GPUs a run uses (1 unless the question names more)."""
    found = _GPUS.search(text)
    if not found:
        return 1
    value = next(g for g in found.groups() if g).lower()
    return _WORDS.get(value) or int(value)


# A rented GPU's price per hour ("$0.40/hour", "0.4 dollars an hour", "시간당 0.4달러", "시간당 500원").
_PRICE = re.compile(
    r"\$\s?(\d{1,3}(?:\.\d{1,3})?)\s*(?:/|per|an|a)\s*(?:h|hr|hour)\b"
    r"|(\d{1,3}(?:\.\d{1,3})?)\s*(?:\$|usd|dollars?|달러|불)\s*(?:/|per|an|a)\s*(?:h|hr|hour)\b"
    r"|시간당\s*\$?\s*(\d{1,3}(?:\.\d{1,3})?)\s*(?:\$|usd|달러|불)?(?![\d원])"
    r"|시간당\s*(\d{1,3}(?:,\d{3})*|\d{1,5})\s*원"
    r"|(\d{1,3}(?:\.\d{1,3})?)\s*(?:\$|달러|불)\s*(?:/|에)?\s*(?:h|1\s*시간|한\s*시간)",
    re.I,
)


def price_per_hour(text: str) -> tuple[float, str] | None:
    """A rented GPU's price per hour and its currency ("$" or "원"), for a run's cost."""
    found = _PRICE.search(text)
    if not found:
        return None
    won = found.group(4)
    value = float((won or next(g for g in found.groups() if g)).replace(",", ""))
    return (value, "원" if won else "$") if value else None


def hires(text: str) -> tuple[int, int, float] | None:
    """A first pass's size and the hires fix's factor ("832x1216 ... upscale by 1.5")."""
    size = _SIZE_WH.search(text)
    if not (size and _HIRES.search(text) and _ASKS_SIZE.search(text)):
        return None
    rest = text[: size.start()] + " " + text[size.end() :]
    factor = next((float(g) for m in _FACTOR.finditer(rest) for g in m.groups() if g), None)
    if not factor or not 1 < factor <= 4:
        return None
    return int(size.group(1)), int(size.group(2)), factor


_SIZE_MB = re.compile(r"(\d{1,5}(?:\.\d+)?)\s*(?:mb|메가)(?![a-z])", re.I)
_DIMS = re.compile(
    r"(?:network_dim|dim|rank|딤|랭크)\s*(?:=|:|of|to|을|를|은|는)?\s*(\d{1,4})(?!\d|\.\d)", re.I
)
_FULL = re.compile(r"\b(?:float|fp32|float32|full precision)\b", re.I)
_HALF = re.compile(r"\b(?:fp16|bf16|float16|half)\b", re.I)


def file_size(text: str) -> tuple[float, tuple[int, ...], bool] | None:
    """A LoRA's size and what the question would change: another dim, or float -> fp16."""
    size = _SIZE_MB.search(text)
    if not size:
        return None
    dims = tuple(int(m.group(1)) for m in _DIMS.finditer(text))
    halve = bool(_FULL.search(text) and _HALF.search(text))
    if len(set(dims)) < 2 and not halve:
        return None
    return float(size.group(1)), dims, halve


# The progress bar's position: "step 300/1500", "300/1500 스텝", tqdm's "300/1500 [12:30<50:00, 2.50s/it]".
_PROGRESS = re.compile(
    r"(?:steps?|스텝|진행 ?바|progress(?: bar)?)\s*(?:is|at|says|shows|:|는|가|이)?\s*(\d{1,6})\s*/\s*(\d{2,6})(?![\d/.])"
    r"|(?<![\d/.])(\d{1,6})\s*/\s*(\d{2,6})(?![\d/.])\s*(?:steps?\b|스텝|\[|\|)",
    re.I,
)


def progress(text: str) -> tuple[int, int] | None:
    """The steps done and the total the progress bar shows, done below the total."""
    for found in _PROGRESS.finditer(text):
        done, total = (int(g) for g in found.groups() if g)
        if done < total:
            return done, total
    return None


def rates(text: str) -> tuple[tuple[float, str], ...]:
    """Every progress-bar rate the question names, as (value, "it/s" or "s/it"), in order."""
    found = ((float(m.group(1)), m.group(2).lower()) for m in _SEC_PER_STEP.finditer(text))
    return tuple(dict.fromkeys((v, "it/s" if u == "it/s" else "s/it") for v, u in found if v))


def asks_about_time(text: str) -> bool:
    """'how long will it take', '몇 분 걸려요': a run's duration is worked out only when it is asked for."""
    return bool(_ASKS_TIME.search(text))


_FOLDER = re.compile(r"(?<![\w.])(\d{1,4})_([A-Za-z0-9\uac00-\ud7a3][\w\uac00-\ud7a3-]*)")
_SEPARATOR = re.compile(r"[,;/]|\band\b|그리고|이랑|하고")
_COUNT = re.compile(r"(\d{1,5})\s*(?:images?|imgs?|pics?|pictures?|photos?|장|개)", re.I)


def folders(text: str) -> tuple[tuple[int, int, str], ...]:
    """kohya image folders with their image counts ("15_charA with 20 images and 3_bg with 40"): (repeats,
    images, name) for each, when two or more folders each have a count near their name."""
    found = []
    for folder in _FOLDER.finditer(text):
        ahead = text[folder.end() : folder.end() + 40]
        behind = text[max(0, folder.start() - 30) : folder.start()]
        # the nearer count not cut off by a separator is this folder's: "20 images in 10_a, 50 images in 1_b",
        # "10_a 폴더에 20장, 1_b 폴더에 50장"
        near = [(m.start(), m) for m in _COUNT.finditer(ahead) if not _SEPARATOR.search(ahead[: m.start()])][
            :1
        ]
        near += [
            (len(behind) - m.end(), m)
            for m in _COUNT.finditer(behind)
            if not _SEPARATOR.search(behind[m.end() :])
        ][-1:]
        if near:
            count = min(near, key=lambda pair: pair[0])[1]
            found.append((int(folder.group(1)), int(count.group(1)), folder.group(0)))
    return tuple(found) if len(found) >= 2 else ()


_GRID = re.compile(r"x/?y/?z|\bxyz\b|\bgrid\b|그리드|플롯|\bplot\b", re.I)
_GRID_NOUN = (
    r"(?:epoch ?files?|epochs?|files?|weights?|strengths?|seeds?|prompts?|checkpoints?|samplers?|cfg values?|loras?"
    r"|에폭 ?파일|에폭|에포크|파일|가중치|강도|시드|프롬프트|체크포인트|샘플러|로라)"
)
# "8 epoch files x 5 weights x 2 seeds", "에폭 파일 8개 × 가중치 5개 × 시드 2개"
_GRID_FACTOR = re.compile(rf"(\d{{1,3}})\s*{_GRID_NOUN}|{_GRID_NOUN}\s*(\d{{1,3}})\s*개", re.I)
_TIMES = re.compile(r"(?:^|\s|\))[x×*](?:\s|$)|×")
_SEC_PER_IMAGE = re.compile(
    r"(\d{1,3}(?:\.\d+)?)\s*(?:s|sec|secs|seconds?|초)\s*(?:per|an|each|a|/)\s*(?:image|img|pic|picture|장)"
    r"|(?:장당|이미지당|한 ?장에|한 ?장당)\s*(\d{1,3}(?:\.\d+)?)\s*초",
    re.I,
)


def grid(text: str) -> tuple[tuple[int, ...], float | None]:
    """An X/Y/Z grid's axes as the question counts them ("8 epoch files x 5 weights x 2 seeds") and the seconds
    one image takes, when it asks about a grid; ((), None) otherwise."""
    if not _GRID.search(text):
        return (), None
    factors: list[int] = []
    last_end = None
    for match in _GRID_FACTOR.finditer(text):
        between = text[last_end : match.start()] if last_end is not None else ""
        if last_end is not None and not _TIMES.search(between):
            if len(factors) >= 2:
                break
            factors = []
        factors.append(int(match.group(1) or match.group(2)))
        last_end = match.end()
    per_image = _SEC_PER_IMAGE.search(text)
    seconds = float(next(g for g in per_image.groups() if g)) if per_image else None
    return (tuple(factors), seconds) if len(factors) >= 2 else ((), None)


# "batch 1 runs at 0.8 s/it and batch 4 at 2.4 s/it", "배치1은 0.8s/it, 배치4는 2.4s/it": each batch with its rate
_BATCH_RATE = re.compile(
    r"(?:batch(?:[ _]size)?|\bbs|배치)\s*(?:of|=|:)?\s*(\d{1,3})(?!\d|\.\d)"
    r"(?:(?!batch|\bbs\b|배치)[^\d]){0,30}?(\d{1,3}(?:\.\d+)?)\s*(s/it|sec/it|it/s)\b",
    re.I,
)
# The samples both runs train on: "2000 image-passes", "2000 samples", "이미지×리핏×에폭 합이 2000"
_PASSES = re.compile(
    r"(\d{1,3}(?:,\d{3})+|\d{2,6})\s*(?:image[- ]?(?:passes|views|steps)|samples|views)\b"
    r"|(?:합|총합|합계|총|total)\s*(?:이|은|는|=|:|of)?\s*(\d{1,3}(?:,\d{3})+|\d{2,6})(?!\d|\.\d)"
    r"(?!\s*(?:스텝|steps?|에폭|에포크|epochs?|it|초|분|s\b|min))",
    re.I,
)


def batch_rates(text: str) -> tuple[tuple[int, float], ...]:
    """(batch, seconds per step) for each batch the question gives a progress-bar rate for, when it gives two or
    more different batches: the speed comparison users ask ("which batch finishes sooner?")."""
    found: dict[int, float] = {}
    for m in _BATCH_RATE.finditer(text):
        value = float(m.group(2))
        if value:
            found.setdefault(int(m.group(1)), value if m.group(3).lower() != "it/s" else 1 / value)
    return tuple(found.items()) if len(found) >= 2 else ()


def passes(text: str) -> int | None:
    """The number of image passes (images × repeats × epochs) a question states outright."""
    return first_int(_PASSES.search(text))


# "save_every_n_epochs=3", "save every 2 epochs", "3에폭마다 저장"; "150 steps per epoch", "에폭당 150스텝"
_SAVE_EVERY = re.compile(
    r"save_every_n_epochs\s*(?:=|:|of|to|is)?\s*(\d{1,3})(?!\d)|save (?:a (?:file|lora|checkpoint) )?every (\d{1,3}) epochs?"
    r"|(\d{1,3})\s*(?:에폭|에포크)\s*마다\s*(?:저장|세이브)",
    re.I,
)
_SAVE_EVERY_STEPS = re.compile(
    r"save_every_n_steps\s*(?:=|:|of|to|is)?\s*(\d{2,6})(?!\d)|save (?:a (?:file|lora|checkpoint) )?every (\d{2,6}) steps"
    r"|(\d{2,6})\s*스텝\s*마다\s*(?:저장|세이브)",
    re.I,
)
_STEPS_PER_EPOCH = re.compile(
    r"(\d{1,3}(?:,\d{3})+|\d{1,6})\s*steps?\s*(?:per|an|each|every|a|/)\s*epoch"
    r"|(?:에폭|에포크)\s*당\s*(\d{1,6})\s*스텝"
    # "에폭당 스텝 수는 150", "1에폭이 5000스텝", "한 에폭에 300스텝"
    r"|(?:에폭|에포크)\s*당\s*스텝\s*(?:수)?\s*(?:은|는|이|가|=|:)?\s*(\d{1,6})(?!\d|\.\d)"
    r"|(?<![\d.])(?:1|한)\s*(?:에폭|에포크)\s*(?:이|에|은|는|당)?\s*(\d{1,6})\s*스텝",
    re.I,
)


def save_every(text: str) -> tuple[str, int] | None:
    """How often the run saves: ("epochs", N) or ("steps", M)."""
    for unit, pattern in (("epochs", _SAVE_EVERY), ("steps", _SAVE_EVERY_STEPS)):
        value = first_int(pattern.search(text))
        if value is not None:
            return (unit, value) if value else None
    return None


def steps_per_epoch(text: str) -> int | None:
    """Steps per epoch stated outright ("150 steps per epoch")."""
    return first_int(_STEPS_PER_EPOCH.search(text))


_REG = re.compile(
    r"\bregulari[sz]ation\b|\breg ?(?:images?|imgs?|pics|photos|folders?|sets?|data)\b"
    r"|\bclass (?:images?|imgs?|pics|photos)\b|reg_data_dir|정규화|레귤러|(?:클래스|class) ?(?:이미지|사진)",
    re.I,
)
_NO_REG = re.compile(
    r"\b(?:without|no|not using|don'?t use|skip(?:ped)?|remove[ds]?|drop(?:ped)?) (?:any |the )?(?:reg|regulari[sz]ation|class) ?(?:images?|imgs?|pics|photos|folders?|sets?|data)\b"
    r"|(?:정규화|레귤러)\S{0,8}\s*(?:없이|없는|안 ?(?:쓰|써|넣)|빼)",
    re.I,
)


def uses_reg(text: str) -> bool:
    """The run the question describes has regularization (class) images: named, and not as left out."""
    return bool(_REG.search(text)) and not _NO_REG.search(text)


_ASKED_EPOCH = re.compile(
    r"\bepoch[- ]?(\d{1,3})[- ]?(?:file|checkpoint|save|lora|model)|(\d{1,3})\s*(?:에폭|에포크)\s*(?:짜리\s*)?"
    r"(?:파일|체크포인트|저장본|로라)"
    # sd-scripts names the file saved after epoch 4 "<name>-000004.safetensors"
    # ("the file ending in -000006")
    r"|(?:[\w)]|(?<!,)\s|^)-(?=\d{6}(?!\d))0{3,5}([1-9]\d{0,2})(?:\.safetensors)?\b",
    re.I,
)


def asked_epoch(text: str) -> int | None:
    """The saved epoch a question asks about; a list of epoch files ("-000004, -000006 and -000008") asks
    which to pick, not about one of them."""
    if len(_EPOCH_FILE.findall(text)) > 1:
        return None
    return first_int(_ASKED_EPOCH.search(text))


# A step the question points at as a moment of the run (a sample or checkpoint there), not a total: "step 250",
# "at 250 steps", "the 250-step sample", "250스텝 샘플", "스텝 250".
_ASKED_STEP = re.compile(
    r"\b(?:at |from )?step (\d{2,6})\b(?! ?(?:steps|total))"
    r"|\b(\d{2,6})[- ]?steps? (?:sample|image|checkpoint|file|save|mark)"
    r"|\bat (\d{2,6}) steps\b"
    r"|(\d{2,6}) ?스텝 ?(?:째|샘플|때|에서|체크포인트|파일|저장)|스텝 ?(\d{2,6}) ?(?:샘플|때|에서|째)",
    re.I,
)


def asked_step(text: str) -> int | None:
    """The step of the run a question asks the saved file of: only when it asks which file or epoch that is."""
    if not re.search(
        r"\b(which|what) (saved )?(file|epoch|checkpoint|lora)|어느 ?(파일|에폭|에포크|체크포인트)|몇 ?(에폭|에포크|번째)",
        text,
        re.I,
    ):
        return None
    return first_int(_ASKED_STEP.search(text))


_EPOCH_FILE = re.compile(r"-(?=\d{6}(?!\d))0{3,5}[1-9]")


_CAPTION_DROPOUT = re.compile(
    r"caption[_ ]dropout(?:[_ ]rate)?\s*(?:=|:|of|to|at|is|를|을|은|는)?\s*(0?\.\d{1,3})", re.I
)
_VALIDATION_SPLIT = re.compile(
    r"validation[_ ]split\s*(?:=|:|of|to|at|is|를|을|은|는)?\s*(0?\.\d{1,3})", re.I
)
_VALIDATION = re.compile(
    r"validat|\bval(?:idation)? loss|검증|밸리데이션|홀드 ?아웃|hold(?:s|ing)? out", re.I
)
_PERCENT = re.compile(r"(?<![\d.])(\d{1,2})\s*%")


def caption_dropout(text: str) -> float | None:
    """caption_dropout_rate stated with its value ("caption_dropout_rate = 0.05")."""
    m = _CAPTION_DROPOUT.search(text)
    rate = float(m.group(1)) if m else 0.0
    return rate if 0 < rate < 1 else None


def validation_split(text: str) -> float | None:
    """The share held out for validation loss: "validation_split 0.1", or a percentage in a question about
    validation ("hold out 10% for validation loss")."""
    m = _VALIDATION_SPLIT.search(text)
    if m:
        rate = float(m.group(1))
    elif _VALIDATION.search(text) and (p := _PERCENT.search(text)) and int(p.group(1)) <= 50:
        rate = int(p.group(1)) / 100
    else:
        return None
    return rate if 0 < rate < 1 else None
