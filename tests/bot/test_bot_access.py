"""Owners and admins: another user cannot see a private dataset, nor cancel, retry or download a job."""

from __future__ import annotations

from config.training import TrainConfig
from standin.driver import StandIn
from tests.bot.botkit import command, make_dataset
from trainer.queue.jobdir import submit_job


async def test_private_dataset_hidden_from_others(standin: StandIn, make_bot, settings) -> None:
    alice, bob = standin.add_user("alice"), standin.add_user("bob")
    async with make_bot(settings):
        private = await make_dataset(standin, alice, "secret", images=1)
        public = await make_dataset(standin, alice, "shared", images=1, private=False)
        _, msg = await command(standin, bob, "dataset", "show", {"dataset": private})
        assert "belongs to someone else" in msg.content and msg.ephemeral
        assert not msg.attachments
        _, msg = await command(standin, bob, "dataset", "show", {"dataset": public})
        assert msg.embeds and "shared" in msg.embeds[0]["title"]
        # Visible is not writable: bob may not add to or delete alice's public dataset.
        for sub in ("delete", "add"):
            extra = {"attachments": [("x.png", b"\x89PNG")]} if sub == "add" else {}
            _, msg = await command(standin, bob, "dataset", sub, {"dataset": public}, **extra)
            assert "belongs to someone else" in msg.content, sub
        choices = await standin.autocomplete(bob, "dataset", "dataset", "", subcommand="show")
        assert choices == []
        # The guild owner has Manage Server: an admin sees everything.
        _, msg = await command(standin, standin.owner, "dataset", "show", {"dataset": private})
        assert msg.embeds and "secret" in msg.embeds[0]["title"]


async def test_other_user_cannot_touch_a_job(standin: StandIn, make_bot, settings) -> None:
    alice, bob = standin.add_user("alice"), standin.add_user("bob")
    async with make_bot(settings) as bot:
        dataset_id = await make_dataset(standin, alice, "cats", images=2)
        info = await bot.services.datasets.find(dataset_id)
        config = TrainConfig(pretrained_model="unused", data_dir=str(info.prepared), max_train_steps=5)
        job = await submit_job(
            bot.services.store, bot.services.queue_options, config, owner_id=alice.id, dataset_id=dataset_id
        )
        for sub in ("cancel", "retry", "download", "status"):
            _, msg = await command(standin, bob, "train", sub, {"job": job.id})
            assert "belongs to someone else" in msg.content, sub
        assert (await bot.services.store.get_job(job.id)).status.value == "queued"
        _, msg = await command(standin, alice, "train", "cancel", {"job": job.id})
        assert "Cancel requested" in msg.content
        assert (await bot.services.store.get_job(job.id)).status.value == "cancelled"
