"""Cross-field checks of the training options that sd-scripts users bring from shared configs
(network types, zero terminal SNR, long captions, loss and noise options). Pure functions over a
TrainConfig-like object, so `config.training` can call them without an import cycle; each problem is
(field, message) and `TrainConfig.__post_init__` raises it as a ConfigError naming the field.
"""

from __future__ import annotations

from typing import Any

NETWORK_TYPES = ("lora", "loha", "lokr", "dora")
LOSS_TYPES = ("l2", "l1", "huber", "smooth_l1")
HUBER_SCHEDULES = ("constant", "exponential", "snr")
MAX_TOKEN_LENGTHS = (75, 150, 225)


def option_problems(cfg: Any) -> list[tuple[str, str]]:
    """Every problem found, in field order (the first is raised)."""
    out: list[tuple[str, str]] = []
    if cfg.network_type in ("loha", "lokr") and cfg.save_format == "both":
        out.append(
            (
                "save_format",
                f"diffusers has no file format for {cfg.network_type}; use save_format = 'kohya' "
                "(the LyCORIS file A1111, Forge and ComfyUI load)",
            )
        )
    if cfg.zero_terminal_snr and cfg.prediction_type == "epsilon":
        out.append(
            (
                "zero_terminal_snr",
                "needs v-prediction (at the last timestep an epsilon target carries no image); set "
                "prediction_type to 'v_prediction' or 'auto', or turn zero_terminal_snr off",
            )
        )
    if cfg.fp8_base and cfg.mixed_precision == "no":
        out.append(
            ("fp8_base", "needs mixed_precision bf16 (or fp16): the fp8 weights are computed in that dtype")
        )
    if cfg.fp8_base and cfg.network_type == "dora":
        out.append(("fp8_base", "DoRA reads the full base weights every step; train DoRA without fp8_base"))
    if cfg.max_token_length not in MAX_TOKEN_LENGTHS:
        out.append(
            ("max_token_length", f"must be 75, 150 or 225 (as in sd-scripts), got {cfg.max_token_length}")
        )
    if cfg.caption_tag_dropout_rate >= 1.0:
        out.append(("caption_tag_dropout_rate", "must be in [0, 1): 1 would drop every tag"))
    if not 0 <= cfg.min_timestep < cfg.max_timestep <= 1000:
        out.append(
            (
                "min_timestep",
                f"need 0 <= min_timestep < max_timestep <= 1000, got {cfg.min_timestep} and {cfg.max_timestep}",
            )
        )
    if cfg.loss_type in ("huber", "smooth_l1") and cfg.huber_c <= 0:
        out.append(("huber_c", f"must be more than 0 for loss_type {cfg.loss_type} (0.1 is the default)"))
    if cfg.multires_noise_iterations and not 0 < cfg.multires_noise_discount <= 1:
        out.append(("multires_noise_discount", "must be in (0, 1] (0.3 is common; 0.8 in sd-scripts' docs)"))
    return out
