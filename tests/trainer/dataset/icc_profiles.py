"""A minimal ICC v2 RGB matrix/TRC profile writer, to make wide-gamut test images without downloads.

Only what a display profile needs: description, D50 white point, the three primaries' colorants
(D50-adapted XYZ) and one gamma curve for all channels.
"""

from __future__ import annotations

import struct

import numpy as np

# Display P3 (D65) primaries adapted to D50 with Bradford, as in Apple's Display P3 profile.
DISPLAY_P3_D50 = np.array(
    [
        [0.515102, 0.291965, 0.157153],
        [0.241182, 0.692236, 0.066582],
        [-0.001050, 0.041882, 0.784378],
    ]
)
# sRGB's matrix adapted to D50 (what LittleCMS's built-in sRGB profile uses).
SRGB_D50 = np.array(
    [
        [0.4360747, 0.3850649, 0.1430804],
        [0.2225045, 0.7168786, 0.0606169],
        [0.0139322, 0.0971045, 0.7141733],
    ]
)
D50 = (0.9642, 1.0, 0.8249)
GAMMA = 2.2


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def _xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ " + b"\0" * 4 + _s15(x) + _s15(y) + _s15(z)


def _desc(text: str) -> bytes:
    ascii_ = text.encode("ascii") + b"\0"
    body = b"desc" + b"\0" * 4 + struct.pack(">I", len(ascii_)) + ascii_
    body += b"\0" * 8  # no Unicode description
    body += b"\0" * 3 + b"\0" * 67  # no ScriptCode description
    return body


def _curve(gamma: float) -> bytes:
    return b"curv" + b"\0" * 4 + struct.pack(">IH", 1, round(gamma * 256)) + b"\0\0"


def rgb_profile(description: str, matrix: np.ndarray, gamma: float = GAMMA) -> bytes:
    """ICC bytes for an RGB display profile with the given D50 colorant matrix (columns r, g, b)."""
    curve = _curve(gamma)
    tags = [
        (b"desc", _desc(description)),
        (b"wtpt", _xyz(*D50)),
        (b"rXYZ", _xyz(*matrix[:, 0])),
        (b"gXYZ", _xyz(*matrix[:, 1])),
        (b"bXYZ", _xyz(*matrix[:, 2])),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
        (b"cprt", b"text" + b"\0" * 4 + b"public domain\0"),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for sig, body in tags:
        while (offset + len(data)) % 4:
            data += b"\0"
        table += sig + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = struct.pack(">I", size) + b"lcms" + bytes([2, 0x10, 0, 0]) + b"mntr" + b"RGB " + b"XYZ "
    header += b"\0" * 12 + b"acsp" + b"APPL" + b"\0" * 4 + b"\0" * 8 + b"\0" * 8 + struct.pack(">I", 0)
    header += _s15(D50[0]) + _s15(D50[1]) + _s15(D50[2]) + b"\0" * 4
    header = header.ljust(128, b"\0")
    return header + struct.pack(">I", len(tags)) + table + data


def expected_srgb(rgb: tuple[int, int, int], matrix: np.ndarray, gamma: float = GAMMA) -> np.ndarray:
    """What a colorimetric conversion from the profile to sRGB gives for one 8-bit colour."""
    linear = (np.array(rgb) / 255.0) ** gamma
    srgb_linear = np.clip(np.linalg.solve(SRGB_D50, matrix @ linear), 0.0, 1.0)
    encoded = np.where(
        srgb_linear <= 0.0031308, 12.92 * srgb_linear, 1.055 * srgb_linear ** (1 / 2.4) - 0.055
    )
    return np.round(encoded * 255.0)
