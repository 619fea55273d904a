"""Validation of message payloads (create, edit, interaction responses) as Discord does it.

Docs: Message Resource > Create Message, Embed Limits, Component Reference. Size errors of files are
40005 "Request entity too large" with HTTP 413; everything else is 50035 "Invalid Form Body".
"""

from __future__ import annotations

from typing import Any

from standin import limits
from standin.errors import EMPTY_MESSAGE, REQUEST_ENTITY_TOO_LARGE, DiscordAPIError, FormErrors

# Flags a bot may set on a message it sends: SUPPRESS_EMBEDS, EPHEMERAL, SUPPRESS_NOTIFICATIONS,
# IS_COMPONENTS_V2 (docs: Message Flags).
SETTABLE_FLAGS = (1 << 2) | limits.FLAG_EPHEMERAL | (1 << 12) | (1 << 15)


def _embed_chars(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "") + len(
        (embed.get("author") or {}).get("name") or ""
    )
    for f in embed.get("fields") or []:
        if isinstance(f, dict):
            total += len(f.get("name") or "") + len(f.get("value") or "")
    return total


def _check_len(errors: FormErrors, path: tuple[str | int, ...], value: Any, most: int) -> None:
    if isinstance(value, str) and len(value) > most:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {most} or fewer in length.")


def check_embeds(errors: FormErrors, embeds: Any) -> None:
    if not isinstance(embeds, list):
        errors.add(("embeds",), "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
        return
    if len(embeds) > limits.EMBEDS_PER_MESSAGE_MAX:
        errors.add(
            ("embeds",),
            "BASE_TYPE_MAX_LENGTH",
            f"Must be {limits.EMBEDS_PER_MESSAGE_MAX} or fewer in length.",
        )
    total = 0
    for i, embed in enumerate(embeds):
        if not isinstance(embed, dict):
            errors.add(("embeds", i), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        path = ("embeds", i)
        _check_len(errors, (*path, "title"), embed.get("title"), limits.EMBED_TITLE_MAX)
        _check_len(errors, (*path, "description"), embed.get("description"), limits.EMBED_DESCRIPTION_MAX)
        _check_len(
            errors,
            (*path, "footer", "text"),
            (embed.get("footer") or {}).get("text"),
            limits.EMBED_FOOTER_TEXT_MAX,
        )
        _check_len(
            errors,
            (*path, "author", "name"),
            (embed.get("author") or {}).get("name"),
            limits.EMBED_AUTHOR_NAME_MAX,
        )
        fields = embed.get("fields") or []
        if len(fields) > limits.EMBED_FIELDS_MAX:
            errors.add(
                (*path, "fields"),
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {limits.EMBED_FIELDS_MAX} or fewer in length.",
            )
        for j, f in enumerate(fields):
            if not isinstance(f, dict) or not f.get("name") or not f.get("value"):
                errors.add(
                    (*path, "fields", j), "BASE_TYPE_REQUIRED", "Embed fields need a name and a value."
                )
                continue
            _check_len(errors, (*path, "fields", j, "name"), f["name"], limits.EMBED_FIELD_NAME_MAX)
            _check_len(errors, (*path, "fields", j, "value"), f["value"], limits.EMBED_FIELD_VALUE_MAX)
        total += _embed_chars(embed)
    if total > limits.EMBED_TOTAL_MAX:
        errors.add(
            ("embeds",),
            "MAX_EMBED_SIZE_EXCEEDED",
            f"Embed size exceeds maximum size of {limits.EMBED_TOTAL_MAX}",
        )


def check_components(errors: FormErrors, components: Any, *, modal: bool = False) -> None:
    """Action rows of buttons/selects (or text inputs in a modal), with Discord's counts."""
    if not isinstance(components, list):
        errors.add(("components",), "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
        return
    most = limits.MODAL_MAX_COMPONENTS if modal else limits.ACTION_ROWS_MAX
    if len(components) > most:
        errors.add(("components",), "BASE_TYPE_MAX_LENGTH", f"Must be {most} or fewer in length.")
    seen: set[str] = set()
    for i, row in enumerate(components):
        if not isinstance(row, dict):
            errors.add(("components", i), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        children = row.get("components") if row.get("type") == 1 else [row.get("component") or row]
        if not isinstance(children, list) or not 1 <= len(children) <= limits.ROW_COMPONENTS_MAX:
            errors.add(
                ("components", i, "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length."
            )
            continue
        for j, child in enumerate(children):
            if not isinstance(child, dict):
                continue
            cid = child.get("custom_id")
            path = ("components", i, "components", j)
            if cid is not None:
                _check_len(errors, (*path, "custom_id"), cid, limits.CUSTOM_ID_MAX)
                if cid in seen:
                    errors.add(
                        (*path, "custom_id"),
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                        "Component custom id cannot be duplicated",
                    )
                seen.add(cid)
            elif child.get("type") == 2 and child.get("style") != 5 and child.get("style") != 6:
                errors.add((*path, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required")
            _check_len(errors, (*path, "label"), child.get("label"), limits.BUTTON_LABEL_MAX)


def check_message(
    payload: dict[str, Any], files: list[tuple[str, bytes]], *, file_limit: int, creating: bool = True
) -> None:
    """Raise DiscordAPIError for a message Discord would refuse. ``files`` are the uploads in the request."""
    if len(files) > limits.FILES_PER_MESSAGE_MAX:
        raise DiscordAPIError(
            400,
            50035,
            "Invalid Form Body",
            {
                "files": {
                    "_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 10 or fewer in length."}]
                }
            },
        )
    for name, data in files:
        if len(data) > file_limit:
            raise DiscordAPIError(
                413,
                REQUEST_ENTITY_TOO_LARGE,
                f"Request entity too large ({name}: {len(data)} bytes > {file_limit})",
            )
    errors = FormErrors()
    content = payload.get("content")
    if content is not None and not isinstance(content, str):
        errors.add(("content",), "BASE_TYPE_STRING", "Must be a string.")
    else:
        _check_len(errors, ("content",), content, limits.CONTENT_MAX)
    if payload.get("embeds") is not None:
        check_embeds(errors, payload["embeds"])
    if payload.get("components") is not None:
        check_components(errors, payload["components"])
    flags = payload.get("flags")
    if flags is not None and (not isinstance(flags, int) or flags & ~SETTABLE_FLAGS):
        errors.add(("flags",), "MESSAGE_FLAGS_INVALID", "Only some message flags can be set by a bot.")
    errors.raise_if_any()
    has_body = content or payload.get("embeds") or payload.get("components") or files or payload.get("poll")
    has_body = has_body or payload.get("sticker_ids") or payload.get("attachments")
    if creating and not has_body:
        raise DiscordAPIError(400, EMPTY_MESSAGE, "Cannot send an empty message")


def check_modal(data: Any) -> None:
    errors = FormErrors()
    if not isinstance(data, dict):
        errors.add(("data",), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        errors.raise_if_any()
        return
    _check_len(errors, ("data", "title"), data.get("title"), limits.MODAL_TITLE_MAX)
    if not data.get("title"):
        errors.add(("data", "title"), "BASE_TYPE_REQUIRED", "This field is required")
    cid = data.get("custom_id")
    if not isinstance(cid, str) or not 1 <= len(cid) <= limits.CUSTOM_ID_MAX:
        errors.add(("data", "custom_id"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
    comps = data.get("components")
    if not isinstance(comps, list) or not comps:
        errors.add(("data", "components"), "BASE_TYPE_REQUIRED", "This field is required")
    else:
        check_components(errors, comps, modal=True)
    errors.raise_if_any()


def check_choices(data: Any) -> list[dict[str, Any]]:
    errors = FormErrors()
    choices = data.get("choices") if isinstance(data, dict) else None
    if not isinstance(choices, list):
        errors.add(("data", "choices"), "BASE_TYPE_REQUIRED", "This field is required")
        errors.raise_if_any()
    if len(choices) > limits.AUTOCOMPLETE_MAX_CHOICES:
        errors.add(("data", "choices"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
    for i, c in enumerate(choices):
        if not isinstance(c, dict) or not isinstance(c.get("name"), str) or not 1 <= len(c["name"]) <= 100:
            errors.add(
                ("data", "choices", i, "name"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
            )
    errors.raise_if_any()
    return choices
