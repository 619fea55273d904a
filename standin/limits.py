"""Discord's platform limits, as named constants with the source of each number.

Sources: Discord developer docs (docs.discord.com, "Interactions > Receiving and Responding",
"Application Commands", "Message Resource", "Embed Limits", "Rate Limits", "Gateway"), and the
project's own notes in ../shared/ENVIRONMENT.md. Where Discord does not document a number and
only reports it in response headers, the comment says so.
"""

from __future__ import annotations

# --- Interactions (docs: Interactions > Receiving and Responding) --------------------------------
#: "you must send an initial response within 3 seconds of receiving the event".
INTERACTION_FIRST_RESPONSE_S = 3.0
#: "Interaction tokens are valid for 15 minutes".
INTERACTION_TOKEN_LIFETIME_S = 15 * 60.0
#: Default per-file upload size of a bot (10 MiB); boosted guilds raise it (ENVIRONMENT.md).
DEFAULT_ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
#: Per-file limits by guild premium tier 0..3 (docs: Guild > Premium Tier; uploads 10/10/50/100 MiB).
ATTACHMENT_SIZE_LIMIT_BY_TIER = (10 * 1024 * 1024, 10 * 1024 * 1024, 50 * 1024 * 1024, 100 * 1024 * 1024)
#: Whole request body for uploads (ENVIRONMENT.md: 25 MiB per request for unboosted bots).
REQUEST_SIZE_LIMIT = 25 * 1024 * 1024
#: Autocomplete results: "up to 25 choices".
AUTOCOMPLETE_MAX_CHOICES = 25
#: Modal: title up to 45 characters, custom_id up to 100, 1 to 5 top-level components.
MODAL_TITLE_MAX = 45
MODAL_MAX_COMPONENTS = 5

# --- Messages (docs: Message Resource > Create Message; Embed Limits) ---------------------------
CONTENT_MAX = 2000
FILES_PER_MESSAGE_MAX = 10
EMBEDS_PER_MESSAGE_MAX = 10
EMBED_TOTAL_MAX = 6000
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_TEXT_MAX = 2048
EMBED_AUTHOR_NAME_MAX = 256
#: Components (docs: Component Reference): 5 action rows, 5 buttons per row, custom_id 100.
ACTION_ROWS_MAX = 5
ROW_COMPONENTS_MAX = 5
CUSTOM_ID_MAX = 100
BUTTON_LABEL_MAX = 80

#: A message nonce is an integer or a string of at most 25 characters (docs: Create Message).
NONCE_MAX = 25
#: `enforce_nonce`: "checked for uniqueness in the past few minutes" (undocumented number; 5 min here).
NONCE_WINDOW_S = 5 * 60.0

#: Invalid requests (401/403/429 but shared-scope 429s) before Cloudflare bans the IP, in a sliding
#: window, and the ban's length (docs: Rate Limits > Invalid Request Limit; "about an hour").
INVALID_REQUEST_LIMIT = 10_000
INVALID_REQUEST_WINDOW_S = 600.0
INVALID_REQUEST_BAN_S = 3600.0

# --- Application commands (docs: Application Commands) ------------------------------------------
COMMAND_NAME_MAX = 32
COMMAND_DESCRIPTION_MAX = 100
COMMAND_OPTIONS_MAX = 25
COMMAND_CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_STRING_VALUE_MAX = 100
OPTION_STRING_LENGTH_MAX = 6000
#: "combined sum of characters for name, description, and value properties ... maximum of 4000".
COMMAND_TOTAL_CHARS_MAX = 4000
#: "An app can have up to 100 top-level global CHAT_INPUT commands", 5 USER, 5 MESSAGE (same per guild).
CHAT_INPUT_COMMANDS_MAX = 100
CONTEXT_MENU_COMMANDS_MAX = 5
#: Subcommand groups may nest subcommands one level deep (docs: Subcommands and Subcommand Groups).
SUBCOMMAND_NESTING_MAX = 2

#: The locales Discord accepts as keys of name_localizations (docs: Reference > Locales).
LOCALES = frozenset(
    {
        "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl", "no",
        "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th",
        "zh-CN", "ja", "zh-TW", "ko",
    }
)  # fmt: skip

# --- Rate limits (docs: Rate Limits) ------------------------------------------------------------
#: "All bots can make up to 50 requests per second to our API" (interaction endpoints excluded).
GLOBAL_REQUESTS_PER_S = 50
#: Per-channel message creation: Discord does not document it; its headers report 5 per 5 s.
CHANNEL_MESSAGES_LIMIT = 5
CHANNEL_MESSAGES_WINDOW_S = 5.0
#: Webhook/followup executions: headers report 5 per 2 s per webhook token (undocumented).
WEBHOOK_LIMIT = 5
WEBHOOK_WINDOW_S = 2.0
#: Other routes: a generous bucket so that ordinary use never trips it (headers still sent).
DEFAULT_ROUTE_LIMIT = 50
DEFAULT_ROUTE_WINDOW_S = 1.0

# --- Gateway (docs: Gateway) --------------------------------------------------------------------
#: Discord's HELLO usually carries 41250 ms.
HEARTBEAT_INTERVAL_MS = 41250
#: The stand-in's heartbeat ACK delay: a realistic round trip to Discord (tens of ms). It must also
#: outlast the GIL switch interval (5 ms) so discord.py's keep-alive thread stamps the send first.
HEARTBEAT_ACK_DELAY_S = 0.05
API_VERSION = 10
#: Privileged intents (docs: Gateway > Privileged Intents): GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT.
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = {
    INTENT_GUILD_MEMBERS: "GUILD_MEMBERS",
    INTENT_GUILD_PRESENCES: "GUILD_PRESENCES",
    INTENT_MESSAGE_CONTENT: "MESSAGE_CONTENT",
}
#: Application flags that grant a privileged intent (docs: Application > Application Flags).
APP_FLAG_GATEWAY_PRESENCE = 1 << 12
APP_FLAG_GATEWAY_GUILD_MEMBERS = 1 << 14
APP_FLAG_GATEWAY_MESSAGE_CONTENT = 1 << 18
#: Gateway close codes (docs: Opcodes and Status Codes).
CLOSE_AUTHENTICATION_FAILED = 4004
CLOSE_INVALID_INTENTS = 4013
CLOSE_DISALLOWED_INTENTS = 4014
CLOSE_SESSION_TIMED_OUT = 4009

# --- Message flags (docs: Message Resource > Message Flags) ----------------------------------------
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
