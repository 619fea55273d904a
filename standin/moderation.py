"""What a guild's members do to the bot mid-session, as on Discord: delete a channel, a thread or a
message (afterwards every request on it is answered 404 Unknown Channel 10003 / Unknown Message 10008),
and close their direct messages (the bot's DM is then answered 403 50007, "Cannot send messages to
this user", while opening the DM channel still succeeds, as on Discord)."""

from __future__ import annotations

from standin import limits, payloads
from standin.state import Channel, Message
from standin.world import World


async def delete_channel(world: World, ch: Channel) -> None:
    """Delete a channel (with its threads) or a thread; the bot gets CHANNEL_DELETE / THREAD_DELETE."""
    doomed = [ch, *(c for c in world.store.channels.values() if c.parent_id == ch.id)]
    for gone in doomed:
        world.store.channels.pop(gone.id, None)
        for msg in world.store.messages.values():
            if msg.channel_id == gone.id:
                msg.deleted = True
        data = payloads.channel(gone)
        event = "THREAD_DELETE" if gone.is_thread else "CHANNEL_DELETE"
        world.say(f"#{gone.name} is deleted")
        await world.gateway.dispatch(event, lambda s, d=data: d if s.intents & limits.INTENT_GUILDS else None)
    await world.notify()


async def delete_message(world: World, msg: Message) -> None:
    """A moderator deletes one message (e.g. the bot's progress message)."""
    await world.delete_message(msg)


def dms_closed(world: World, user_id: int) -> bool:
    return user_id in world.closed_dms
