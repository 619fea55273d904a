"""Says which shape and colour a (generated) image shows, by plain image analysis.

Method, chosen for this domain (one shape on white):
- foreground: pixels whose HSV saturation is above 70 (white and grey background is unsaturated);
  the largest connected component is the shape;
- colour: the median hue of the foreground, nearest reference hue (OpenCV hue, 0..179);
- shape: from two scale- and position-free measures of the component —
  solidity (area / convex-hull area; a five-pointed star is ~0.5, the convex shapes ~1) and
  extent (area / bounding-box area; square ~1, circle ~0.79, triangle ~0.5).
Too little foreground (under 1.5% of the image) scores as "none".
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

# OpenCV hue (0..179) of each reference colour; red wraps around 0/180.
REFERENCE_HUES = {"red": 0.0, "yellow": 26.0, "green": 60.0, "blue": 118.0}
MIN_FOREGROUND_FRACTION = 0.015
SATURATION_THRESHOLD = 70


@dataclass(frozen=True)
class Score:
    shape: str  # circle | square | triangle | star | none
    colour: str  # red | green | blue | yellow | none
    solidity: float
    extent: float
    foreground: float  # fraction of pixels

    def matches(self, shape: str | None = None, colour: str | None = None) -> bool:
        return (shape is None or self.shape == shape) and (colour is None or self.colour == colour)


def _hue_distance(a: float, b: float) -> float:
    d = abs(a - b) % 180
    return min(d, 180 - d)


def classify_colour(hues: np.ndarray) -> str:
    """Nearest reference colour to the circular median of the hues (OpenCV scale)."""
    angles = hues.astype(np.float64) * (2 * np.pi / 180)
    mean_angle = np.arctan2(np.sin(angles).mean(), np.cos(angles).mean())
    centre = (mean_angle * 180 / (2 * np.pi)) % 180
    return min(REFERENCE_HUES, key=lambda name: _hue_distance(centre, REFERENCE_HUES[name]))


def classify_shape(solidity: float, extent: float) -> str:
    if solidity < 0.84:
        return "star"
    if extent > 0.83:
        return "square"
    if extent > 0.685:
        return "circle"
    return "triangle"


def score_image(image: Image.Image) -> Score:
    rgb = np.asarray(image.convert("RGB"))
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    mask = (hsv[..., 1] > SATURATION_THRESHOLD).astype(np.uint8)
    fraction = float(mask.mean())
    if fraction < MIN_FOREGROUND_FRACTION:
        return Score("none", "none", 0.0, 0.0, fraction)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    component = (labels == largest).astype(np.uint8)
    area = float(component.sum())
    contours, _ = cv2.findContours(component, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    hull_area = float(cv2.contourArea(cv2.convexHull(np.concatenate(contours))))
    # Pixel areas against polygon areas differ by about half the perimeter; compare like with like.
    hull_pixels = hull_area + 0.5 * cv2.arcLength(cv2.convexHull(np.concatenate(contours)), True)
    solidity = min(1.0, area / max(hull_pixels, 1.0))
    w = stats[largest, cv2.CC_STAT_WIDTH]
    h = stats[largest, cv2.CC_STAT_HEIGHT]
    extent = area / float(w * h)
    colour = classify_colour(hsv[..., 0][component.astype(bool)])
    return Score(classify_shape(solidity, extent), colour, solidity, extent, fraction)


def accuracy(images: list[Image.Image], shape: str | None = None, colour: str | None = None) -> float:
    """Fraction of images that show `shape` and/or `colour`."""
    if not images:
        return 0.0
    return sum(score_image(img).matches(shape, colour) for img in images) / len(images)
