"""/advisor ask with an answer longer than one Discord message: it arrives whole, in parts that Discord
accepts (the stand-in refuses content over 2,000 characters with 50035, as Discord does)."""

from __future__ import annotations

from bot.limits import CONTENT_MAX, split_content
from standin.driver import StandIn
from tests.bot.botkit import full_answer


def test_split_content_keeps_every_line_and_cuts_between_lines():
    lines = [f"- rule {i}: " + "word " * 90 for i in range(12)]
    parts = split_content("\n".join(lines))
    assert 1 < len(parts) <= 4 and all(len(p) <= CONTENT_MAX for p in parts)
    assert "\n".join(parts) == "\n".join(lines)  # cut only where a line ended
    assert all(p.split("\n")[0].startswith("- rule") for p in parts)
    one_long_line = "word " * 1000
    parts = split_content(one_long_line)
    assert all(len(p) <= CONTENT_MAX for p in parts) and " ".join(parts).split() == one_long_line.split()
    assert split_content("short") == ["short"]


async def test_a_long_answer_arrives_whole_in_several_messages(standin: StandIn, make_bot, settings_factory):
    alice = standin.add_user("alice")
    question = "What learning rate should I use for the unet and the text encoder, and what about Prodigy?"
    async with make_bot(settings_factory()) as bot:
        expected = bot.services.advisor.advisor.ask(question)
        assert len(expected.text) > CONTENT_MAX, "the question must have a long answer for this test"
        inter = await standin.send_slash_command(
            alice, "advisor", subcommand="ask", options={"question": question}
        )
        last_rule = expected.rule_ids[-1]
        text = await full_answer(standin, inter, f"{last_rule}", timeout=60)
    messages = [m for m in standin.messages() if m.interaction_id == inter.id]
    assert len(messages) >= 2 and all(len(m.content) <= CONTENT_MAX for m in messages)
    for rule_id in expected.rule_ids:
        assert rule_id in text
    assert expected.text.splitlines()[-1] in text  # the sources line, the last of the answer
