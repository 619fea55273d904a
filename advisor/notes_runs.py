"""Lines computed from the numbers a question states about a run or a generation, beside advisor/notes.py's
steps and settings lines: a run's duration and cost from its speed, several batches' throughput, which steps the
saved files land on, a hires fix's final size, an X/Y/Z grid's count, a batch changed at the same epochs, a
LoRA file's size. Each is a plain sentence in the question's language, or None when the question does not give
what it needs."""

from __future__ import annotations

import math

from advisor.question_facts import QuestionFacts


def _span(minutes: float, lang: str) -> str:
    """A duration in minutes under two hours, else in hours: "12 min" / "12분", "2.5 h" / "2.5시간"."""
    if minutes < 120:
        return f"{minutes:.0f}분" if lang == "ko" else f"{minutes:.0f} min"
    return f"{minutes / 60:.1f}시간" if lang == "ko" else f"{minutes / 60:.1f} h"


def duration_text(qf: QuestionFacts, steps: int, lang: str) -> str:
    """The run's length from the progress bar's rate ("1.5 s/it")."""
    if not qf.sec_per_step or not steps:
        return ""
    if qf.progress:
        return _time_left(qf, lang)
    seconds = steps * qf.sec_per_step
    span = _span(seconds / 60, lang)
    rate = f"{qf.sec_per_step:.3g}"
    if lang == "ko":
        return (
            f" 초당 속도로 치면 {steps} 스텝 × {rate}초 = {seconds:.0f}초, 약 {span}입니다(샘플 생성과 저장 시간은 별도)."
            + _cost(qf, seconds, lang)
        )
    return (
        f" At {rate} s/it that is {steps} × {rate} s = {seconds:.0f} s, about {span} "
        "(sample images and saving add to it)." + _cost(qf, seconds, lang)
    )


def _time_left(qf: QuestionFacts, lang: str) -> str:
    """The time left from the progress bar's position ("300/1500") and rate: the steps still to run × s/it."""
    done, total = qf.progress or (0, 0)
    rate = qf.sec_per_step or 0.0
    left = total - done
    seconds = left * rate
    span = _span(seconds / 60, lang)
    if lang == "ko":
        return (
            f" 남은 시간: {total} − {done} = {left} 스텝 × {rate:.3g}초 = {seconds:.0f}초, 약 {span}입니다"
            "(샘플 생성과 저장 시간은 별도. 진행 바의 [경과<남은 시간]도 같은 계산입니다)."
            + _cost(qf, seconds, lang)
        )
    return (
        f" Time left: {total} − {done} = {left} steps × {rate:.3g} s = {seconds:.0f} s, about {span} "
        "(sample images and saving add to it; the bar's [elapsed<remaining] is the same estimate)."
        + _cost(qf, seconds, lang)
    )


def rates_line(qf: QuestionFacts, lang: str) -> str | None:
    """Each progress-bar rate named, as seconds per step and steps per second, and which is faster."""
    if len(qf.rates) < 2:
        return None
    parts, secs = [], []
    for value, unit in qf.rates:
        inverse = 1 / value
        if unit == "it/s":
            secs.append((inverse, f"{value:g} it/s"))
            parts.append(
                f"{value:g} it/s = 1 ÷ {value:g} = 스텝당 {inverse:.2f}초({inverse:.2f} s/it)"
                if lang == "ko"
                else f"{value:g} it/s = 1 ÷ {value:g} = {inverse:.2f} s per step ({inverse:.2f} s/it)"
            )
        else:
            secs.append((value, f"{value:g} s/it"))
            parts.append(
                f"{value:g} s/it = 스텝당 {value:g}초 = {inverse:.2f} it/s"
                if lang == "ko"
                else f"{value:g} s/it = {value:g} s per step = {inverse:.2f} it/s"
            )
    line = ("계산: " if lang == "ko" else "Computed: ") + "; ".join(parts) + "."
    fast, slow = min(secs), max(secs)
    if len(secs) > 1 and slow[0] > fast[0] * 1.005:
        ratio = slow[0] / fast[0]
        line += (
            f" 빠른 쪽은 {fast[1]}입니다({slow[1]}의 {ratio:.2f}배 속도)."
            if lang == "ko"
            else f" Faster: {fast[1]}, {ratio:.2f}× the speed of {slow[1]}."
        )
    return line


def rate_line(qf: QuestionFacts, lang: str) -> str | None:
    """A progress bar's rate in both units, with images per second at the stated batch and the time of 1000
    steps, for a rate asked about without a step count ("is 1.8 s/it fast?")."""
    sec = qf.sec_per_step
    if not sec:
        return None
    batch = qf.config.get("train_batch_size", 1)
    span = _span(1000 * sec / 60, lang)
    if lang == "ko":
        images = f", 배치 {batch}이면 초당 이미지 {batch / sec:.3g}장" if batch > 1 else ""
        return f"계산: {sec:.3g} s/it = {1 / sec:.3g} it/s(스텝 하나에 {sec:.3g}초){images}. 1000 스텝이면 약 {span}입니다."
    images = f"; at batch {batch} that is {batch / sec:.3g} images per second" if batch > 1 else ""
    return f"Computed: {sec:.3g} s/it = {1 / sec:.3g} it/s (one step every {sec:.3g} s){images}; 1000 steps take about {span}."


def _cost(qf: QuestionFacts, seconds: float, lang: str) -> str:
    """A rented GPU's cost for the run: its hours times the stated price per hour."""
    if not qf.price_per_hour:
        return ""
    price, currency = qf.price_per_hour
    hours = seconds / 3600
    cost = hours * price
    if currency == "원":
        each, total = f"{price:,.0f}원", f"{cost:,.0f}원"
    elif lang == "ko":
        each, total = f"{price:.2f}달러", f"{cost:.2f}달러"
    else:
        each, total = f"${price:.2f}", f"${cost:.2f}"
    if lang == "ko":
        return f" 시간당 {each}이면 {hours:.2f}시간 × {each} = 약 {total}입니다(설치와 모델 다운로드 시간도 요금에 들어갑니다)."
    return f" At {each} per hour that costs {hours:.2f} h × {each} = about {total} (setup and model downloads are billed too)."


def hires_line(qf: QuestionFacts, lang: str) -> str | None:
    """The hires fix's final size: the first pass times the factor (each side a multiple of 8)."""
    if not qf.hires:
        return None
    width, height, factor = qf.hires
    final_w, final_h = (int(side * factor) // 8 * 8 for side in (width, height))
    if lang == "ko":
        return f"계산: {width}x{height}를 {factor:g}배 하면 최종 해상도는 {final_w}x{final_h}입니다."
    return f"Your numbers: {width}x{height} upscaled by {factor:g} gives a final {final_w}x{final_h}."


def grid_line(qf: QuestionFacts, lang: str) -> str | None:
    """An X/Y/Z grid's image count (the axes multiplied) and, with a time per image, how long it runs."""
    axes, seconds = qf.grid
    if not axes:
        return None
    images = math.prod(axes)
    shown = " × ".join(str(a) for a in axes)
    total = images * seconds if seconds else 0
    minutes = f"{total / 60:.0f}" if total >= 60 else f"{total / 60:.1f}"
    if lang == "ko":
        time = (
            f" 장당 {seconds:g}초면 {images} × {seconds:g}초 = {total:g}초, 약 {minutes}분입니다."
            if seconds
            else ""
        )
        return f"계산: 그리드는 {shown} = {images}장입니다.{time}"
    time = (
        f" At {seconds:g} s per image that is {images} × {seconds:g} s = {total:g} s, about {minutes} min."
        if seconds
        else ""
    )
    return f"Your numbers: the grid is {shown} = {images} images.{time}"


def batch_change_line(qf: QuestionFacts, lang: str) -> str | None:
    """A batch changed at the same epochs ("from batch 2 to batch 8"): the steps shrink or grow by the ratio."""
    old, new = qf.config.get("train_batch_size"), next(iter(qf.other_batches), None)
    if not (old and new) or (qf.num_images and qf.config.get("repeats")):
        return None
    ratio = max(old, new) / min(old, new)
    shown = f"{ratio:g}"
    if lang == "ko":
        way = f"스텝 수가 {shown}분의 1로 줄어듭니다" if new > old else f"스텝 수가 {shown}배로 늘어납니다"
        return (
            f"배치 {old}에서 {new}로 바꾸고 에포크를 그대로 두면 {way}(스텝 = 이미지 × repeats × 에포크 ÷ 배치). "
            + (
                f"업데이트 횟수가 줄어 덜 배우니, 에포크를 늘리거나 학습률을 약 √{shown}배까지 올리세요."
                if new > old
                else "업데이트가 늘어 더 빨리 배우니, 과적합이면 에포크를 줄이세요."
            )
        )
    way = f"the steps drop to 1/{shown}" if new > old else f"the steps grow {shown}×"
    return (
        f"From batch {old} to batch {new} at the same epochs, {way} (steps = images × repeats × epochs ÷ batch). "
        + (
            f"Fewer updates means it learns less: add epochs, or raise the learning rate by up to √{shown}."
            if new > old
            else "More updates means it learns faster: use fewer epochs if it overfits."
        )
    )


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f}" if seconds >= 600 else f"{seconds / 60:.1f}".removesuffix(".0")


def throughput_line(qf: QuestionFacts, lang: str) -> str | None:
    """Two or more batches each with its rate ("batch 1 at 0.8 s/it, batch 4 at 2.4 s/it"): images per second,
    and for a stated number of image passes each run's duration and which finishes first."""
    if not qf.batch_rates:
        return None
    cfg = qf.config
    samples = qf.passes
    if not samples and qf.num_images and (cfg.get("repeats") or cfg.get("max_train_epochs")):
        samples = qf.num_images * (cfg.get("repeats") or 1) * (cfg.get("max_train_epochs") or 1)
    runs = []
    for batch, rate in qf.batch_rates[:3]:
        steps = math.ceil(samples / batch) if samples else 0
        runs.append((batch, rate, batch / rate, steps, steps * rate))
    fastest = max(runs, key=lambda r: r[2])
    slowest = min(runs, key=lambda r: r[2])
    ko = lang == "ko"
    if samples:
        parts = [
            (
                f"배치 {b}: {n} 스텝 × {r:g}초 = {t:.0f}초(약 {_minutes(t)}분)"
                if ko
                else f"batch {b}: {n} steps × {r:g} s = {t:.0f} s (about {_minutes(t)} min)"
            )
            for b, r, _, n, t in runs
        ]
        gap = slowest[4] - fastest[4]
        if ko:
            return (
                f"계산: 같은 {samples}장(이미지 × 리핏 × 에폭)을 학습하면 "
                + ", ".join(parts)
                + f". 배치 {fastest[0]} 쪽이 "
                f"{gap:.0f}초(약 {_minutes(gap)}분) 먼저 끝납니다(초당 {fastest[2]:.2f}장 대 {slowest[2]:.2f}장). 스텝 수는 "
                "배치가 클수록 적으니, 같은 학습량이면 it/s가 아니라 초당 이미지 수(배치 ÷ s/it)로 비교하세요."
            )
        return (
            f"Your numbers: for the same {samples} image passes (images × repeats × epochs), "
            + "; ".join(parts)
            + f". Batch {fastest[0]} finishes {gap:.0f} s (about {_minutes(gap)} min) sooner ({fastest[2]:.2f} images/s "
            f"against {slowest[2]:.2f}). Compare images per second (batch ÷ s/it), not it/s: a larger batch takes "
            "fewer steps for the same images."
        )
    if ko:
        parts = ", ".join(f"배치 {b}: {b} ÷ {r:g}초 = 초당 {ips:.2f}장" for b, r, ips, _, _ in runs)
        return f"계산: {parts}. 같은 학습량이면 배치 {fastest[0]} 쪽이 {fastest[2] / slowest[2]:.2f}배 빨리 끝납니다."
    parts = "; ".join(f"batch {b}: {b} ÷ {r:g} s = {ips:.2f} images/s" for b, r, ips, _, _ in runs)
    return (
        f"Your numbers: {parts}. For the same images, batch {fastest[0]} finishes {fastest[2] / slowest[2]:.2f}× "
        "sooner."
    )


def save_line(qf: QuestionFacts, lang: str) -> str | None:
    """Which files a run saves: save_every_n_epochs = N saves after each Nth epoch before the last, and the
    final LoRA at the end; save_every_n_steps = M at every multiple of M, and the final one."""
    if not qf.save_every:
        return None
    unit, every = qf.save_every
    cfg = qf.config
    epochs = cfg.get("max_train_epochs")
    per_epoch = qf.steps_per_epoch
    if not per_epoch and qf.num_images:
        seen = qf.num_images * (cfg.get("repeats") or 1) * (2 if qf.with_reg else 1)
        per_epoch = math.ceil(seen / qf.per_step)
    if not (epochs and per_epoch):
        return None
    total = epochs * per_epoch
    ko = lang == "ko"
    if unit == "epochs":
        saved = list(range(every, epochs, every))
        points = ", ".join(
            (f"{e}에폭({e * per_epoch} 스텝)" if ko else f"epoch {e} (step {e * per_epoch})") for e in saved
        )
        if ko:
            head = f"계산: 에폭당 {per_epoch} 스텝 × {epochs}에폭 = {total} 스텝, save_every_n_epochs = {every}이면 "
            mid = f"중간 파일은 {points}에 저장되고, " if saved else ""
            return (
                f"{head}{mid}마지막 {epochs}에폭({total} 스텝)에 번호 없는 최종 파일이 저장되어 모두 {len(saved) + 1}개입니다"
                f"(중간 파일 이름은 -{every:06d}처럼 에폭 번호가 붙음)."
            )
        mid = f"epoch files at {points}, and " if saved else ""
        return (
            f"Your numbers: {per_epoch} steps per epoch × {epochs} epochs = {total} steps; save_every_n_epochs = {every} "
            f"gives {mid}the final LoRA (no number) at epoch {epochs} (step {total}): {len(saved) + 1} files in all "
            f"(the epoch files are named -{every:06d} and so on)."
        )
    saved = list(range(every, total + 1, every))
    if not saved:
        return None
    steps = ", ".join(str(s) for s in saved[:12]) + (" …" if len(saved) > 12 else "")
    if ko:
        return (
            f"계산: 에폭당 {per_epoch} 스텝 × {epochs}에폭 = {total} 스텝, save_every_n_steps = {every}이면 {steps} 스텝에 "
            f"파일({len(saved)}개)이 저장되고, 끝에 최종 파일이 하나 더 저장됩니다."
        )
    return (
        f"Your numbers: {per_epoch} steps per epoch × {epochs} epochs = {total} steps; save_every_n_steps = {every} "
        f"saves at steps {steps} ({len(saved)} files), plus the final LoRA at the end."
    )


def size_line(qf: QuestionFacts, lang: str) -> str | None:
    """A LoRA file's size at another dim (it grows in step with the rank) or saved as fp16 (half of float)."""
    if not qf.file_size:
        return None
    mb, dims, halve = qf.file_size
    if halve:
        new = mb / 2
        if lang == "ko":
            return (
                f"계산: float(4바이트)를 fp16(2바이트)으로 저장하면 {mb:g} MB → 약 {new:g} MB입니다. "
                "LoRA 가중치는 fp16이면 충분해서 눈에 띄는 품질 차이는 없습니다."
            )
        return (
            f"Your numbers: fp16 stores each weight in 2 bytes instead of float's 4, so {mb:g} MB → about "
            f"{new:g} MB, with no visible loss of quality for a LoRA."
        )
    old, target = dims[0], next(d for d in dims[1:] if d != dims[0])
    new = round(mb * target / old, 1)
    if lang == "ko":
        return f"계산: LoRA 용량은 rank(dim)에 비례합니다. dim {old}에서 {mb:g} MB면 dim {target}에서는 약 {new:g} MB입니다."
    return f"Your numbers: a LoRA's size grows in step with its rank: {mb:g} MB at dim {old} → about {new:g} MB at dim {target}."


def caption_dropout_line(qf: QuestionFacts, lang: str) -> str | None:
    """caption_dropout_rate applied per image pass: images × repeats per epoch times the rate, on average."""
    if not (qf.caption_dropout and qf.num_images):
        return None
    rate, images, repeats = qf.caption_dropout, qf.num_images, qf.config.get("repeats") or 1
    passes = images * repeats
    dropped = passes * rate
    shown = f"{dropped:.0f}" if dropped >= 10 else f"{dropped:.1f}".removesuffix(".0")
    per = f"{images} × {repeats} = {passes}" if repeats > 1 else f"{passes}"
    if lang == "ko":
        return (
            f"계산: caption_dropout_rate = {rate:g} 설정이면 이미지를 한 번 학습할 때마다 그 확률로 캡션이 비워지므로 "
            f"에포크당 {per}번 중 평균 약 {shown}번(무작위라 조금씩 다름)이 빈 캡션으로 학습됩니다."
        )
    return (
        f"Your numbers: caption_dropout_rate {rate:g} empties the caption of each image pass with that chance, "
        f"so of the {per} passes per epoch about {shown} (on average, at random) train with an empty caption."
    )


def validation_line(qf: QuestionFacts, lang: str) -> str | None:
    """sd-scripts' validation_split: round(images × split) held out, the rest trained on."""
    if not (qf.validation_split and qf.num_images):
        return None
    split, images = qf.validation_split, qf.num_images
    held = round(images * split)
    kept = math.ceil(images * (1 - split))
    if lang == "ko":
        return (
            f"계산: 이미지 {images}장에 validation_split = {split:g}이면 {images} × {split:g} = {held}장이 "
            f"검증용으로 빠지고 {kept}장으로 학습합니다(sd-scripts가 섞어서 고름, validation_seed로 고정)."
        )
    return (
        f"Your numbers: validation_split = {split:g} of {images} images holds out {images} × {split:g} = {held} "
        f"for the validation loss and trains on {kept} (sd-scripts picks them at random; validation_seed fixes it)."
    )
