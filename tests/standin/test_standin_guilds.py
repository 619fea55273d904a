"""Several guilds, each with its owner, roles and boost tier, as discord.py sees them (issue 16)."""

from __future__ import annotations

import discord


async def test_two_guilds_with_their_own_owners_roles_and_upload_limits(standin, start_bot, bot):
    second, owner2 = standin.add_guild("second guild", owner="olivia")
    standin.set_premium_tier(2, second)
    trainers = standin.add_role(second, "trainers")
    same_name = standin.add_role(standin.guild, "trainers")  # the same name in the first guild
    alice = standin.add_user("alice")
    bob = standin.add_user("bob", guild=second)
    standin.give_role(bob, trainers)
    standin.give_role(alice, same_name)
    standin.join_guild(owner2, standin.guild)
    async with start_bot(bot):
        await bot.tree.sync()
        assert {g.id for g in bot.guilds} == {standin.guild.id, second.id}
        assert bot.get_guild(second.id).owner_id == owner2.id
        seen = []
        for user, guild in ((owner2, second), (owner2, standin.guild), (bob, second), (alice, standin.guild)):
            channel = standin.channel_in(guild, "general")
            await standin.send_slash_command(user, "echo", options={"text": "hi"}, channel=channel)
            await standin.wait_for_message(channel=channel)
            inter: discord.Interaction = bot.seen["echo"]
            member = inter.user
            assert isinstance(member, discord.Member) and member.guild.id == guild.id
            seen.append(
                (
                    member.guild_permissions.manage_guild,
                    [r.id for r in member.roles[1:]],
                    inter.filesize_limit,
                )
            )
    assert seen == [
        (True, [], 50 * 2**20),  # the owner of the second guild, there (tier 2: 50 MiB)
        (False, [], 10 * 2**20),  # the same person in the first guild: an ordinary member
        (False, [trainers.id], 50 * 2**20),
        (False, [same_name.id], 10 * 2**20),  # a role of the same name is another role
    ]
