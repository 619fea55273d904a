"""Nobody reaches what is not theirs (issue 16, defects 5 and 7): a second member, a member of another
guild and the owner (admin) of another guild try every command, button and autocomplete on the first
member's private dataset and job, and are refused with a clear message; the bot's operator and the
first guild's own admin are not. The stand-in has both guilds; the jobs are finished by hand."""

from __future__ import annotations

from config.settings import DiscordSettings
from standin.driver import StandIn
from tests.bot.botkit import command, make_dataset, text_of
from tests.bot.test_bot_delivery import finish_with_lora, job_in_new_room

REFUSED = ("belongs to someone else", "only its owner", "admin")


def refused(text: str) -> bool:
    return any(word in text for word in REFUSED)


async def test_intruders_are_refused_everywhere_owner_and_operator_are_not(
    standin: StandIn, make_bot, settings_factory
) -> None:
    second, olivia = standin.add_guild("second guild", owner="olivia")
    operator = standin.add_user("operator", guild=second)
    settings = settings_factory(
        discord=DiscordSettings(operator_ids=[operator.id], message_content_intent=True)
    )
    alice, bob = standin.add_user("alice"), standin.add_user("bob")
    carol = standin.add_user("carol", guild=second)
    elsewhere = standin.channel_in(second, "general")
    async with make_bot(settings) as bot:
        _, job_id, _ = await job_in_new_room(standin, alice)
        dataset_id = (await bot.services.store.get_job(job_id)).dataset_id
        await finish_with_lora(bot, job_id)
        done = await standin.wait_for_message(
            predicate=lambda m: f"`{job_id}` is ready" in m.content, since=0, timeout=20
        )
        d, j = {"dataset": dataset_id}, {"job": job_id}
        attempts = [
            ("dataset", "show", d), ("dataset", "delete", d), ("caption", "tags", d),
            ("caption", "run", {**d, "method": "manual"}), ("train", "start", d), ("train", "status", j),
            ("train", "cancel", j), ("train", "retry", j), ("train", "download", j), ("train", "sample", j),
        ]  # fmt: skip
        for user, channel in ((bob, "general"), (carol, elsewhere), (olivia, elsewhere)):
            for name, sub, options in attempts:
                inter = await standin.send_slash_command(
                    user, name, subcommand=sub, options=options, channel=channel
                )
                reply = await standin.wait_for_message(predicate=lambda m, i=inter: m.interaction_id == i.id)
                assert refused(reply.content) and reply.ephemeral, (user.username, name, sub, reply.content)
                assert "shapes" not in reply.content  # the private dataset's name never shows
            for action in ("download",):  # the buttons a finished job's result carries
                click = await standin.click(user, done, f"lc:job:{action}:{job_id}")
                reply = await standin.wait_for_message(predicate=lambda m, i=click: m.interaction_id == i.id)
                assert refused(reply.content) and reply.ephemeral, (user.username, action, reply.content)
            choices = await standin.autocomplete(user, "train", "job", job_id[:6], subcommand="status")
            assert choices == []
            _, queue = await command(standin, user, "train", "queue")
            assert job_id not in queue.content
            _, paused = await command(standin, user, "admin", "pause")
            assert not await bot.services.store.is_paused() and refused(paused.content)
        # The owner and the bot's operator (from the other guild) are not refused.
        _, mine = await command(standin, alice, "train", "status", {"job": job_id})
        assert not refused(mine.content) and "shapes.safetensors" in mine.content
        inter = await standin.send_slash_command(
            operator, "train", subcommand="status", options=j, channel=elsewhere
        )
        theirs = await standin.wait_for_message(predicate=lambda m: m.interaction_id == inter.id)
        assert not refused(theirs.content) and job_id in theirs.content
        # Nothing public shows the private dataset: no thread, no name in the channel's messages.
        public = [text_of(m) for m in standin.messages(include_ephemeral=False)]
        assert not standin.threads and not [t for t in public if "shapes" in t]
        assert not bot.services.errors.unexpected


async def test_admin_role_counts_by_id_in_its_own_guild_only(
    standin: StandIn, make_bot, settings_factory
) -> None:
    """`admin_role` is a role id within its guild: a role of the same name elsewhere (or the name
    itself, written in the setting) gives nobody admin rights."""
    second, _ = standin.add_guild("second guild", owner="olivia")
    mods_here = standin.add_role(standin.guild, "mods")
    mods_there = standin.add_role(second, "mods")  # the same name in another guild
    alice, mia, max_ = (
        standin.add_user("alice"),
        standin.add_user("mia"),
        standin.add_user("max", guild=second),
    )
    standin.give_role(mia, mods_here)
    standin.give_role(max_, mods_there)
    dataset_id = ""
    for admin_role, mia_is_admin in ((str(mods_here.id), True), ("mods", False)):
        async with make_bot(settings_factory(discord=DiscordSettings(admin_role=admin_role))) as bot:
            dataset_id = dataset_id or await make_dataset(standin, alice, "shapes", images=1)
            _, here = await command(standin, mia, "dataset", "show", {"dataset": dataset_id})
            assert refused(here.content) is not mia_is_admin, (admin_role, here.content)
            inter = await standin.send_slash_command(
                max_, "dataset", subcommand="show", options={"dataset": dataset_id},
                channel=standin.channel_in(second, "general"),
            )  # fmt: skip
            there = await standin.wait_for_message(predicate=lambda m, i=inter: m.interaction_id == i.id)
            assert refused(there.content), (admin_role, there.content)
            assert not bot.services.errors.unexpected
