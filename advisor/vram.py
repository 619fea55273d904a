"""How much GPU memory a training job needs: the advisor's VRAM tables read the other way round.

`registry.VRAM_BATCH` says which batch fits in how much VRAM per model family and `MIN_VRAM` below
what a family cannot train; the queue asks the inverse — how much VRAM does this config need? — so
that a worker claims only jobs that fit its free memory (docs/queue.md, "Workers on any host").
"""

from __future__ import annotations

from typing import Any

from advisor.registry import MIN_VRAM, VRAM_BATCH


def vram_needed_gb(arch: str, batch_size: int) -> float:
    """The least VRAM (GB) at which the guide's table allows `batch_size` for `arch` (at its native
    resolution, with loracord's default memory savers); beyond the table's largest batch, linear."""
    rows = VRAM_BATCH.get(arch, VRAM_BATCH["sd15"])
    need = next((gb for gb, batch in rows if batch >= batch_size), None)
    if need is None:
        gb, batch = rows[-1]
        need = gb * batch_size / batch
    return max(float(need), MIN_VRAM.get(arch, MIN_VRAM["sd15"]))


#: GB that `fp8_base` saves: half the bf16 bytes of the frozen U-Net + text encoders (parameter counts
#: of the real models: SD 1.5 0.98 B, SD 2.x 1.2 B, SDXL 3.4 B; derived, not measured on a GPU).
FP8_SAVES_GB = {"sd15": 1.0, "sd2": 1.2, "sdxl": 3.4}


def job_needs(config: Any) -> tuple[float | None, str | None]:
    """(VRAM in GB, arch) for a TrainConfig; (None, None) when the family is unknown ('auto'), so
    that any worker may take the job. `fp8_base` lowers the need by the bytes its float8 storage saves."""
    arch = str(getattr(config, "model_arch", "auto") or "auto")
    if arch not in VRAM_BATCH:
        return None, None
    need = vram_needed_gb(arch, int(getattr(config, "train_batch_size", 1) or 1))
    if getattr(config, "fp8_base", False):
        need -= FP8_SAVES_GB[arch]
    return need, arch
