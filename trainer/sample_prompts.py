"""Sample prompt lines (`prompt --n neg --w 512 --h 768 --d 42 --s 28 --l 7 --ss euler_a`) made
concrete: the run's defaults fill what a line leaves out, and `--ss` becomes a diffusers scheduler
built from the model's own scheduler config (so v-prediction and zero-terminal-SNR settings carry).
The line format itself is parsed in config.sample_prompts (torch-free, checked before queueing).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from config.sample_prompts import SamplePrompt, parse_prompt_line

#: sampler name -> (diffusers scheduler class name, extra from_config arguments)
SCHEDULERS: dict[str, tuple[str, dict[str, Any]]] = {
    "ddim": ("DDIMScheduler", {}),
    "pndm": ("PNDMScheduler", {}),
    "lms": ("LMSDiscreteScheduler", {}),
    "euler": ("EulerDiscreteScheduler", {}),
    "euler_a": ("EulerAncestralDiscreteScheduler", {}),
    "heun": ("HeunDiscreteScheduler", {}),
    "dpm_2": ("KDPM2DiscreteScheduler", {}),
    "dpm_2_a": ("KDPM2AncestralDiscreteScheduler", {}),
    "dpmsolver": (
        "DPMSolverMultistepScheduler",
        {"algorithm_type": "dpmsolver", "final_sigmas_type": "sigma_min"},
    ),
    "dpmsolver++": ("DPMSolverMultistepScheduler", {"algorithm_type": "dpmsolver++"}),
    "dpm++_2m": ("DPMSolverMultistepScheduler", {"algorithm_type": "dpmsolver++", "solver_order": 2}),
    "dpm++_2m_karras": (
        "DPMSolverMultistepScheduler",
        {"algorithm_type": "dpmsolver++", "solver_order": 2, "use_karras_sigmas": True},
    ),
    "dpmsingle": ("DPMSolverSinglestepScheduler", {}),
}


@dataclass(frozen=True)
class SampleDefaults:
    """The run's sample settings: what a line without a flag gets (prompt i gets seed + i)."""

    seed: int
    steps: int
    scale: float
    width: int
    height: int


def resolve(line: str, index: int, defaults: SampleDefaults) -> SamplePrompt:
    """A line with every value set: its own flags, else the run's defaults."""
    spec = parse_prompt_line(line, index + 1)
    return replace(
        spec,
        seed=defaults.seed + index if spec.seed is None else spec.seed,
        steps=spec.steps or defaults.steps,
        scale=defaults.scale if spec.scale is None else spec.scale,
        width=spec.width or defaults.width,
        height=spec.height or defaults.height,
    )


def make_scheduler(name: str | None, base: Any) -> Any:
    """The scheduler for `--ss NAME` from the model's scheduler config; None keeps `base`."""
    if name is None:
        return base
    import diffusers

    class_name, extra = SCHEDULERS[name]
    return getattr(diffusers, class_name).from_config(base.config, **extra)
