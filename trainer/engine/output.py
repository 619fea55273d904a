"""The finished LoRA: RUN/output/NAME.safetensors (kohya) and, with save_format "both", NAME_peft/.

The writers and the `ss_*` / `modelspec.*` metadata live in trainer.export; this module hands them
the PEFT state dicts and the facts about the run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from config.training import TrainConfig
from trainer.engine.errors import TrainingError
from trainer.job_paths import JobPaths


def save_kohya_file(
    cfg: TrainConfig,
    arch: str,
    lora_state: dict[str, dict[str, torch.Tensor]],
    info: dict[str, Any],
    path: Path,
    unet_config: dict[str, Any] | None = None,
    scales: dict[str, dict[str, tuple[float, int]]] | None = None,
) -> Path:
    """One kohya .safetensors with the run's metadata (the writer every LoRA file of a run goes through).

    LoHa / LoKr / DoRA (`network_type`) are written in the LyCORIS layout; they need `scales`, each
    module's (alpha, rank) from `adapters.adapter_scales`.
    """
    from trainer.export.common import ExportError, save_dtype
    from trainer.export.kohya import save_kohya_lora
    from trainer.export.metadata import build_metadata

    conv_alpha = cfg.conv_alpha if cfg.target_modules == "locon" else None
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if cfg.network_type != "lora":
            from trainer.export.lycoris import save_lycoris_lora

            return save_lycoris_lora(
                path,
                lora_state,
                arch,
                cfg.network_type,
                scales or {},
                build_metadata(cfg, arch, info),
                save_dtype(cfg.save_precision),
                unet_config,
            )
        return save_kohya_lora(
            path,
            lora_state,
            arch,
            cfg.network_alpha,
            conv_alpha,
            build_metadata(cfg, arch, info),
            save_dtype(cfg.save_precision),
            unet_config=unet_config,
        )
    except ExportError as exc:
        raise TrainingError("disk", f"could not write the LoRA: {exc}", "output_dir") from exc
    except OSError as exc:
        raise TrainingError("disk", f"could not write the LoRA {path}: {exc}", "output_dir") from exc


def save_outputs(
    cfg: TrainConfig,
    arch: str,
    lora_state: dict[str, dict[str, torch.Tensor]],
    info: dict[str, Any],
    job_dir: Path,
    unet_config: dict[str, Any] | None = None,
    scales: dict[str, dict[str, tuple[float, int]]] | None = None,
) -> list[Path]:
    """Write the output files; returns their paths. A failed save leaves no partial file."""
    from trainer.export.common import ExportError, save_dtype
    from trainer.export.metadata import build_metadata

    out_dir = JobPaths(job_dir).output
    out_dir.mkdir(parents=True, exist_ok=True)
    conv_alpha = cfg.conv_alpha if cfg.target_modules == "locon" else None
    dtype = save_dtype(cfg.save_precision)
    files = [
        save_kohya_file(cfg, arch, lora_state, info, out_dir / f"{cfg.name}.safetensors", unet_config, scales)
    ]
    try:
        metadata = build_metadata(cfg, arch, info)
        if cfg.save_format == "both":
            from trainer.export.peft_format import save_diffusers_lora

            files.append(
                save_diffusers_lora(
                    out_dir / f"{cfg.name}_peft",
                    lora_state,
                    arch,
                    cfg.network_alpha,
                    conv_alpha,
                    metadata,
                    dtype,
                )
            )
    except ExportError as exc:
        raise TrainingError("disk", f"could not write the LoRA: {exc}", "output_dir") from exc
    except OSError as exc:
        raise TrainingError("disk", f"could not write the LoRA into {out_dir}: {exc}", "output_dir") from exc
    return files
