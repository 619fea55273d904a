"""/train start continue_from: a member's LoRA upload is checked before anything is queued (a pickle
is refused with the reason) and a good one travels with the job as network_weights."""

from __future__ import annotations

import io
import json
import pickle
import struct
from pathlib import Path

from config.settings import AdvisorSettings
from standin.driver import StandIn
from tests.bot.botkit import JOB_ID, command, make_dataset

NAME = "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q"


def tiny_lora_bytes() -> bytes:
    """A kohya LoRA file written by hand (the bot's test process stays torch-free)."""
    shapes = {f"{NAME}.lora_down.weight": [4, 32], f"{NAME}.lora_up.weight": [32, 4], f"{NAME}.alpha": []}
    header, data, offset = {}, b"", 0
    for key, shape in shapes.items():
        count = 1
        for side in shape:
            count *= side
        blob = struct.pack(f"<{count}f", *([2.0] if key.endswith("alpha") else [0.0] * count))
        header[key] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        data, offset = data + blob, offset + len(blob)
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    return struct.pack("<Q", len(raw)) + raw + data


async def test_an_uploaded_lora_is_checked_then_queued_with_the_job(
    standin: StandIn, make_bot, settings_factory, tiny_model
) -> None:
    settings = settings_factory(model_path=tiny_model, advisor=AdvisorSettings(llm_enabled=False))
    alice = standin.add_user("alice")
    async with make_bot(settings) as bot:
        dataset_id = await make_dataset(standin, alice, "shapes")
        buf = io.BytesIO()
        pickle.dump({"weights": [0.0]}, buf)
        _, refused = await command(
            standin,
            alice,
            "train",
            "start",
            {"dataset": dataset_id},
            attachments=[("old.ckpt", buf.getvalue())],
        )
        assert "continue_from" in refused.content and ".safetensors" in refused.content

        lora = tiny_lora_bytes()
        _, confirm = await command(
            standin,
            alice,
            "train",
            "start",
            {"dataset": dataset_id},
            attachments=[("mine.safetensors", lora)],
        )
        await standin.click(alice, confirm, "lc:confirm:start")
        progress = await standin.wait_for_message(predicate=lambda m: m.content.startswith("⏳"), timeout=10)
        job = await bot.services.store.get_job(JOB_ID.search(progress.content).group(1))
        assert (Path(job.job_dir) / "network_weights.safetensors").read_bytes() == lora
