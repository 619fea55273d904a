"""Size limits for untrusted uploads, filled from `config.settings.Settings.limits`."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

MIB = 1024 * 1024


def mib_pair(value: int, limit: int) -> tuple[str, str]:
    """Two byte counts in MiB with as many decimals as it takes for a value over the limit to read as
    more than it ("2048.01 MiB, over the 2048.00 MiB limit", never "2048 MiB, over the 2048 MiB")."""
    decimals = 0 if limit % MIB == 0 else 2  # a limit that is not whole MiB is not rounded to one
    while (
        decimals < 7 and value > limit and f"{value / 2**20:.{decimals}f}" == f"{limit / 2**20:.{decimals}f}"
    ):
        decimals += 1
    return f"{value / 2**20:.{decimals}f}", f"{limit / 2**20:.{decimals}f}"


@dataclass(frozen=True)
class IntakeLimits:
    """Caps applied before and while decoding uploads. Every cap refuses the file, never the batch."""

    max_upload_bytes: int = 50 * MIB  # one file (or one zip) as received
    max_image_pixels: int = 50_000_000  # width x height read from the header, before decoding
    max_zip_entries: int = 2000  # members listed in a zip's central directory
    max_zip_expanded_bytes: int = 1024 * MIB  # sum of the members' declared uncompressed sizes
    max_zip_ratio: float = 200.0  # uncompressed / compressed size of one member (zip-bomb guard)
    max_images_per_dataset: int = 1000  # accepted images; further ones are refused with a reason
    min_image_side: int = 32  # smaller images carry nothing a model can learn from

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value <= 0:
                raise ValueError(f"IntakeLimits.{f.name} must be positive, got {value!r}")

    @classmethod
    def from_settings(cls, settings: Any) -> IntakeLimits:
        """Take every limit the settings' `limits` section defines; the rest keep their defaults."""
        section = getattr(settings, "limits", None)
        if section is None:
            return cls()
        values = {f.name: getattr(section, f.name) for f in fields(cls) if hasattr(section, f.name)}
        return cls(**values)
