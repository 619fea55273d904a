"""Dataset statistics + kind + base model + VRAM → a complete TrainConfig with a reason per value.

Values stay inside the guide's ranges (steps 1000-5000, learning rate 1e-5 to 1e-4, batch 1/2/4 by
VRAM, rank 8-128). Afterwards the rulebook is evaluated over the result: a rule that still fires
either changes the value (regularization for a long run on few images) or is shown as a warning.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import tomli_w

from advisor.engine import Finding, Rulebook, load_rulebook
from advisor.facts import ARCHES, Facts, Hardware
from advisor.i18n import t
from advisor.memory import EIGHT_BIT_BELOW, TIGHT_VRAM, precision_for, small_optimizer
from advisor.registry import NATIVE_RESOLUTION, max_batch_for
from advisor.suggest_ko import field_help_ko
from config.arch import ARCHS, arch_spec
from config.training import TrainConfig, from_dict

KINDS = ("character", "style", "object")
# Images seen per image over the run: enough to learn, well below the overfitting rule's 250.
TARGET_VIEWS = {"character": 100, "object": 100, "style": 80}
RANK = {"character": 32, "object": 16, "style": 64}
LOWEST_RESOLUTION = {s.arch.value: s.lowest_resolution for s in ARCHS.values()}

# Reasons, by field; `{…}` are filled from the values chosen.
REASONS: dict[str, dict[str, str]] = {
    "pretrained_model": {
        "en": "the base model you chose",
        "ko": "선택한 기본 모델",
    },
    "model_arch": {
        "en": "{arch}: decides resolution, batch and memory savers",
        "ko": "{arch}: 해상도, 배치, 메모리 절약 설정을 정합니다",
    },
    "data_dir": {"en": "the dataset folder that was analysed", "ko": "분석한 데이터셋 폴더"},
    "trigger_word": {
        "en": "the trigger found in your captions; put it in prompts to call up the LoRA",
        "ko": "캡션에서 찾은 트리거 단어입니다. 프롬프트에 넣으면 LoRA가 불려 나옵니다",
    },
    "no_trigger": {
        "en": "no trigger word found: add one rare word first in every caption",
        "ko": "트리거 단어를 찾지 못했습니다. 모든 캡션 맨 앞에 흔하지 않은 단어 하나를 넣으세요",
    },
    "resolution": {"en": "native resolution of {arch}", "ko": "{arch}의 기본 해상도"},
    "resolution_small": {
        "en": "your images' median side is {side}px: {value} stays at or below it, so they are not upscaled",
        "ko": "이미지 변의 중앙값이 {side}px입니다. {value}는 그 이하라서 이미지를 키우지 않습니다",
    },
    "resolution_floor": {
        "en": "your images' median side is {side}px, below {value}, the least {arch} trains well at: "
        "they will be upscaled (blurry); use larger images",
        "ko": "이미지 변의 중앙값이 {side}px로, {arch}가 제대로 학습하는 최소 {value}보다 작습니다. "
        "확대되어 흐려지니 더 큰 이미지를 쓰세요",
    },
    "small_dataset_40": {"en": " (< 40 images)", "ko": " (이미지 40장 미만)"},
    "small_dataset_20": {"en": " (< 20 images)", "ko": " (이미지 20장 미만)"},
    "sdxl_unet_only": {"en": " (SDXL: U-Net only)", "ko": " (SDXL: U-Net만 학습)"},
    "train_batch_size": {
        "en": "guide: batch 1/2/4 by VRAM; {vram} GB with {arch} fits {batch}",
        "ko": "가이드: VRAM에 따라 배치 1/2/4. {arch}에 {vram} GB면 {batch}까지 들어갑니다",
    },
    "batch_unknown": {
        "en": "VRAM unknown: batch 1 always fits (pass --vram GB for more)",
        "ko": "VRAM을 모릅니다. 배치 1은 항상 들어갑니다 (--vram GB로 알려 주세요)",
    },
    "batch_small_dataset": {
        "en": "; only {batch} with {images} images, so 1000 steps do not overtrain them",
        "ko": "; 이미지가 {images}장뿐이라 1000스텝에 과하게 학습되지 않도록 {batch}",
    },
    "max_train_steps": {
        "en": "{images} images x ~{views} views each / batch {batch}, kept inside the guide's 1000-5000",
        "ko": "이미지 {images}장 x 장당 약 {views}회 / 배치 {batch}, 가이드 범위 1000-5000 안으로",
    },
    "learning_rate": {
        "en": "guide: 1e-4 to 1e-5; {lr} for a LoRA of this size",
        "ko": "가이드: 1e-4 ~ 1e-5. 이 크기의 LoRA에는 {lr}",
    },
    "text_encoder_lr": {
        "en": "half the U-Net rate: the text encoder drifts fast",
        "ko": "U-Net의 절반: 텍스트 인코더는 빨리 틀어집니다",
    },
    "train_text_encoder": {
        "en": "{value}: a stronger trigger costs VRAM and overfits sooner{extra}",
        "ko": "{value}: 트리거가 강해지는 대신 VRAM이 더 들고 더 빨리 과적합됩니다{extra}",
    },
    "cache_text_encoder_outputs": {
        "en": "captions are encoded once while the text encoder is frozen",
        "ko": "텍스트 인코더를 고정하면 캡션을 한 번만 인코딩합니다",
    },
    "optimizer_adamw8bit": {
        "en": "{value}: 8-bit AdamW saves VRAM on small GPUs (needs bitsandbytes); plain AdamW otherwise",
        "ko": "{value}: 작은 GPU에서는 8비트 AdamW로 VRAM을 아낍니다 (bitsandbytes 필요), 아니면 일반 AdamW",
    },
    "optimizer_adamw": {
        "en": "{value}: plain AdamW, the VRAM is enough (8-bit AdamW or Adafactor only on small GPUs)",
        "ko": "{value}: VRAM이 충분해서 일반 AdamW (8비트 AdamW나 Adafactor는 작은 GPU에서만)",
    },
    "optimizer_adafactor": {
        "en": "{value}: Adafactor saves VRAM without bitsandbytes, whose 8-bit AdamW is a CUDA build (NVIDIA)",
        "ko": "{value}: bitsandbytes 없이 VRAM을 아끼는 Adafactor (8비트 AdamW는 NVIDIA CUDA용 빌드)",
    },
    "lr_scheduler": {
        "en": "cosine decay after a short warm-up settles the LoRA at the end",
        "ko": "짧은 워밍업 뒤 코사인 감소로 마지막에 LoRA가 안정됩니다",
    },
    "lr_warmup_steps": {"en": "5% of the steps", "ko": "전체 스텝의 5%"},
    "network_dim": {
        "en": "guide: rank 8-128; {value} for a {kind}{extra}",
        "ko": "가이드: rank 8-128. {kind}에는 {value}{extra}",
    },
    "network_alpha": {
        "en": "half the rank, a common stable scale",
        "ko": "rank의 절반: 흔히 쓰는 안정적인 배율",
    },
    "target_modules": {
        "en": "{value}: styles need the MLP layers too; subjects learn well in attention",
        "ko": "{value}: 화풍은 MLP 층까지 필요하고, 대상은 어텐션만으로 잘 배웁니다",
    },
    "enable_bucket": {
        "en": "aspect-ratio buckets keep whole images instead of square crops",
        "ko": "종횡비 버킷으로 정사각형으로 자르지 않고 이미지를 온전히 씁니다",
    },
    "caption_dropout_rate": {
        "en": "a style should also show without its trigger; subjects keep every caption",
        "ko": "화풍은 트리거 없이도 드러나야 하고, 대상은 캡션을 모두 유지합니다",
    },
    "shuffle_caption": {
        "en": "{value}: shuffling only makes sense for comma-separated tags",
        "ko": "{value}: 섞기는 쉼표로 나눈 태그 캡션에만 의미가 있습니다",
    },
    "keep_tokens": {"en": "keeps the trigger first", "ko": "트리거를 맨 앞에 고정합니다"},
    "cache_latents": {
        "en": "the VAE encodes each image once, not every step",
        "ko": "VAE가 이미지를 매 스텝이 아니라 한 번만 인코딩합니다",
    },
    "min_snr_gamma": {
        "en": "Min-SNR 5 steadies the loss over timesteps",
        "ko": "Min-SNR 5는 타임스텝에 따른 loss를 고르게 합니다",
    },
    "mixed_precision_bf16": {
        "en": "bf16: {gpu} runs bf16 (Ampere or newer)",
        "ko": "bf16: {gpu}는 bf16을 지원합니다 (Ampere 이후)",
    },
    "mixed_precision_old": {
        "en": "fp16: {gpu} has no bf16 (GTX 10xx, RTX 20xx, T4, V100, Radeon RX 6000 and older, Apple silicon do not)",
        "ko": "fp16: {gpu}는 bf16을 지원하지 않습니다 (GTX 10, RTX 20 시리즈, T4, V100, 라데온 RX 6000 이하, 애플 실리콘)",
    },
    "mixed_precision_unknown": {
        "en": "fp16: the GPU was not named and fp16 runs on every NVIDIA GPU (--gpu NAME allows bf16)",
        "ko": "fp16: GPU 이름을 몰라서 모든 NVIDIA GPU에서 도는 fp16 (--gpu NAME을 주면 bf16 가능)",
    },
    "mixed_precision_cpu": {
        "en": "no: the CPU trains without mixed precision",
        "ko": "no: CPU는 혼합 정밀도를 쓰지 않습니다",
    },
    "gradient_checkpointing": {
        "en": "{value}: much less VRAM for ~20-30% more time; on below {tight} GB for {arch}",
        "ko": "{value}: 시간이 20-30% 더 드는 대신 VRAM이 크게 줄어듭니다. {arch}는 {tight} GB 미만에서 켭니다",
    },
    "sample_every_n_steps": {
        "en": "about ten sample rounds per run: pick the checkpoint before it overfits",
        "ko": "학습당 샘플 10번 정도: 과적합 직전의 체크포인트를 고를 수 있습니다",
    },
    "save_every_n_steps": {"en": "a checkpoint with every sample round", "ko": "샘플마다 체크포인트 하나"},
    "regularization": {
        "en": "off: ~{views} views per image is short enough; turn it on if other prompts start to drift",
        "ko": "끔: 이미지당 약 {views}회면 충분히 짧습니다. 다른 프롬프트가 변하기 시작하면 켜세요",
    },
}


@dataclass(frozen=True)
class Suggestion:
    config: TrainConfig
    reasons: Mapping[str, str]
    findings: tuple[Finding, ...]
    arch: str
    lang: str = "en"
    notes: tuple[str, ...] = field(default=())

    def to_toml(self) -> str:
        """The whole config as TOML, each value with its reason (or its help text) as a comment."""
        lines = [f"# {t('suggest_header', self.lang)}"]
        if self.findings:
            lines.append(f"# {t('warnings', self.lang)}:")
            for finding in self.findings:
                lines.append(f"#   [{finding.id}] {finding.text.problem} {finding.text.recommendation}")
        lines.append("")
        helps = TrainConfig.field_help()
        if self.lang == "ko":
            helps = {f.name: field_help_ko(f.name) for f in fields(TrainConfig)}
        values = self.config.to_dict()
        for f in fields(TrainConfig):
            if f.name not in values:
                continue
            comment = self.reasons.get(f.name) or helps.get(f.name, "")
            lines.append(f"# {comment}")
            lines.append(tomli_w.dumps({f.name: values[f.name]}).strip())
        return "\n".join(lines) + "\n"


def _reason(key: str, lang: str, **values: Any) -> str:
    entry = REASONS[key]
    return (entry.get(lang) or entry["en"]).format(**values)


def _precision_reason(value: str, hardware: Hardware, lang: str) -> str:
    if value == "no":
        return _reason("mixed_precision_cpu", lang)
    if value == "bf16":
        return _reason("mixed_precision_bf16", lang, gpu=hardware.gpu_name)
    key = "mixed_precision_old" if hardware.gpu_name else "mixed_precision_unknown"
    return _reason(key, lang, gpu=hardware.gpu_name)


def guess_arch(model_name: str) -> str:
    """Model family from a model's name, for choosing batch and resolution before it is loaded."""
    name = model_name.lower()
    if "xl" in name or "pony" in name or "illustrious" in name:
        return "sdxl"
    if re.search(r"(sd|stable-diffusion)[-_ ]?2|v2[-_.]|2[-_.]1|768", name):
        return "sd2"
    return "sd15"


def _round_to(value: float, step: int) -> int:
    return max(step, round(value / step) * step)


def suggest_config(
    stats: Mapping[str, Any],
    *,
    kind: str = "character",
    arch: str = "sd15",
    vram_gb: float | None = None,
    gpu_name: str = "",
    pretrained_model: str = "",
    resolution: int | None = None,
    data_dir: str = "",
    name: str = "my_lora",
    lang: str = "en",
    rulebook: Rulebook | None = None,
) -> Suggestion:
    """A complete, validated TrainConfig for this dataset and GPU, with the reason for each value."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if arch not in ARCHES:
        raise ValueError(f"base must be one of {', '.join(ARCHES)} or a model name, got {arch!r}")
    images = int(stats.get("num_images") or 0)
    if images <= 0:
        unreadable = [u.get("file", "?") for u in stats.get("unreadable") or [] if isinstance(u, Mapping)]
        detail = (
            f" ({len(unreadable)} files could not be read: {', '.join(unreadable[:5])})" if unreadable else ""
        )
        raise ValueError(f"the dataset has no images{detail}: add 20-100 images before asking for settings")
    hardware = Hardware(gpu_name=gpu_name, vram_gb=vram_gb)
    has_gpu = hardware.has_gpu is not False
    r: dict[str, str] = {}
    v: dict[str, Any] = {"name": name, "model_arch": arch}
    r["model_arch"] = _reason("model_arch", lang, arch=arch)
    if pretrained_model:
        v["pretrained_model"] = pretrained_model
        r["pretrained_model"] = _reason("pretrained_model", lang)
    if data_dir:
        v["data_dir"] = data_dir
        r["data_dir"] = _reason("data_dir", lang)
    trigger = stats.get("trigger_word") or ""
    v["trigger_word"] = str(trigger)
    r["trigger_word"] = _reason("trigger_word" if trigger else "no_trigger", lang)

    # Resolution: the family's native size, lower when the images are smaller (never upscale).
    native = resolution or NATIVE_RESOLUTION[arch]
    side = stats.get("median_side")
    v["resolution"], r["resolution"] = native, _reason("resolution", lang, arch=arch)
    if isinstance(side, int | float) and side < native:
        lowered = max(LOWEST_RESOLUTION[arch], (int(side) // 64) * 64)
        if lowered < native:
            key = "resolution_small" if lowered <= side else "resolution_floor"
            v["resolution"] = lowered
            r["resolution"] = _reason(key, lang, side=int(side), value=lowered, arch=arch)
    v["enable_bucket"], r["enable_bucket"] = True, _reason("enable_bucket", lang)
    v["min_bucket_reso"] = _round_to(v["resolution"] / 2, 64)
    v["max_bucket_reso"] = min(2048, v["resolution"] * 2)

    # Batch by VRAM, then the memory savers.
    if vram_gb:
        batch = max_batch_for(arch, vram_gb)
        r["train_batch_size"] = _reason("train_batch_size", lang, vram=f"{vram_gb:g}", arch=arch, batch=batch)
    else:
        batch = 1
        r["train_batch_size"] = _reason("batch_unknown", lang)
    # A big batch on a small dataset would push it past the guide's 1000-step floor's worth of views.
    small_cap = max(1, images * 150 // 1000)
    if batch > small_cap:
        batch = small_cap
        r["train_batch_size"] += _reason("batch_small_dataset", lang, images=images, batch=batch)
    v["train_batch_size"] = batch
    tight = not vram_gb or vram_gb < TIGHT_VRAM[arch]
    v["gradient_checkpointing"] = bool(tight and has_gpu)
    r["gradient_checkpointing"] = _reason(
        "gradient_checkpointing", lang, value=v["gradient_checkpointing"], tight=TIGHT_VRAM[arch], arch=arch
    )
    v["optimizer"] = small_optimizer(hardware) if vram_gb and vram_gb < EIGHT_BIT_BELOW[arch] else "adamw"
    r["optimizer"] = _reason(f"optimizer_{v['optimizer']}", lang, value=v["optimizer"])
    v["mixed_precision"] = precision_for(hardware)
    r["mixed_precision"] = _precision_reason(v["mixed_precision"], hardware, lang)
    v["cache_latents"], r["cache_latents"] = True, _reason("cache_latents", lang)

    # Length: about TARGET_VIEWS passes over each image, inside the guide's step range.
    views = TARGET_VIEWS[kind]
    steps = min(5000, max(1000, _round_to(images * views / batch, 100)))
    v["max_train_steps"] = steps
    r["max_train_steps"] = _reason("max_train_steps", lang, images=images, views=views, batch=batch)
    v["learning_rate"] = 1e-4
    r["learning_rate"] = _reason("learning_rate", lang, lr="1e-4")
    v["lr_scheduler"], r["lr_scheduler"] = "cosine", _reason("lr_scheduler", lang)
    v["lr_warmup_steps"], r["lr_warmup_steps"] = _round_to(steps * 0.05, 10), _reason("lr_warmup_steps", lang)
    v["min_snr_gamma"], r["min_snr_gamma"] = 5.0, _reason("min_snr_gamma", lang)

    # Network: rank by kind, smaller for small datasets and tight VRAM.
    rank = RANK[kind]
    extra = ""
    if images < 40 and rank > 32:
        rank, extra = 32, _reason("small_dataset_40", lang)
    if images < 20:
        rank, extra = min(rank, 16), _reason("small_dataset_20", lang)
    v["network_dim"], v["network_alpha"] = rank, rank / 2
    kind_word = {"character": "캐릭터", "style": "화풍", "object": "물건"}[kind] if lang == "ko" else kind
    r["network_dim"] = _reason("network_dim", lang, value=rank, kind=kind_word, extra=extra)
    r["network_alpha"] = _reason("network_alpha", lang)
    v["target_modules"] = "attn_mlp" if kind == "style" else "attn"
    r["target_modules"] = _reason("target_modules", lang, value=v["target_modules"])

    # Text encoder: worth it for subjects on SD1.5/SD2 with room to spare; SDXL trains the U-Net only.
    trains_te = arch_spec(arch).trains_text_encoder_by_default
    te = kind != "style" and trains_te and bool(vram_gb) and not tight
    v["train_text_encoder"] = te
    te_extra = "" if trains_te else _reason("sdxl_unet_only", lang)
    r["train_text_encoder"] = _reason("train_text_encoder", lang, value=te, extra=te_extra)
    if te:
        v["text_encoder_lr"], r["text_encoder_lr"] = 5e-5, _reason("text_encoder_lr", lang)
    v["cache_text_encoder_outputs"] = not te
    r["cache_text_encoder_outputs"] = _reason("cache_text_encoder_outputs", lang)

    # Captions.
    style = stats.get("caption_style")
    v["shuffle_caption"] = style == "tags"
    r["shuffle_caption"] = _reason("shuffle_caption", lang, value=v["shuffle_caption"])
    v["keep_tokens"] = 1 if trigger else 0
    r["keep_tokens"] = _reason("keep_tokens", lang)
    v["caption_dropout_rate"] = 0.05 if kind == "style" else 0.0
    r["caption_dropout_rate"] = _reason("caption_dropout_rate", lang)

    # Samples and checkpoints: about ten of each.
    every = _round_to(steps / 10, 50)
    v["sample_every_n_steps"], r["sample_every_n_steps"] = every, _reason("sample_every_n_steps", lang)
    v["save_every_n_steps"], r["save_every_n_steps"] = every, _reason("save_every_n_steps", lang)
    v["regularization"] = False
    r["regularization"] = _reason("regularization", lang, views=views)

    config = from_dict(v)
    return _apply_rules(config, r, hardware, stats, kind, arch, lang, rulebook or load_rulebook())


def _apply_rules(
    config: TrainConfig,
    reasons: dict[str, str],
    hardware: Hardware,
    stats: Mapping[str, Any],
    kind: str,
    arch: str,
    lang: str,
    rulebook: Rulebook,
) -> Suggestion:
    """Let the rules that still fire change the config where they can; the rest become warnings."""
    facts = Facts(stats=stats, config=config, hardware=hardware, kind=kind, arch=arch)
    fired = {f.id for f in rulebook.evaluate(facts, lang)}
    if "reg.prior_preservation" in fired:
        # The guide's 1000-step floor on a small dataset means many views per image: the measured
        # leak says keep the rest of the model in place with class images.
        config = config.replace(regularization=True)
        rule = rulebook.get("reg.prior_preservation").text(lang)
        reasons["regularization"] = f"True: {rule.problem} [reg.prior_preservation]"
        facts = Facts(stats=stats, config=config, hardware=hardware, kind=kind, arch=arch)
    findings = tuple(rulebook.evaluate(facts, lang))
    return Suggestion(config=config, reasons=reasons, findings=findings, arch=arch, lang=lang)
