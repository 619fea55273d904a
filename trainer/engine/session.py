"""The state of a run in progress and the step loop over it.

The loop polls the run folder after every optimizer step: RUN/STOP ends the run cleanly (checkpoint
+ `stopped` event), RUN/SAMPLE_NOW draws samples and is deleted. Data order, noise and captions are
functions of (seed, epoch, batch) or of the saved generator, so a resumed run continues exactly.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from config.training import TrainConfig
from trainer.engine import checkpoint as ckpt
from trainer.engine.buckets import epoch_batches
from trainer.engine.cache import LatentSource, TextSource
from trainer.engine.data import ImageItem, process_caption
from trainer.engine.ddp import SkipUNet, any_rank, average_gradients, mean_over_ranks
from trainer.engine.events import EventWriter
from trainer.engine.loop import LossSettings, check_finite, diffusion_loss
from trainer.engine.network import COMPONENTS, load_lora_state_dict, lora_parameters, lora_state_dict
from trainer.engine.optim_args import EvalWeights
from trainer.engine.output import save_outputs
from trainer.engine.sampling import generate, save_samples
from trainer.engine.validation import validate_if_due
from trainer.job_paths import JobPaths


@dataclass
class Session:
    cfg: TrainConfig
    job_dir: Path
    arch: str
    model: Any
    accelerator: Any
    events: EventWriter
    items: list[ImageItem]
    entries: list[tuple[int, tuple[int, int]]]
    latents: LatentSource
    text: TextSource
    trained: list[torch.nn.Module]
    optimizer: Any
    scheduler: Any
    generator: torch.Generator
    total_steps: int
    batches_per_epoch: int
    prompts: list[str]
    loss_settings: LossSettings
    num_train_images: int
    num_reg_images: int
    tag_frequency: dict[str, dict[str, int]]
    n_train_entries: int | None = None  # entries after these are the regularization pool
    step: int = 0
    epoch: int = 0
    batch_pos: int = 0
    losses: list[tuple[int, float]] = field(default_factory=list)
    validator: Any = None  # validation.Validator when images are held out
    masks: Any = None  # masks.MaskSource (masked_loss / alpha_mask)
    val_losses: list[tuple[int, float]] = field(default_factory=list)
    started_at: float = field(default_factory=time.time)
    rank: int = 0  # this process's rank and the number of processes (num_processes; ddp.py)
    world: int = 1
    _batches: tuple[int, list[list[int]]] | None = None

    # --- data ------------------------------------------------------------------------------------
    def batches(self) -> list[list[int]]:
        if self._batches is None or self._batches[0] != self.epoch:
            self._batches = (
                self.epoch,
                epoch_batches(
                    self.entries, self.cfg.train_batch_size, self.cfg.seed, self.epoch, self.n_train_entries
                ),
            )
        return self._batches[1]

    def next_batch(self) -> tuple[list[int], random.Random]:
        """The next batch's entry indices and the random source of its captions."""
        batches = self.batches()
        if self.batch_pos >= len(batches):
            self.epoch += 1
            self.batch_pos = 0
            batches = self.batches()
        batch = batches[self.batch_pos]
        rng = random.Random(f"{self.cfg.seed}:captions:{self.epoch}:{self.batch_pos}")
        self.batch_pos += 1
        return batch, rng

    # --- state in and out ------------------------------------------------------------------------
    def lora_state(self) -> dict[str, dict[str, torch.Tensor]]:
        unwrap = self.accelerator.unwrap_model
        return {
            name: lora_state_dict(unwrap(module))
            for name, module in zip(COMPONENTS, self.trained, strict=False)
        }

    def save_checkpoint(self) -> Path | None:
        """Called on every rank; the main process writes. (Every rank draws the same noise stream,
        so the main process's RNG state is every rank's: see micro_step.)"""
        if not self.accelerator.is_main_process:
            return None
        path = ckpt.save_checkpoint(
            self.job_dir,
            self.step,
            lora=self.lora_state(),
            optimizer=self.optimizer.state_dict(),
            scheduler=self.scheduler.state_dict(),
            rng=ckpt.rng_state(self.generator),
            state={
                "epoch": self.epoch,
                "batch_pos": self.batch_pos,
                "losses": self.losses,
                "val_losses": self.val_losses,
                "started_at": self.started_at,
                "total_steps": self.total_steps,
            },
            keep=self.cfg.keep_checkpoints,
        )
        self.events.emit("checkpoint", step=self.step, path=str(path.relative_to(self.job_dir)))
        return path

    def resume(self, path: Path | None) -> int:
        """Continue from a checkpoint folder (None: a fresh start); returns the step resumed from."""
        if path is None:
            return 0
        state = ckpt.load_checkpoint(path)
        unwrap = self.accelerator.unwrap_model
        for name, module in zip(COMPONENTS, self.trained, strict=False):
            if name not in state.lora:
                raise KeyError(f"checkpoint {path} has no {name} weights; was the run's config changed?")
            load_lora_state_dict(unwrap(module), state.lora[name])
        self.optimizer.load_state_dict(state.optimizer)
        self.scheduler.load_state_dict(state.scheduler)
        ckpt.restore_rng(state.rng, self.generator)
        self.step = state.step
        self.epoch = int(state.state["epoch"])
        self.batch_pos = int(state.state["batch_pos"])
        self.losses = [(int(s), float(v)) for s, v in state.state["losses"]]
        self.val_losses = [(int(s), float(v)) for s, v in state.state.get("val_losses", [])]
        self.started_at = float(state.state.get("started_at", self.started_at))
        return self.step

    def save_outputs(self) -> list[Path]:
        with EvalWeights(self.optimizer):  # schedule-free: the averaged weights are the LoRA
            state = self.lora_state()
        return save_outputs(
            self.cfg,
            self.arch,
            state,
            self.export_info(final=True),
            self.job_dir,
            dict(self.accelerator.unwrap_model(self.trained[0]).config),
            scales=self.adapter_scales(),
        )

    def adapter_scales(self) -> dict[str, dict[str, tuple[float, int]]]:
        """Per component, each adapted module's (alpha, rank): the LyCORIS writer needs them."""
        from trainer.engine.adapters import adapter_scales

        unwrap = self.accelerator.unwrap_model
        return {name: adapter_scales(unwrap(m)) for name, m in zip(COMPONENTS, self.trained, strict=False)}

    def export_info(self, final: bool = False) -> dict[str, Any]:
        """What the run knows for the file's metadata (trainer.export.metadata documents the keys).

        `ss_epoch` as sd-scripts counts it: the final file carries the number of the epoch the run
        ended in (1-based: a 40-step run that ends inside its 4th epoch writes 4); a file saved
        during the run carries the epochs completed so far.
        """
        train_items = [it for it in self.items if not it.is_reg]
        reg_items = [it for it in self.items if it.is_reg]
        buckets: dict[tuple[int, int], int] = {}
        for _, bucket in self.entries:
            buckets[bucket] = buckets.get(bucket, 0) + 1
        epochs_done = self.epoch + (1 if self.batch_pos >= self.batches_per_epoch else 0)
        if final and self.step > 0:
            epochs_done = self.epoch + 1
        per_epoch = -(-self.batches_per_epoch // (self.cfg.gradient_accumulation_steps * self.world))
        return {
            "num_processes": self.world,
            # sd-scripts counts images with their repeats; img_count is the files on disk.
            "num_train_images": sum(it.repeats for it in train_items),
            "img_count": len(train_items),
            "num_reg_images": sum(it.repeats for it in reg_items),
            "reg_img_count": len(reg_items),
            "num_validation_images": len(self.validator.pairs) if self.validator else 0,
            "num_batches_per_epoch": self.batches_per_epoch,
            "num_epochs": -(-self.total_steps // per_epoch),
            "steps": self.step,
            "epoch": epochs_done,
            "started_at": self.started_at,
            "finished_at": time.time(),
            "tag_frequency": self.tag_frequency,
            "prediction_type": self.loss_settings.prediction_type,
            "zero_terminal_snr": self.loss_settings.zero_terminal_snr,
            "bucket_info": {
                "buckets": {
                    i: {"resolution": list(b), "count": n} for i, (b, n) in enumerate(sorted(buckets.items()))
                }
            },
        }

    # --- one optimizer step ------------------------------------------------------------------------
    def micro_step(self) -> float:
        """One batch per rank. With num_processes N every rank takes the next N batches in order and
        trains on its own one; it still draws the noise of the others (cheap, no U-Net), so the run
        equals a 1-process run with N times the gradient accumulation (ddp.py)."""
        taken = [self.next_batch() for _ in range(self.world)]
        for batch, rng in taken[: self.rank]:
            self._replay_draws(batch, rng)
        value = self._train_on(*taken[self.rank])
        for batch, rng in taken[self.rank + 1 :]:
            self._replay_draws(batch, rng)
        return value

    def _replay_draws(self, batch: list[int], rng: random.Random) -> None:
        """Advance the noise generator as training on `batch` would, without the U-Net."""
        pairs, _, flips = self._inputs(batch, rng)
        latents, sizes = self.latents.get(pairs, flips)
        empty = torch.zeros(1)
        diffusion_loss(
            SkipUNet(), self.model.noise_scheduler, latents.float(), sizes, empty, empty,
            torch.ones(len(pairs)), self.generator, self.loss_settings,
        )  # fmt: skip

    def _inputs(self, batch: list[int], rng: random.Random) -> tuple[list, list[str], list[bool] | None]:
        """A batch's (entry, bucket) pairs, its processed captions and its flips."""
        cfg = self.cfg
        pairs = [self.entries[i] for i in batch]
        captions = [
            process_caption(
                self.items[i].caption,
                rng,
                shuffle=cfg.shuffle_caption,
                keep_tokens=cfg.keep_tokens,
                dropout_rate=cfg.caption_dropout_rate,
                tag_dropout_rate=cfg.caption_tag_dropout_rate,
            )
            for i, _ in pairs
        ]
        # flip_aug: each sample mirrored with probability 1/2 (drawn after the captions, so runs
        # without it draw exactly as before).
        flips = [rng.random() < 0.5 for _ in pairs] if cfg.flip_aug else None
        return pairs, captions, flips

    def _train_on(self, batch: list[int], rng: random.Random) -> float:
        cfg = self.cfg
        accelerator = self.accelerator
        pairs, captions, flips = self._inputs(batch, rng)
        latents, sizes = self.latents.get(pairs, flips)
        weights = torch.tensor([cfg.prior_loss_weight if self.items[i].is_reg else 1.0 for i, _ in pairs])
        dtype = next(self.model.unet.parameters()).dtype
        with accelerator.accumulate(*self.trained):
            with accelerator.autocast():
                hidden, pooled = self.text.get(captions)
                hidden = hidden.to(accelerator.device, dtype)
                pooled = None if pooled is None else pooled.to(accelerator.device, dtype)
                loss = diffusion_loss(
                    self.trained[0],
                    self.model.noise_scheduler,
                    latents.to(accelerator.device, dtype),
                    sizes,
                    hidden,
                    pooled,
                    weights,
                    self.generator,
                    self.loss_settings,
                    self.masks.get(pairs, flips, tuple(latents.shape[-2:])) if self.masks else None,
                )
            value = check_finite(loss, self.step + 1, cfg.mixed_precision, cfg.effective_unet_lr)
            accelerator.backward(loss)
            if accelerator.sync_gradients and self.world > 1:
                average_gradients([p for module in self.trained for p in lora_parameters(module)], self.world)
            if accelerator.sync_gradients and cfg.max_grad_norm > 0:
                params = [p for module in self.trained for p in lora_parameters(module)]
                accelerator.clip_grad_norm_(params, cfg.max_grad_norm)
            self.optimizer.step()
            self.scheduler.step()
            self.optimizer.zero_grad(set_to_none=True)
        return value

    def optimizer_step(self) -> float:
        values = [self.micro_step() for _ in range(self.cfg.gradient_accumulation_steps)]
        self.step += 1
        return mean_over_ranks(self.accelerator, sum(values) / len(values))


def idle_modules(session: Session) -> list[torch.nn.Module]:
    """Frozen modules the steps never use once their outputs are cached: the VAE, frozen encoders."""
    idle = []
    if session.latents.mode is not None:
        idle.append(session.model.vae)
    if session.text.cached and not session.cfg.train_text_encoder:
        idle.extend(session.model.text_encoders)
    return idle


def offload_idle(session: Session) -> None:
    """On a GPU, park the idle modules in CPU memory between samples (SDXL: ~2 GB of VRAM)."""
    if session.accelerator.device.type != "cuda":
        return
    for module in idle_modules(session):
        module.to("cpu")
    torch.cuda.empty_cache()


def sample_now(session: Session, step: int) -> None:
    """Draw the sample images (main process only; the other ranks go on to the next step)."""
    if not session.accelerator.is_main_process:
        return
    cfg = session.cfg
    device = session.accelerator.device
    for module in idle_modules(session):
        module.to(device)
    try:
        with EvalWeights(session.optimizer):  # schedule-free: sample the averaged weights
            images = generate(
                session.model,
                session.prompts,
                seed=cfg.sample_seed,
                steps=cfg.sample_steps,
                guidance=cfg.sample_guidance_scale,
                width=cfg.resolution,
                height=cfg.resolution,
                device=device,
            )
    finally:
        offload_idle(session)
    session.events.emit("sample", **save_samples(session.job_dir, step, session.prompts, images))


def run_loop(session: Session) -> str:
    """Train until total_steps ("done") or until RUN/STOP appears ("stopped")."""
    cfg = session.cfg
    job_dir = session.job_dir
    per_step = None
    first = True
    while session.step < session.total_steps:
        # Checked before every step too: a STOP written while the run was starting is honoured,
        # and it stays in force until whoever wrote it removes it (the worker when it resumes a job).
        if any_rank(session.accelerator, JobPaths(job_dir).stop_flag.exists()):
            return "stopped"
        began = time.perf_counter()
        loss = session.optimizer_step()
        elapsed = time.perf_counter() - began
        # With `compile` the first step compiles: its time is reported apart and kept out of the ETA.
        compiled = {"compile_s": round(elapsed, 1)} if cfg.compile and first else {}
        first = False
        if not compiled:
            per_step = elapsed if per_step is None else 0.9 * per_step + 0.1 * elapsed
        step = session.step
        session.losses.append((step, loss))
        validated = validate_if_due(session, step)  # {"val_loss": v} at a validation step
        lr = session.scheduler.get_last_lr()[0]
        session.events.emit(
            "step",
            step=step,
            total=session.total_steps,
            loss=round(loss, 6),
            lr=lr,
            eta_s=round((per_step or elapsed) * (session.total_steps - step), 1),
            s_per_step=round(per_step or elapsed, 4),
            **compiled,
            **validated,
        )
        if cfg.tensorboard:
            session.accelerator.log({"loss": loss, "lr": lr}, step=step)
        sample_flag = JobPaths(job_dir).sample_flag
        due = cfg.sample_every_n_steps and step % cfg.sample_every_n_steps == 0
        if (sample_flag.exists() and session.accelerator.is_main_process) or (
            due and step < session.total_steps
        ):
            sample_now(session, step)
            if session.accelerator.is_main_process:
                sample_flag.unlink(missing_ok=True)
        if cfg.save_every_n_steps and step % cfg.save_every_n_steps == 0 and step < session.total_steps:
            session.save_checkpoint()
    # A final checkpoint lets a re-run of a finished run re-export without training again.
    session.accelerator.wait_for_everyone()  # every rank sees the same checkpoints before deciding
    saved = ckpt.list_checkpoints(job_dir)
    if not saved or saved[-1][0] != session.step:
        session.save_checkpoint()
    if cfg.sample_at_end:
        sample_now(session, session.step)
    return "done"
