"""Automatic captioning from Discord: WD14 (onnxruntime) and BLIP (torch) run in a child process, never
in the bot; the trigger word comes first; human captions are kept; every pass is a stored version."""

from __future__ import annotations

import io
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from config.settings import CaptioningSettings
from standin.driver import StandIn
from tests.bot.botkit import command, make_dataset
from tests.bot.conftest import ROOT
from trainer.dataset.tiny_captioners import build_tiny_wd14

pytestmark = pytest.mark.slow


def solid(rgb: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    noise = np.random.default_rng(sum(rgb)).integers(-6, 6, size=(96, 96, 3))
    Image.fromarray(np.clip(np.array(rgb) + noise, 0, 255).astype(np.uint8)).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="session")
def tiny_blip(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("blip") / "tiny-blip"
    code = "import sys; from trainer.dataset.tiny_captioners import build_tiny_blip; build_tiny_blip(sys.argv[1])"
    subprocess.run([sys.executable, "-c", code, str(out)], check=True, cwd=ROOT, timeout=300)
    return out


async def test_wd14_and_blip_through_the_bot(
    standin: StandIn, make_bot, settings_factory, tmp_path, tiny_blip
) -> None:
    wd14 = build_tiny_wd14(tmp_path / "wd14")
    captioning = CaptioningSettings(
        blip_model=str(tiny_blip),
        wd14_model=str(wd14 / "model.onnx"),
        wd14_tags=str(wd14 / "selected_tags.csv"),
    )
    settings = settings_factory(captioning=captioning)
    alice = standin.add_user("alice")
    async with make_bot(settings) as bot:
        dataset = await make_dataset(standin, alice, "colours", images=0)
        files = [("red.png", solid((220, 20, 20))), ("blue.png", solid((20, 20, 220)))]
        await command(standin, alice, "dataset", "add", {"dataset": dataset}, attachments=files, timeout=60)
        info = await bot.services.datasets.find(dataset)
        red = next(info.prepared.glob("red_*.png")).with_suffix(".txt")
        blue = next(info.prepared.glob("blue_*.png")).with_suffix(".txt")

        _, msg = await command(
            standin,
            alice,
            "caption",
            "run",
            {"dataset": dataset, "method": "wd14", "trigger": "sks"},
            timeout=120,
        )
        assert "Captioned 2 image(s)" in msg.content, msg.content
        assert red.read_text().startswith("sks, ") and "red theme" in red.read_text()
        assert "blue theme" in blue.read_text() and "red theme" not in blue.read_text()

        # A caption written by hand survives the next automatic pass.
        blue.write_text("sks, my own words")
        _, msg = await command(
            standin,
            alice,
            "caption",
            "run",
            {"dataset": dataset, "method": "blip", "trigger": "sks"},
            timeout=180,
        )
        assert "kept 1 caption(s) you wrote" in msg.content, msg.content
        assert blue.read_text().strip() == "sks, my own words"
        assert red.read_text().startswith("sks, ")
        latest = await bot.services.store.latest_caption_version(dataset)
        assert latest.version == 2 and latest.method == "blip" and latest.trigger_word == "sks"
