"""`python -m trainer.sample JOB_DIR`: the guide's test-and-improve step for a finished run.

Reads JOB_DIR/sample_request.json (trainer.queue.samplereq), loads the source run's base model once,
and for every chosen checkpoint × LoRA strength draws the prompts with fixed seeds. Writes one grid
per prompt into JOB_DIR/samples/ (rows = checkpoints, labelled with their step; columns = strengths)
and, for every checkpoint, the kohya .safetensors into JOB_DIR/output/ through the run's own writer,
so the user keeps exactly the file they liked. Events and exit status as `trainer.run`
(docs/contracts.md): 0 done, 1 failed with an `error` event, 3 stopped by JOB_DIR/STOP (between cells).
"""

from __future__ import annotations

import argparse
import errno
import functools
import logging
import shutil
import sys
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config.arch import arch_spec
from config.training import ConfigError, TrainConfig, load_train_config
from trainer.job_paths import JobPaths, read_events
from trainer.queue.jobdir import count_images
from trainer.queue.samplereq import SampleRequest, SampleRequestError, load_request
from trainer.run import EXIT_DONE, EXIT_FAILED, EXIT_STOPPED, report_failure

log = logging.getLogger("trainer.sample")


@dataclass(frozen=True)
class LoraSource:
    """One row of the grids: a step checkpoint, or the run's final LoRA file when no checkpoint has it."""

    step: int
    checkpoint: Path | None = None
    final_file: Path | None = None

    @property
    def final(self) -> bool:
        return self.final_file is not None


def _final_output(run: Path) -> tuple[int, Path] | None:
    """(step, file) of the run's finished LoRA, from its last `done` event."""
    for event in reversed(read_events(run)):
        if event.get("type") == "done" and isinstance(event.get("output"), str):
            path = run / event["output"]
            return (int(event.get("step") or 0), path) if path.is_file() else None
    return None


def find_sources(run: Path, wanted: Sequence[int]) -> list[LoraSource]:
    """Every saved step checkpoint plus the final LoRA (or only the `wanted` steps), oldest first."""
    from trainer.engine.checkpoint import list_weights

    found = {step: LoraSource(step, checkpoint=path) for step, path in list_weights(run)}
    final = _final_output(run)
    if final is not None:
        step, path = final
        # The finished run's last checkpoint holds the same weights in fp32: sample from it, but
        # label the row as the final LoRA.
        found[step] = LoraSource(
            step, checkpoint=found[step].checkpoint if step in found else None, final_file=path
        )
    if not found:
        raise _Failure(
            "data",
            f"{run} has no saved checkpoints and no finished LoRA (they were deleted, or the run never "
            "finished); train again, or pick another run",
            "source_run",
        )
    if wanted:
        missing = [s for s in wanted if s not in found]
        if missing:
            raise _Failure(
                "config",
                f"no checkpoint at step(s) {', '.join(map(str, missing))}; this run has "
                f"{', '.join(map(str, sorted(found)))}",
                "checkpoints",
            )
        return [found[s] for s in wanted]
    return [found[s] for s in sorted(found)]


class _Stopped(Exception):
    """JOB_DIR/STOP appeared (cancel, or the worker shutting down): stop between two cells."""


class _Failure(Exception):
    def __init__(self, kind: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.kind, self.field = kind, field


def _prompts(request: SampleRequest, cfg: TrainConfig) -> list[str]:
    from trainer.engine.sampling import default_prompts

    if request.prompts:
        return list(request.prompts)
    if cfg.sample_prompts:
        return list(cfg.sample_prompts)[:4]
    captions = []
    data = Path(cfg.data_dir)
    if data.is_dir():
        for path in sorted(data.rglob(f"*{cfg.caption_extension}"))[:200]:
            captions.append(path.read_text(encoding="utf-8", errors="replace").strip())
    return default_prompts(cfg.trigger_word, captions)[:4]


def _weights_from_file(path: Path, cfg: TrainConfig, arch: str, parts, unet_config) -> dict:  # noqa: ANN001
    """Read a kohya file back into PEFT state dicts that fit the adapters in `parts`."""
    import torch

    from trainer.engine.network import lora_state_dict
    from trainer.export.common import ExportError, collect_pairs
    from trainer.export.kohya import kohya_module_name, read_kohya_lora
    from trainer.export.sai_names import UNetLayout

    try:
        tensors, _ = read_kohya_lora(path)
    except ExportError as exc:
        raise _Failure("data", str(exc), "source_run") from exc
    if cfg.network_type != "lora":
        return _lycoris_weights(tensors, path, cfg, arch, parts, unet_config)
    layout = UNetLayout.from_config(unet_config) if arch_spec(arch).sai_unet_names else None
    out: dict[str, dict[str, torch.Tensor]] = {}
    for component, module in parts:
        state = lora_state_dict(module)
        conv = cfg.conv_alpha if cfg.target_modules == "locon" else None
        for pair in collect_pairs({component: state}, arch):
            name = kohya_module_name(component, pair.path, arch, layout)
            down, up = tensors.get(f"{name}.lora_down.weight"), tensors.get(f"{name}.lora_up.weight")
            if down is None or up is None:
                raise _Failure(
                    "data",
                    f"{path.name} does not fit this run's settings (no weights for {name}); was it edited?",
                    "source_run",
                )
            configured = conv if pair.is_conv3x3 and conv is not None else cfg.network_alpha
            alpha = float(tensors.get(f"{name}.alpha", torch.tensor(configured)))
            # The adapters scale by the configured alpha; a file saved with another alpha keeps its effect.
            scale = alpha / configured if configured else 1.0
            out.setdefault(component, {})[f"{pair.path}.lora_A.weight"] = down.float()
            out[component][f"{pair.path}.lora_B.weight"] = up.float() * scale
    return out


def _lycoris_weights(tensors: dict, path: Path, cfg: TrainConfig, arch: str, parts, unet_config) -> dict:  # noqa: ANN001
    """A LoHa / LoKr / DoRA file read back into the adapters' state dicts (trainer.export.lycoris)."""
    from trainer.engine.adapters import adapter_scales
    from trainer.engine.network import lora_state_dict
    from trainer.export.common import ExportError
    from trainer.export.lycoris import peft_state_from_lycoris

    out = {}
    for component, module in parts:
        try:
            out[component] = peft_state_from_lycoris(
                tensors,
                component,
                lora_state_dict(module),
                arch,
                cfg.network_type,
                adapter_scales(module),
                unet_config,
            )
        except ExportError as exc:
            raise _Failure("data", f"{path.name}: {exc}; was it edited?", "source_run") from exc
    return out


def _set_strength(parts, weights: dict, strength: float) -> None:  # noqa: ANN001
    """Load `weights` scaled to `strength`: the one factor each update is linear in (LoRA's B, LoHa's
    w1_a, LoKr's w1) times s scales the update by s, exactly (DoRA's magnitude normalisation makes
    its strength approximate)."""
    from trainer.engine.adapters import is_strength_factor
    from trainer.engine.network import load_lora_state_dict

    for component, module in parts:
        state = weights.get(component)
        if state is None:
            raise _Failure(
                "data", f"the checkpoint has no {component} weights; was the run's config changed?"
            )
        scaled = {k: (v * strength if is_strength_factor(k) else v) for k, v in state.items()}
        load_lora_state_dict(module, scaled)


def _scales(parts) -> dict:  # noqa: ANN001
    """Each adapted module's (alpha, rank), for the LyCORIS writer."""
    from trainer.engine.adapters import adapter_scales

    return {component: adapter_scales(module) for component, module in parts}


def _export_info(cfg: TrainConfig, source: LoraSource, started_at: float) -> dict[str, Any]:
    from trainer.engine.checkpoint import checkpoint_state

    state = checkpoint_state(source.checkpoint) if source.checkpoint else {}
    return {
        "steps": source.step,
        "epoch": int(state.get("epoch", 0)),
        "started_at": float(state.get("started_at", started_at)),
        "finished_at": time.time(),
        "num_train_images": count_images(Path(cfg.data_dir)),
    }


def sample_run(job_dir: Path, events) -> list[str]:  # noqa: ANN001 - EventWriter
    """Do the whole job; returns the written files (relative to JOB_DIR). Raises _Failure and friends."""
    import torch

    from trainer.engine.checkpoint import load_lora_weights
    from trainer.engine.network import inject_adapters
    from trainer.engine.output import save_kohya_file
    from trainer.engine.sampling import generate, labelled_grid
    from trainer.models.load import ModelLoadError, load_base

    began = time.time()
    request = load_request(job_dir)
    run = Path(request.source_run)
    if not JobPaths(run).config.is_file():
        raise _Failure(
            "data", f"the run folder {run} is gone (deleted, or expired); train again", "source_run"
        )
    cfg = load_train_config(JobPaths(run).config).replace(output_dir=str(run))
    sources = find_sources(run, request.checkpoints)
    prompts = _prompts(request, cfg)
    strengths = list(request.strengths)
    seed = cfg.sample_seed if request.seed is None else request.seed
    steps = cfg.sample_steps if request.steps is None else request.steps
    guidance = cfg.sample_guidance_scale if request.guidance is None else request.guidance
    try:
        model = load_base(cfg.pretrained_model, arch=cfg.model_arch, prediction_type=cfg.prediction_type)
    except ModelLoadError as exc:
        raise _Failure("model", str(exc), "pretrained_model") from exc
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    # As in training: on a GPU the U-Net and text encoders in the run's mixed precision, the VAE in
    # fp32 (SD's VAEs overflow in fp16). On a CPU everything stays fp32 (half is slow or missing there).
    half = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(cfg.mixed_precision)
    for module in (model.unet, model.vae, *model.text_encoders):
        module.requires_grad_(False)
        module.to(device)
        if device.type == "cuda" and half is not None and module is not model.vae:
            module.to(dtype=half)
    parts = inject_adapters(model, cfg)
    unet_config = dict(model.unet.config)
    total = len(sources) * len(strengths)
    events.emit(
        "start",
        total=total,
        arch=model.arch,
        source_job_id=request.source_job_id,
        checkpoints=[s.step for s in sources],
        strengths=strengths,
        prompts=prompts,
    )
    paths = JobPaths(job_dir)
    out_dir, sample_dir = paths.output, paths.samples
    sample_dir.mkdir(parents=True, exist_ok=True)
    cells: list[list[list[Any]]] = [[] for _ in prompts]  # prompt → row → image per strength
    files: list[str] = []
    done, t0 = 0, time.perf_counter()
    for source in sources:
        if source.checkpoint is not None:
            weights = load_lora_weights(source.checkpoint)
        else:
            weights = _weights_from_file(source.final_file, cfg, model.arch, parts, unet_config)
        target = out_dir / f"{cfg.name}-step{source.step:06d}.safetensors"
        if source.checkpoint is None:
            # Only the run's own file exists: hand over exactly that file.
            out_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source.final_file, target)
        else:
            save_kohya_file(
                cfg,
                model.arch,
                weights,
                _export_info(cfg, source, began),
                target,
                unet_config,
                _scales(parts),
            )
        files.append(str(target.relative_to(job_dir)))
        for row in cells:
            row.append([])
        for strength in strengths:
            if paths.stop_flag.exists():
                events.emit("stopped", step=done)
                raise _Stopped
            _set_strength(parts, weights, strength)
            images = generate(
                model, prompts, seed=seed, steps=steps, guidance=guidance,
                width=cfg.resolution, height=cfg.resolution, device=device,
            )  # fmt: skip
            for p, image in enumerate(images):
                cells[p][-1].append(image)
            done += 1
            per_cell = (time.perf_counter() - t0) / done
            events.emit("step", step=done, total=total, eta_s=round(per_cell * (total - done), 1))
    row_labels = [f"step {s.step}" + (" (final)" if s.final else "") for s in sources]
    column_labels = [f"x{s:g}" for s in strengths]
    grids = []
    for p, prompt in enumerate(prompts):
        name = paths.relative(paths.prompt_grid(p))
        labelled_grid(cells[p], row_labels, column_labels).save(paths.prompt_grid(p))
        grids.append(name)
        events.emit(
            "sample",
            step=sources[-1].step,
            grid=name,
            images=[name],
            prompts=[prompt],
            prompt_index=p,
            rows=[s.step for s in sources],
            columns=strengths,
        )
    events.emit("done", step=sources[-1].step, output=files[-1], files=[*grids, *files], grids=grids)
    return [*grids, *files]


# Same error event and exit status as trainer.run, worded for sampling.
_fail = functools.partial(report_failure, what="sampling")


def sample_dir_main(job_dir: Path, *, progress: bool | None = None) -> int:
    """Run the sample job in JOB_DIR; returns the exit status."""
    import torch

    from trainer.engine.errors import TrainingError
    from trainer.engine.events import EventWriter

    job_dir = Path(job_dir).resolve()
    try:
        events = EventWriter(job_dir, progress=False if progress is None else progress)
    except OSError as exc:
        print(f"sampling failed (disk): cannot use the job folder {job_dir}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        sample_run(job_dir, events)
    except _Stopped:
        return EXIT_STOPPED
    except SampleRequestError as exc:
        return _fail(events, "config", str(exc), exc.field)
    except ConfigError as exc:
        return _fail(events, "config", f"the source run's config: {exc}", exc.field)
    except (_Failure, TrainingError) as exc:
        return _fail(events, exc.kind, str(exc), exc.field)
    except torch.OutOfMemoryError as exc:
        return _fail(
            events, "oom", f"out of memory while sampling ({exc}); sample fewer prompts or strengths"
        )
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            return _fail(events, "disk", f"the disk is full: {exc}; free space and submit again")
        log.error("sampling failed:\n%s", traceback.format_exc())
        return _fail(events, "internal", f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # noqa: BLE001 - the child's last word: every failure must reach the worker as an event
        log.error("sampling failed:\n%s", traceback.format_exc())
        return _fail(events, "internal", f"{type(exc).__name__}: {exc}")
    finally:
        events.close()
    return EXIT_DONE


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trainer.sample", description=__doc__.split("\n")[0])
    parser.add_argument("job_dir", type=Path, help="job folder holding sample_request.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return sample_dir_main(args.job_dir)


if __name__ == "__main__":
    from trainer.run import exit_without_teardown

    exit_without_teardown(main())
