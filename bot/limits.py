"""Discord's platform limits the bot respects, as named constants with the source of each number.

Sources: Discord's developer documentation ("Interactions > Receiving and Responding", "Message
Resource", "Embed Limits", "Component Reference", "Application Commands") and ../shared/ENVIRONMENT.md
(measured against discord.py 2.7.1). The stand-in enforces the same numbers (standin/limits.py).
"""

from __future__ import annotations

# --- Interactions (docs: Interactions > Receiving and Responding) ------------------------------------
#: "you must send an initial response within 3 seconds of receiving the event".
FIRST_RESPONSE_S = 3.0
#: "Interaction tokens are valid for 15 minutes": followups after that fail, so long jobs report
#: through channel messages, never through the interaction that started them.
INTERACTION_TOKEN_LIFETIME_S = 15 * 60.0
#: A bot's per-file upload limit when the interaction does not say (unboosted guild): 10 MiB.
DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
#: One request may carry at most 25 MiB of files (ENVIRONMENT.md, unboosted).
REQUEST_SIZE_LIMIT = 25 * 1024 * 1024

# --- Messages (docs: Message Resource > Create Message; Embed Limits) --------------------------------
CONTENT_MAX = 2000
FILES_PER_MESSAGE_MAX = 10
EMBED_TOTAL_MAX = 6000
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_MAX = 2048

# --- Components (docs: Component Reference; Interactions > Modal) -------------------------------------
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80
MODAL_TITLE_MAX = 45
TEXT_INPUT_LABEL_MAX = 45
TEXT_INPUT_VALUE_MAX = 4000

# --- Application commands (docs: Application Commands) -----------------------------------------------
AUTOCOMPLETE_CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
#: Attachment options are ours to choose; one command may have up to 25 options in all.
COMMAND_OPTIONS_MAX = 25


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis, so a long value never makes Discord refuse
    the whole message."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def split_content(text: str, limit: int = CONTENT_MAX, max_parts: int = 4) -> list[str]:
    """`text` as at most `max_parts` messages of at most `limit` characters, cut between lines where it
    can (a line longer than `limit` is cut at a space); what does not fit in `max_parts` is clipped."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # one line longer than a message: cut it at its last space
            cut = line.rfind(" ", 0, limit) if " " in line[:limit] else limit
            cut = cut if cut > 0 else limit
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:cut])
            line = line[cut:].lstrip(" ")
        joined = f"{current}\n{line}" if current else line
        if len(joined) <= limit:
            current = joined
        else:
            parts.append(current)
            current = line
    if current or not parts:
        parts.append(current)
    if len(parts) > max_parts:
        parts = [*parts[: max_parts - 1], clip(parts[max_parts - 1], limit)]
    return parts
