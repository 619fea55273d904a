"""Lines computed from the numbers a question states: steps from images × repeats × epochs ÷ batch,
the batch that fits the stated VRAM, the precision the named GPU runs, a learning rate far outside
the usual range. Each is a plain sentence in the question's language."""

from __future__ import annotations

import math
import re

from advisor.notes_runs import (
    batch_change_line,
    caption_dropout_line,
    duration_text,
    grid_line,
    hires_line,
    rate_line,
    rates_line,
    save_line,
    size_line,
    throughput_line,
    validation_line,
)
from advisor.question_facts import QuestionFacts

TARGET_VIEWS = 100  # views per image the guide aims for (steps 1000-5000)
STEP_RANGE = (1000, 5000)


def _fmt(value: float) -> str:
    """3000, 0.0004, 2e-5 (not Python's 2e-05)."""
    return re.sub(r"e([+-])0+(\d)", r"e\1\2", f"{value:g}")


def steps_direction(qf: QuestionFacts) -> str | None:
    """'down' when the stated repeats × epochs show each image far more than ~100 times, 'up' when far
    fewer; None when the question does not say. With only one of the two stated, the other is at least 1,
    so far too many views are certain ("200 images, 500 epochs") but too few are not."""
    repeats, epochs = qf.config.get("repeats"), qf.config.get("max_train_epochs")
    if not (qf.num_images and (repeats or epochs)):
        return None
    views = (repeats or 1) * (epochs or 1)
    if views > 1.5 * TARGET_VIEWS or (views >= TARGET_VIEWS / 2 and _fewer_repeats(qf)):
        return "down"
    return "up" if repeats and epochs and views < TARGET_VIEWS / 2 else None


def _fewer_repeats(qf: QuestionFacts) -> int | None:
    """The repeats that bring a large dataset's run (stated repeats and epochs) back within 5000 steps,
    when the stated repeats make it longer; None when it is within the range or nothing is stated."""
    images, cfg = qf.num_images, qf.config
    repeats, epochs = cfg.get("repeats"), cfg.get("max_train_epochs")
    if not (images and repeats and epochs):
        return None
    per_step = qf.per_step
    if math.ceil(images * repeats / per_step) * epochs <= STEP_RANGE[1]:
        return None
    fewer = max(1, STEP_RANGE[1] * per_step // (images * epochs))
    return fewer if fewer < repeats else None


def _other_batches(qf: QuestionFacts, images: int, repeats: int, epochs: int, lang: str) -> str:
    """The same run recounted at each other batch the question names ("what if batch 1?"), one optimizer step
    per batch (no accumulation)."""
    out = ""
    accum = qf.config.get("gradient_accumulation_steps", 1) > 1
    for batch in qf.other_batches[:3]:
        per_epoch = math.ceil(images * repeats / batch)
        out += (
            f" 배치 {batch}{'(누적 없이)' if accum else ''}로 하면 {per_epoch * epochs} 스텝(에포크당 {per_epoch} "
            "스텝)입니다."
            if lang == "ko"
            else f" At batch {batch}{' (no accumulation)' if accum else ''}: {per_epoch * epochs} steps "
            f"({per_epoch} per epoch)."
        )
    return out


def _rounded(exact: float, total: int, per_epoch: int, lang: str) -> str:
    """When an epoch's batches do not divide evenly, the formula's number beside the trainer's count."""
    if total - exact < 1:
        return ""
    formula = f"{exact:.1f}".removesuffix(".0")
    if lang == "ko":
        return f"; 공식대로면 {formula} 스텝이고, kohya는 에포크마다 마지막 배치를 올려 세어 {total} 스텝으로 표시합니다"
    return f"; the formula gives {formula}, and kohya counts {total} because it rounds each epoch up to {per_epoch} batches"


def _folders_line(qf: QuestionFacts, lang: str) -> str:
    """Steps over several kohya folders: each folder's images × its repeats, summed, per epoch."""
    cfg = qf.config
    per_step = qf.per_step
    epochs = cfg.get("max_train_epochs") or 1
    seen = sum(repeats * images for repeats, images, _ in qf.folders)
    per_epoch = math.ceil(seen / per_step)
    parts = " + ".join(f"{images} × {repeats} ({name})" for repeats, images, name in qf.folders)
    if lang == "ko":
        return (
            f"계산: 에포크당 이미지 {parts} = {seen}장 ÷ 배치 {per_step} = 에포크당 {per_epoch} 스텝 × 에포크 {epochs} = "
            f"{per_epoch * epochs} 스텝. 폴더 이름 앞의 숫자가 그 폴더의 repeats라서, 이미지가 많은 폴더도 repeats를 "
            "낮추면 덜 보게 됩니다."
        )
    return (
        f"Your numbers: per epoch {parts} = {seen} images ÷ batch {per_step} = {per_epoch} steps per epoch × "
        f"{epochs} epochs = {per_epoch * epochs} steps. Each folder's leading number is its repeats, so a folder of "
        "many images can weigh less with fewer repeats."
    )


def _repeats_for_target(qf: QuestionFacts, images: int, epochs: int, lang: str) -> str:
    """The repeats that give the step count the user aims at ("30 images, ~1500 steps, 10 epochs")."""
    cfg = qf.config
    per_step = qf.per_step
    target = cfg["max_train_steps"]
    repeats = max(1, round(target * per_step / (images * epochs)))
    total = math.ceil(images * repeats / per_step) * epochs
    if lang == "ko":
        return (
            f"계산: 목표 {target} 스텝 × 배치 {per_step} ÷ (이미지 {images}장 × 에포크 {epochs}) ≈ repeats {repeats} "
            f"(폴더 이름 {repeats}_이름): {images} × {repeats} × {epochs} ÷ {per_step} = {total} 스텝."
        )
    return (
        f"Your numbers: {target} steps × batch {per_step} ÷ ({images} images × {epochs} epochs) ≈ {repeats} repeats "
        f"(folder {repeats}_name): {images} × {repeats} × {epochs} ÷ {per_step} = {total} steps."
    )


def _per_epoch_batches(qf: QuestionFacts, images: int, per_step: int, lang: str) -> str:
    """Images per epoch and no repeats or epochs, with other batches weighed ("600 images per epoch, batch 1 to
    4?"): the steps per epoch at each batch."""
    now = math.ceil(images / per_step)
    others = [(b, math.ceil(images / b)) for b in qf.other_batches[:3] if b != per_step]
    if lang == "ko":
        rest = "".join(f", 배치 {b}이면 {images} ÷ {b} = 에포크당 {n} 스텝" for b, n in others)
        return (
            f"계산: 에포크당 이미지 {images}장 ÷ 배치 {per_step} = 에포크당 {now} 스텝{rest}(repeats가 있으면 이미지 × repeats로 "
            "세세요). 배치가 크면 "
            "스텝 하나가 그만큼 느려지므로 에포크 시간은 비슷하거나 조금 짧아지고, 업데이트 횟수는 줄어듭니다."
        )
    rest = "".join(f"; at batch {b}: {images} ÷ {b} = {n} steps per epoch" for b, n in others)
    return (
        f"Your numbers: {images} images per epoch ÷ batch {per_step} = {now} steps per epoch{rest} (with repeats, count "
        "images × repeats). "
        "Each step of a larger batch takes longer, so an epoch takes about as long or a little less, with fewer updates."
    )


def _with_reg(qf: QuestionFacts, seen: int, epochs: int, total: int, lang: str) -> str:
    """With regularization images kohya pairs one with each training image (repeats counted): twice the steps."""
    if not qf.with_reg:
        return ""
    per_epoch = math.ceil(2 * seen / qf.per_step)
    if lang == "ko":
        return (
            f" 정규화 이미지가 있으면 kohya는 학습 이미지(리피트 포함) 한 장마다 정규화 이미지 한 장을 붙이므로 스텝이 두 배가 "
            f"됩니다: {total} × 2 = {per_epoch * epochs} 스텝(에포크당 {per_epoch} 스텝)."
        )
    return (
        f" With regularization images kohya pairs each training image (repeats counted) with one reg image, so the "
        f"steps double: {total} × 2 = {per_epoch * epochs} steps ({per_epoch} per epoch)."
    )


def _gpu_total(qf: QuestionFacts, seen: int, batch: int, accum: int, epochs: int) -> int:
    """sd-scripts' step count on several GPUs (max_train_epochs set): each epoch's batches are shared among
    the processes, ceil(batches / num_processes / accumulation) steps per epoch (train_network.py)."""
    return math.ceil(math.ceil(seen / batch) / qf.gpus / accum) * epochs if qf.gpus > 1 else 0


def _gpu_text(qf: QuestionFacts, gpu_total: int, per_epoch: int, lang: str) -> str:
    if not gpu_total:
        return ""
    n, shown = qf.gpus, gpu_total // max(1, qf.config.get("max_train_epochs") or 1)
    if lang == "ko":
        return (
            f" 단, GPU {n}장(num_processes {n})이면 sd-scripts가 에포크의 배치를 GPU끼리 나눠서 에포크당 {per_epoch} ÷ {n} "
            f"= {shown} 스텝, 총 {gpu_total} 스텝으로 표시합니다(한 스텝에 GPU마다 배치 하나씩, 실효 배치 × {n}). "
            f"이미지당 학습 횟수는 그대로입니다."
        )
    return (
        f" On {n} GPUs (num_processes {n}) sd-scripts shares each epoch's batches among them: {per_epoch} ÷ {n} = "
        f"{shown} steps per epoch, {gpu_total} steps in total shown (each step trains one batch per GPU, an "
        f"effective batch × {n}); every image is still seen as often."
    )


def steps_line(qf: QuestionFacts, lang: str, no_effect: bool = False) -> str | None:
    """The arithmetic users want done for them. For a LoRA that shows no effect, many views per image say that too
    little training is not the cause (never "overtrained": the symptom is the opposite)."""
    images, cfg = qf.num_images, qf.config
    if qf.folders:
        return _folders_line(qf, lang)
    if not images:
        steps = cfg.get("max_train_steps") or (qf.progress[1] if qf.progress else None)
        return (duration_text(qf, steps, lang).strip() or None) if steps else rate_line(qf, lang)
    batch = cfg.get("train_batch_size", 1)
    accum = cfg.get("gradient_accumulation_steps", 1)
    repeats, epochs = cfg.get("repeats"), cfg.get("max_train_epochs")
    if epochs and not repeats and cfg.get("max_train_steps"):
        return _repeats_for_target(qf, images, epochs, lang)
    steps = cfg.get("max_train_steps")
    if steps and not repeats and not epochs:
        # a trainer that counts only steps (ai-toolkit, OneTrainer's step mode): the epochs they make
        passes = steps * batch * accum / images
        by = f"{batch} × {accum}" if accum > 1 else f"{batch}"
        if lang == "ko":
            return (
                f"계산: {steps} 스텝 × 배치 {by} ÷ 이미지 {images}장 ≈ {_fmt(round(passes, 1))} 에포크 "
                f"(repeats 1 기준, 이미지마다 약 {round(passes)}번 학습)."
            )
        return (
            f"Your numbers: {steps} steps × batch {by} ÷ {images} images ≈ {_fmt(round(passes, 1))} epochs "
            f"(at 1 repeat; each image seen about {round(passes)} times)."
        )
    if repeats or epochs:
        repeats, shown_epochs = repeats or 1, epochs or 1
        per_epoch = math.ceil(images * repeats / (batch * accum))
        total = per_epoch * shown_epochs
        views = repeats * shown_epochs
        fewer = _fewer_repeats(qf)
        verdict = {
            "en": {
                "down": " That is more than the ~100 views per image to aim for, so the LoRA is likely "
                "overtrained: use fewer repeats or epochs, or pick an earlier checkpoint.",
                "up": " That is fewer than the ~100 views per image to aim for: raise repeats or epochs.",
                "ok": " That is about the ~100 views per image to aim for.",
                "low": " That is somewhat fewer than the ~100 views per image to aim for: enough for a style or a large "
                "dataset, while a character or a face usually wants closer to 100.",
                "seen": " That is more than the ~100 views per image to aim for: too little training is not why it shows "
                "no effect, so look at how it is loaded, its weight, the learning rate and alpha.",
            },
            "ko": {
                "down": " 이미지당 100회 정도라는 기준보다 많아서 과적합되기 쉽습니다: repeats나 에포크를 줄이거나 "
                "이른 체크포인트를 고르세요.",
                "up": " 이미지당 100회 정도라는 기준보다 적습니다: repeats나 에포크를 늘리세요.",
                "ok": " 이미지당 100회 정도라는 기준에 맞습니다.",
                "low": " 이미지당 100회 정도라는 기준보다 조금 적습니다: 화풍이나 큰 데이터셋이면 충분하고, 캐릭터나 "
                "얼굴은 보통 100회 가까이가 좋습니다.",
                "seen": " 이미지당 100회 정도라는 기준보다 많으니 효과가 없는 건 학습량이 모자라서가 아닙니다: 불러오는 "
                "방법, 가중치, 학습률과 alpha를 보세요.",
            },
        }[lang if lang == "ko" else "en"].get(
            ("seen" if no_effect and steps_direction(qf) == "down" else steps_direction(qf))
            or (
                "" if not (cfg.get("repeats") and epochs) else "ok" if views >= 0.75 * TARGET_VIEWS else "low"
            ),
            "",
        )
        if fewer and views <= 1.5 * TARGET_VIEWS:
            fewer_total = math.ceil(images * fewer / (batch * accum)) * shown_epochs
            verdict = (
                f" 1000-5000 스텝 범위를 넘습니다: 이미지가 많으면 반복을 {fewer}로 줄이세요(repeats = {fewer}, "
                f"{fewer_total} 스텝)."
                if lang == "ko"
                else f" That is beyond 1000-5000 steps: with this many images set repeats to {fewer} "
                f"({fewer_total} steps)."
            )
        gpu_total = _gpu_total(qf, images * repeats, batch, accum, shown_epochs) if epochs else 0
        verdict += _other_batches(qf, images, repeats, shown_epochs, lang) + _gpu_text(
            qf, gpu_total, per_epoch, lang
        )
        verdict += duration_text(qf, gpu_total or total, lang)
        verdict += _with_reg(qf, images * repeats, shown_epochs, total, lang)
        asked = qf.asked_epoch if qf.asked_epoch and qf.asked_epoch <= shown_epochs else None
        if asked:
            verdict += (
                f" {asked}에폭 파일은 {asked * per_epoch} 스텝째에 저장된 것입니다."
                if lang == "ko"
                else f" The epoch-{asked} file was saved at step {asked * per_epoch}."
            )
        step = qf.asked_step if qf.asked_step and qf.asked_step <= total else None
        if step and not asked:
            # "the sample at step 250 looked best: which file?" — the epoch that step ends or falls in
            epoch, rest = divmod(step, per_epoch)
            if not rest:
                verdict += (
                    f" {step} 스텝은 {epoch}에폭이 끝난 지점이라(에포크당 {per_epoch} 스텝) 매 에포크 저장이면 "
                    f"-{epoch:06d}로 끝나는 파일입니다."
                    if lang == "ko"
                    else f" Step {step} is the end of epoch {epoch} ({per_epoch} steps per epoch): saving every "
                    f"epoch, that is the file ending -{epoch:06d}."
                )
            else:
                verdict += (
                    f" {step} 스텝은 {epoch + 1}에폭 중간이라(에포크당 {per_epoch} 스텝) 그 지점의 파일은 없고, 가까운 "
                    f"저장본은 -{epoch:06d}({epoch * per_epoch} 스텝)와 -{epoch + 1:06d}({(epoch + 1) * per_epoch} 스텝)입니다."
                    if lang == "ko"
                    else f" Step {step} falls inside epoch {epoch + 1} ({per_epoch} steps per epoch), so no file was "
                    f"saved there: the nearest are -{epoch:06d} (step {epoch * per_epoch}) and -{epoch + 1:06d} "
                    f"(step {(epoch + 1) * per_epoch})."
                )
        if lang == "ko":
            by = f"(배치 {batch} × gradient accumulation {accum})" if accum > 1 else f"배치 {batch}"
            head = f"계산: 이미지 {images}장 × repeats {repeats} × 에포크 {shown_epochs} ÷ {by}"
            accum_ko = (
                f" gradient accumulation {accum}회는 배치 {accum}개의 그래디언트를 모아 한 번 업데이트하므로, 배치 "
                f"{batch}의 메모리로 배치 {batch * accum}짜리와 거의 같은 효과를 냅니다(실효 배치 {batch} × {accum} = "
                f"{batch * accum}, 이미지당 "
                "시간은 그대로)."
                if accum > 1
                else ""
            )
            rounded = _rounded(images * repeats * shown_epochs / (batch * accum), total, per_epoch, lang)
            return f"{head} = {total} 스텝 (에포크당 {per_epoch} 스텝, 이미지당 {views}회 학습){rounded}.{verdict}{accum_ko}"
        by = f"(batch {batch} × gradient accumulation {accum})" if accum > 1 else f"batch {batch}"
        head = f"Your numbers: {images} images × {repeats} repeats × {shown_epochs} epochs ÷ {by}"
        accum_en = (
            f" Gradient accumulation {accum} sums {accum} batches into each optimizer step: an effective batch of "
            f"{batch} × {accum} = {batch * accum}, nearly the same update as batch {batch * accum}, at batch {batch}'s memory and "
            "the same time per image."
            if accum > 1
            else ""
        )
        rounded = _rounded(images * repeats * shown_epochs / (batch * accum), total, per_epoch, lang)
        return (
            f"{head} = {total} steps ({per_epoch} steps per epoch; each image seen {views} times){rounded}."
            f"{verdict}{accum_en}"
        )
    if qf.batch_rates:  # batches compared by their rates: throughput_line does the arithmetic
        return None
    if qf.other_batches:
        return _per_epoch_batches(qf, images, batch * accum, lang)
    steps = min(max(images * TARGET_VIEWS // batch, STEP_RANGE[0]), STEP_RANGE[1])
    views = steps * batch / images
    epochs = 10
    repeats = max(1, round(views / epochs))
    total = math.ceil(images * repeats / batch) * epochs
    if lang == "ko":
        return (
            f"이미지 {images}장이면: repeats {repeats} × 에포크 {epochs}, 배치 {batch} → {total} 스텝 "
            f"(이미지당 약 {repeats * epochs}회, 1000-5000 스텝 범위)."
        )
    return (
        f"For {images} images: {repeats} repeats × {epochs} epochs at batch {batch} = {total} steps "
        f"(about {repeats * epochs} views per image, within 1000-5000 steps)."
    )


def precision_line(qf: QuestionFacts, lang: str) -> str | None:
    if not qf.gpu_name:
        return None
    bf16 = qf.facts().hardware.supports_bf16
    if lang == "ko":
        if bf16:
            return f"{qf.gpu_name}: bf16을 쓰세요 (mixed_precision = 'bf16'). 이 GPU가 지원하고, fp16과 달리 값이 넘치지 않습니다."
        return f"{qf.gpu_name}: bf16을 지원하지 않습니다. mixed_precision = 'fp16'을 쓰세요."
    if bf16:
        return f"{qf.gpu_name}: use bf16 (mixed_precision = 'bf16'): it runs on this GPU and, unlike fp16, does not overflow."
    return f"{qf.gpu_name}: no bf16 on this GPU; use mixed_precision = 'fp16'."


LOW_LR = 3e-5  # below this an AdamW LoRA learns too little in 1000-5000 steps
HIGH_LR = 2e-4


def lr_direction(qf: QuestionFacts, raise_lr: bool = True) -> str | None:
    """Which way a stated learning rate should move: 'down' above 2e-4, 'up' below 3e-5 (unless the
    question is about overfitting, where a low rate is not the cause), None for an adaptive optimizer."""
    lr = qf.config.get("learning_rate")
    # with an adaptive optimizer and Adam(W) both named, the stated rate may be either one's: no push
    if not lr or qf.config.get("optimizer") in ("prodigy", "lion") or qf.adaptive_and_adam:
        return None
    batch = qf.per_step
    if lr > HIGH_LR * math.sqrt(max(1, batch)):  # a bigger batch carries up to sqrt(batch) × the rate
        return "down"
    if lr < LOW_LR and raise_lr:
        return "up"
    return None


def lr_line(qf: QuestionFacts, lang: str, raise_lr: bool = True) -> str | None:
    lr = qf.config.get("learning_rate")
    if not lr:
        return None
    if qf.config.get("optimizer") == "prodigy" and lr >= 0.5:
        if lang == "ko":
            return (
                f"학습률 {_fmt(lr)}은 적응형 옵티마이저(Prodigy, DAdaptation)에 쓰는 값입니다. 옵티마이저가 "
                "자기 추정값에 곱해서 쓰므로 잘못된 값이 아닙니다. AdamW라면 1e-4를 쓰세요."
            )
        return (
            f"A learning rate of {_fmt(lr)} is the setting for adaptive optimizers (Prodigy, DAdaptation), which "
            "multiply it by their own estimate, so it is not a mistake; with AdamW use 1e-4."
        )
    direction = lr_direction(qf, raise_lr)
    if direction == "down":
        times = lr / 1e-4
        if lang == "ko":
            return f"학습률을 1e-4로 낮추세요: 지금 값 {_fmt(lr)}은 보통 쓰는 1e-4의 {times:g}배입니다."
        return f"Lower the learning rate to 1e-4: {_fmt(lr)} is {times:g}× the usual value."
    if direction == "up":
        part = f"{1e-4 / lr:.3g}"
        if lang == "ko":
            return (
                f"학습률을 1e-4 쪽으로 올리세요: 지금 값 {_fmt(lr)}은 보통 쓰는 1e-4의 1/{part}이라 "
                "1000-5000 스텝 안에 LoRA가 거의 배우지 못합니다."
            )
        return (
            f"Raise the learning rate toward 1e-4: {_fmt(lr)} is 1/{part} of the usual value, too little for "
            "a LoRA to learn much in 1000-5000 steps."
        )
    return None


def trigger_line(qf: QuestionFacts, lang: str) -> str | None:
    """A token weighed with and without its class word ("ohwx or ohwx woman?"): the two together."""
    if not qf.trigger_class:
        return None
    token, cls = qf.trigger_class
    if lang == "ko":
        return (
            f"트리거(activation word)와 각 캡션 맨 앞에는 '{token} {cls}'를 쓰세요: 드문 토큰 '{token}' 뒤에 클래스 "
            f"단어 '{cls}'를 붙이면 모델이 이미 아는 '{cls}'에 새 얼굴을 묶습니다. 그 뒤에 바뀌는 것을 적으세요 "
            f"('{token} {cls}, close-up, ...')."
        )
    return (
        f"Use '{token} {cls}' as the activation word and at the start of each caption: the rare token '{token}' "
        f"followed by the class word '{cls}' ties the new identity to what the model knows about a {cls}; then "
        f"describe what changes ('{token} {cls}, close-up, ...')."
    )


def notes_for(
    kinds: list[str], qf: QuestionFacts, lang: str, raise_lr: bool = True, no_effect: bool = False
) -> list[str]:
    makers = {
        "size": lambda: size_line(qf, lang),
        "batch": lambda: qf.batch_line(lang),
        "steps": lambda: steps_line(qf, lang, no_effect),
        "precision": lambda: precision_line(qf, lang),
        "lr": lambda: lr_line(qf, lang, raise_lr),
        "trigger": lambda: trigger_line(qf, lang),
        "hires": lambda: hires_line(qf, lang),
        "grid": lambda: grid_line(qf, lang),
        "batch_change": lambda: batch_change_line(qf, lang),
        "throughput": lambda: throughput_line(qf, lang),
        "save": lambda: save_line(qf, lang),
        "caption_dropout": lambda: caption_dropout_line(qf, lang),
        "validation": lambda: validation_line(qf, lang),
        "rates": lambda: rates_line(qf, lang),
    }
    out: list[str] = []
    for kind in dict.fromkeys(kinds):
        line = makers[kind]() if kind in makers else None
        if line:
            out.append(line)
    return out
