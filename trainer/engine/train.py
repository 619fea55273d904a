"""A whole training run, top to bottom in the diffusers order:

validate → Accelerator → load → freeze → (class images) → add adapter → data + caches → optimizer
→ resume → baseline samples → loop under `accelerator.accumulate` → save → `end_training`.

`train(cfg, job_dir)` returns how the run ended ("done" or "stopped") or raises TrainingError.
`trainer.run` turns that into events and exit codes; `loracord train` calls the same code.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import torch
from accelerate.utils import set_seed

from config.training import TrainConfig
from trainer.engine import checkpoint as ckpt
from trainer.engine import ddp
from trainer.engine.buckets import BucketSpec, assign_bucket, epoch_batches, expand_repeats, make_buckets
from trainer.engine.cache import LatentSource, TextSource
from trainer.engine.data import ImageItem, captions_are_fixed, scan_dataset
from trainer.engine.events import EventWriter, plot_loss_curve
from trainer.engine.fp8 import store_in_fp8
from trainer.engine.loop import LossSettings
from trainer.engine.loss_options import loss_option_kwargs
from trainer.engine.masks import MaskSource
from trainer.engine.network import inject_adapters, lora_parameters
from trainer.engine.network_weights import load_network_weights
from trainer.engine.optim import build_optimizer, build_scheduler
from trainer.engine.optim_args import check_optimizer_args
from trainer.engine.sampling import class_prompts, default_prompts, generate_class_images
from trainer.engine.schedule import apply_zero_terminal_snr, model_has_zero_terminal_snr
from trainer.engine.session import Session, offload_idle, run_loop, sample_now
from trainer.engine.setup import RunSetup, load_model, size_factor, validate
from trainer.engine.speed import compile_for_training, enable_tf32, fuse_lora_linears
from trainer.engine.validation import build_validator
from trainer.job_paths import JobPaths

log = logging.getLogger(__name__)

_WEIGHT_DTYPES = {"no": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


@dataclass(frozen=True)
class RunResult:
    status: str  # "done" or "stopped"
    step: int
    files: tuple[Path, ...] = ()


def _accelerator(cfg: TrainConfig, job_dir: Path):
    from accelerate import Accelerator
    from accelerate.state import AcceleratorState, GradientState
    from accelerate.utils import DataLoaderConfiguration, ProjectConfiguration

    # accelerate keeps process-wide singletons that refuse a second run with other precision or
    # accumulation settings in the same process (tests, notebooks): every run starts from scratch.
    AcceleratorState._reset_state(reset_partial_state=True)
    GradientState._reset_state()

    project = ProjectConfiguration(project_dir=str(job_dir), logging_dir=str(JobPaths(job_dir).logs))
    return Accelerator(
        gradient_accumulation_steps=cfg.gradient_accumulation_steps,
        mixed_precision=cfg.mixed_precision,
        log_with="tensorboard" if cfg.tensorboard else None,
        project_config=project,
        cpu=not torch.cuda.is_available(),
        # One scheduler step per optimizer step whatever num_processes is (our step counts are global).
        dataloader_config=DataLoaderConfiguration(split_batches=True),
    )


def _freeze_and_place(model, cfg: TrainConfig, device: torch.device) -> None:  # noqa: ANN001 - BaseModel
    weight_dtype = _WEIGHT_DTYPES[cfg.mixed_precision]
    for module in (model.unet, model.vae, *model.text_encoders):
        module.requires_grad_(False)
    # The VAE stays in fp32: SD 1.5's and SDXL's VAEs overflow in fp16 and give NaN latents.
    model.vae.to(device)
    for module in (model.unet, *model.text_encoders):
        module.to(device)
        if weight_dtype != torch.float32:
            module.to(dtype=weight_dtype)
    if cfg.gradient_checkpointing:
        model.unet.enable_gradient_checkpointing()
        if cfg.train_text_encoder:
            for encoder in model.text_encoders:
                # transformers 5 renamed it (the old name warns FutureWarning); 4.x has only the old one.
                enable = getattr(encoder, "activation_checkpointing_enable", None)
                (enable or encoder.gradient_checkpointing_enable)()
    if not cfg.sdpa:
        from diffusers.models.attention_processor import AttnProcessor

        model.unet.set_attn_processor(AttnProcessor())


def _class_images(setup: RunSetup, model, device: torch.device, events: EventWriter) -> None:  # noqa: ANN001
    """Generate missing class images with the base model (before the adapter exists)."""
    cfg = setup.cfg
    folder = setup.generate_reg_into
    if folder is None:
        return
    prompts = class_prompts(cfg.class_prompt, [i.caption for i in setup.train_data.items], cfg.trigger_word)
    made = generate_class_images(
        model,
        folder,
        prompts,
        cfg.num_class_images,
        seed=cfg.seed,
        steps=cfg.sample_steps,
        guidance=cfg.sample_guidance_scale,
        resolution=cfg.resolution,
        device=device,
    )
    log.info("generated %d class images in %s", made, folder)
    setup.reg_data = scan_dataset(
        folder, caption_extension=cfg.caption_extension, repeats=cfg.reg_repeats, is_reg=True
    )


def _warn_about_data(setup: RunSetup, events: EventWriter) -> None:
    """Report training images without a caption file: the run goes on, but the LoRA ties everything
    in those images to the trigger word (or to nothing), which the user should hear about."""
    warning = setup.train_data.missing_captions_warning()
    if warning is not None:
        log.warning(warning["message"])
        events.emit("warning", **warning)


def _add_adapters(cfg: TrainConfig, model) -> list[torch.nn.Module]:  # noqa: ANN001 - BaseModel
    """LoRA into the U-Net, and into the text encoder(s) when they train; returns the trained modules."""
    trained = [module for _, module in inject_adapters(model, cfg)]
    for module in trained:
        fuse_lora_linears(module)  # LoRA's scale and sum in one GEMM (speed.py; docs/benchmarks.md)
        for param in lora_parameters(module):
            # Trainable weights in fp32 even under mixed precision (the frozen base is half).
            param.data = param.data.float()
        module.train()
    return trained


def _plan_data(setup: RunSetup, model) -> tuple[list[ImageItem], list[tuple[int, tuple[int, int]]], int]:  # noqa: ANN001
    """All items (training then regularization), one (item, bucket) entry per view (training views
    first, then the regularization pool), and how many are training views."""
    spec = BucketSpec.from_config(setup.cfg, size_factor(model))
    buckets = make_buckets(spec)
    items = list(setup.train_data.items)
    reg_items = list(setup.reg_data.items) if setup.reg_data else []
    all_items = items + reg_items

    def placed(start: int, group: list[ImageItem]) -> list[tuple[int, tuple[int, int], int]]:
        return [
            (start + i, assign_bucket(it.width, it.height, buckets, spec), it.repeats)
            for i, it in enumerate(group)
        ]

    entries, n_train = expand_repeats(placed(0, items), placed(len(items), reg_items))
    return all_items, entries, n_train


def _total_steps(cfg: TrainConfig, batches_per_epoch: int, world: int = 1) -> int:
    if cfg.max_train_steps:
        return cfg.max_train_steps
    per_epoch = -(-batches_per_epoch // (cfg.gradient_accumulation_steps * world))
    return max(1, per_epoch * cfg.max_train_epochs)


def _build_session(setup: RunSetup, accelerator, model, events: EventWriter) -> Session:  # noqa: ANN001
    cfg = setup.cfg
    items, entries, n_train = _plan_data(setup, model)
    trained = _add_adapters(cfg, model)
    if cfg.network_weights:  # continue from a LoRA file (network_weights.py)
        parts = list(zip(("unet", "te1", "te2"), trained, strict=False))
        load_network_weights(cfg, setup.arch, parts, model.unet.config)
    if cfg.fp8_base:  # frozen weights in float8 (fp8.py); the adapters exist, so only base layers change
        for module in (model.unet, *model.text_encoders):
            store_in_fp8(module)

    shift = model.shift_factor or 0.0
    mode = cfg.cache_latents_to if cfg.cache_latents else None
    latents = LatentSource(
        model.vae,
        items,
        scaling=model.scaling_factor,
        shift=shift,
        mode=mode,
        cache_dir=JobPaths(setup.job_dir).latent_cache,
        model_key=cfg.pretrained_model,
        flip_aug=cfg.flip_aug,
    )
    with accelerator.main_process_first():  # the disk cache is written once, then read by the others
        latents.fill(entries)
    text = TextSource(
        model.text_encoders,
        model.tokenizers,
        setup.arch,
        cfg.clip_skip,
        trainable=cfg.train_text_encoder,
        max_token_length=cfg.max_token_length,
    )
    if (
        cfg.cache_text_encoder_outputs
        and not cfg.train_text_encoder
        and captions_are_fixed(cfg.shuffle_caption, cfg.caption_tag_dropout_rate)
    ):
        captions = {it.caption for it in items} | ({""} if cfg.caption_dropout_rate > 0 else set())
        text.fill(captions)

    groups = [{"params": lora_parameters(model.unet), "lr": cfg.effective_unet_lr}]
    for encoder in trained[1:]:
        groups.append({"params": lora_parameters(encoder), "lr": cfg.effective_text_encoder_lr})
    optimizer = build_optimizer(
        cfg.optimizer, groups, cfg.weight_decay, check_optimizer_args(cfg.optimizer, cfg.optimizer_args)
    )
    batches_per_epoch = len(epoch_batches(entries, cfg.train_batch_size, cfg.seed, 0, n_train))
    world = accelerator.num_processes
    total = _total_steps(cfg, batches_per_epoch, world)
    scheduler = build_scheduler(
        cfg.lr_scheduler,
        optimizer,
        warmup_steps=cfg.lr_warmup_steps,
        total_steps=total,
        num_cycles=cfg.lr_scheduler_num_cycles,
        power=cfg.lr_scheduler_power,
        min_lr_ratio=cfg.lr_scheduler_min_lr_ratio,
    )
    if world > 1:  # gradients are averaged by ddp.average_gradients (text encoders too): no DDP wrapper
        trained = [accelerator.prepare_model(module, evaluation_mode=True) for module in trained]
        optimizer, scheduler = accelerator.prepare(optimizer, scheduler)
    else:
        prepared = accelerator.prepare(*trained, optimizer, scheduler)
        trained, optimizer, scheduler = list(prepared[: len(trained)]), prepared[-2], prepared[-1]

    rank = accelerator.process_index
    generator = torch.Generator(device="cpu").manual_seed(cfg.seed)  # the same on every rank
    prompts = cfg.sample_prompts or default_prompts(cfg.trigger_word, [it.caption for it in items])
    loss_settings = LossSettings(
        model.prediction_type,
        cfg.noise_offset,
        cfg.min_snr_gamma,
        setup.arch,
        zero_terminal_snr=model_has_zero_terminal_snr(model.noise_scheduler),
        **loss_option_kwargs(cfg),
    )
    return Session(
        cfg=cfg,
        job_dir=setup.job_dir,
        arch=setup.arch,
        model=model,
        accelerator=accelerator,
        events=events,
        items=items,
        entries=entries,
        n_train_entries=n_train,
        latents=latents,
        text=text,
        trained=trained,
        optimizer=optimizer,
        scheduler=scheduler,
        generator=generator,
        total_steps=total,
        batches_per_epoch=batches_per_epoch,
        prompts=prompts,
        loss_settings=loss_settings,
        num_train_images=len(setup.train_data.items),
        num_reg_images=len(setup.reg_data.items) if setup.reg_data else 0,
        tag_frequency=setup.train_data.tag_frequency(),
        masks=MaskSource(cfg, items),
        validator=_validator(
            setup, model, text, -(-batches_per_epoch // (cfg.gradient_accumulation_steps * world))
        ),
        rank=rank,
        world=world,
    )


def _validator(setup: RunSetup, model, text: TextSource, steps_per_epoch: int):  # noqa: ANN001
    """The held-out images, encoded once, in the buckets the run would give them (validation.py)."""
    spec = BucketSpec.from_config(setup.cfg, size_factor(model))
    buckets = make_buckets(spec)
    return build_validator(
        setup.cfg,
        setup.val_data,
        model,
        text,
        lambda it: assign_bucket(it.width, it.height, buckets, spec),
        steps_per_epoch,
    )


def train(cfg: TrainConfig, job_dir: Path, *, events: EventWriter | None = None) -> RunResult:
    """Train (or continue) the run in `job_dir`; resumes from its newest complete checkpoint."""
    job_dir = Path(job_dir)
    setup = validate(cfg, job_dir)  # before any work: bad configs fail here, naming the field
    events = events or EventWriter(job_dir)
    if ddp.rank() > 0:  # with num_processes > 1 only the main process reports (ddp.py)
        events = ddp.RankEvents(job_dir)
    _warn_about_data(setup, events)
    accelerator = _accelerator(cfg, job_dir)
    if cfg.tensorboard:
        accelerator.init_trackers("loracord")
    # Seeds Python, NumPy and torch: PEFT draws the initial LoRA A matrices from torch's global RNG,
    # so without this two runs of one config would start from different weights.
    set_seed(cfg.seed)
    with accelerator.main_process_first():
        model = load_model(setup)
    apply_zero_terminal_snr(model, cfg)  # schedule.py: before anything uses the noise schedule
    _freeze_and_place(model, cfg, accelerator.device)
    enable_tf32(accelerator.device)  # fp32 matmuls on tensor cores on Ampere and newer; no-op elsewhere
    with accelerator.main_process_first():
        _class_images(setup, model, accelerator.device, events)
    session = _build_session(setup, accelerator, model, events)
    offload_idle(session)

    resumed_from = session.resume(ckpt.latest_checkpoint(job_dir))
    events.emit(
        "start",
        total=session.total_steps,
        arch=setup.arch,
        num_images=session.num_train_images,
        num_reg_images=session.num_reg_images,
        resumed_from=resumed_from,
    )
    if resumed_from == 0 and cfg.sample_at_first:
        sample_now(session, 0)  # the base model's baseline, before any training
    if cfg.compile:  # after the baseline sample, so that the first graph compiled is the training one
        compile_for_training(accelerator.unwrap_model(session.trained[0]), events.emit)
    status = run_loop(session)
    if status == "stopped":
        accelerator.wait_for_everyone()  # every rank sees the same checkpoints before deciding to save
        saved = ckpt.list_checkpoints(job_dir)
        if session.step and (not saved or saved[-1][0] != session.step):
            session.save_checkpoint()
        events.emit("stopped", step=session.step)
        accelerator.end_training()
        return RunResult("stopped", session.step)

    if not accelerator.is_main_process:
        accelerator.end_training()
        return RunResult("done", session.step)
    files = session.save_outputs()
    curve = plot_loss_curve(
        session.losses,
        JobPaths(job_dir).loss_curve,
        title=f"{cfg.name} ({setup.arch})",
        val_losses=session.val_losses,
    )
    rel = [str(p.relative_to(job_dir)) for p in [*files, curve]]
    events.emit("done", step=session.step, output=rel[0], loss_curve=rel[-1], files=rel)
    accelerator.end_training()
    return RunResult("done", session.step, (*files, curve))


def check_config(cfg: TrainConfig, job_dir: Path) -> None:
    """Run the checks that need no weights (what `loracord train` does before freezing a config)."""
    validate(cfg, job_dir)
