"""Validation of application-command payloads as Discord does it (docs: Application Commands).

Errors come back as Discord's 50035 "Invalid Form Body" with the offending path, e.g.
``{"0": {"options": {"1": {"name": {"_errors": [...]}}}}}`` for a bulk overwrite.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from standin import limits
from standin.errors import FormErrors

CHAT_INPUT, USER_COMMAND, MESSAGE_COMMAND = 1, 2, 3
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
OPTION_TYPES = frozenset(range(1, 12))
CHOICE_TYPES = {STRING: str, INTEGER: int, NUMBER: (int, float)}
_EXTRA_NAME_CHARS = "-_'"
# Discord's CHAT_INPUT name regex is ^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$; Python's re has no
# \p{...}, so letters/numbers come from unicodedata and the Devanagari/Thai marks from their blocks.
_SCRIPT_RANGES = ((0x0900, 0x097F), (0x0E00, 0x0E7F))

Path = tuple[str | int, ...]


def _name_char_ok(ch: str) -> bool:
    if ch in _EXTRA_NAME_CHARS:
        return True
    cat = unicodedata.category(ch)
    if cat[0] in ("L", "N"):
        return True
    return any(lo <= ord(ch) <= hi for lo, hi in _SCRIPT_RANGES)


def check_chat_name(errors: FormErrors, path: Path, name: Any) -> None:
    """A CHAT_INPUT command or option name: 1-32 chars of the regex above, lower case."""
    if not isinstance(name, str):
        errors.add(path, "BASE_TYPE_REQUIRED", "This field is required")
        return
    if not 1 <= len(name) <= limits.COMMAND_NAME_MAX:
        errors.add(
            path, "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {limits.COMMAND_NAME_MAX} in length."
        )
    elif not all(_name_char_ok(c) for c in name) or name != name.lower():
        errors.add(path, "APPLICATION_COMMAND_INVALID_NAME", f"Command name is invalid: {name!r}")


def _check_text(errors: FormErrors, path: Path, value: Any, lo: int, hi: int) -> None:
    if not isinstance(value, str):
        errors.add(path, "BASE_TYPE_REQUIRED", "This field is required")
    elif not lo <= len(value) <= hi:
        errors.add(path, "BASE_TYPE_BAD_LENGTH", f"Must be between {lo} and {hi} in length.")


def _check_localizations(
    errors: FormErrors, path: Path, table: Any, check: Any, *, allow_none: bool = True
) -> list[str]:
    """Keys must be Discord locales; each value obeys the rule of the field it localises."""
    if table is None and allow_none:
        return []
    if not isinstance(table, dict):
        errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return []
    values = []
    for locale, value in table.items():
        if locale not in limits.LOCALES:
            errors.add((*path, locale), "ENUM_TYPE_COERCE", f"Value {locale!r} is not a valid enum value.")
            continue
        check(errors, (*path, locale), value)
        if isinstance(value, str):
            values.append(value)
    return values


def _longest(base: Any, localized: list[str]) -> int:
    return max([len(base) if isinstance(base, str) else 0, *(len(v) for v in localized)])


def _check_choices(errors: FormErrors, path: Path, opt_type: int, choices: Any) -> int:
    if not isinstance(choices, list):
        errors.add(path, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
        return 0
    if opt_type not in CHOICE_TYPES:
        errors.add(
            path, "APPLICATION_COMMAND_OPTION_CHOICES_INVALID", "Choices are only for string/integer/number."
        )
        return 0
    if len(choices) > limits.COMMAND_CHOICES_MAX:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limits.COMMAND_CHOICES_MAX} or fewer in length.")
    size = 0
    for i, choice in enumerate(choices):
        if not isinstance(choice, dict):
            errors.add((*path, i), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        name_rule = _length_rule(1, limits.CHOICE_NAME_MAX)
        name_rule(errors, (*path, i, "name"), choice.get("name"))
        locs = _check_localizations(
            errors, (*path, i, "name_localizations"), choice.get("name_localizations"), name_rule
        )
        value = choice.get("value")
        wanted = CHOICE_TYPES[opt_type]
        if isinstance(value, bool) or not isinstance(value, wanted):
            errors.add(
                (*path, i, "value"), "BASE_TYPE_CHOICES", f"Value must be of the option's type ({opt_type})."
            )
        elif isinstance(value, str) and len(value) > limits.CHOICE_STRING_VALUE_MAX:
            errors.add((*path, i, "value"), "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length.")
        size += _longest(choice.get("name"), locs) + len(str(value))
    return size


def _length_rule(lo: int, hi: int) -> Any:
    def rule(errors: FormErrors, path: Path, value: Any) -> None:
        _check_text(errors, path, value, lo, hi)

    return rule


def _check_named(errors: FormErrors, path: Path, item: dict[str, Any]) -> int:
    """Name and description (plus their localizations) of a chat-input command or option."""
    check_chat_name(errors, (*path, "name"), item.get("name"))
    names = _check_localizations(
        errors, (*path, "name_localizations"), item.get("name_localizations"), check_chat_name
    )
    desc_rule = _length_rule(1, limits.COMMAND_DESCRIPTION_MAX)
    desc_rule(errors, (*path, "description"), item.get("description"))
    descs = _check_localizations(
        errors, (*path, "description_localizations"), item.get("description_localizations"), desc_rule
    )
    return _longest(item.get("name"), names) + _longest(item.get("description"), descs)


def _check_option(errors: FormErrors, path: Path, opt: Any, depth: int) -> int:
    if not isinstance(opt, dict):
        errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return 0
    size = _check_named(errors, path, opt)
    opt_type = opt.get("type")
    if opt_type not in OPTION_TYPES:
        errors.add((*path, "type"), "ENUM_TYPE_COERCE", f"Value {opt_type!r} is not a valid enum value.")
        return size
    if opt_type in (SUB_COMMAND, SUB_COMMAND_GROUP):
        if opt_type == SUB_COMMAND_GROUP and depth > 0:
            errors.add(
                (*path, "type"), "APPLICATION_COMMAND_SUBCOMMAND_GROUP_NESTED", "Groups cannot be nested."
            )
        if opt.get("required"):
            errors.add(
                (*path, "required"),
                "APPLICATION_COMMAND_OPTION_REQUIRED_INVALID",
                "Subcommands cannot be required.",
            )
        children = opt.get("options") or []
        if opt_type == SUB_COMMAND_GROUP and any(
            isinstance(c, dict) and c.get("type") != SUB_COMMAND for c in children
        ):
            errors.add(
                (*path, "options"),
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "A group holds only subcommands.",
            )
        if opt_type == SUB_COMMAND and any(isinstance(c, dict) and c.get("type") in (1, 2) for c in children):
            errors.add(
                (*path, "options"),
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "A subcommand holds no subcommands.",
            )
        return size + check_options(errors, (*path, "options"), children, depth + 1)
    if opt.get("options"):
        errors.add(
            (*path, "options"), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Only subcommands have options."
        )
    if "choices" in opt and opt["choices"] is not None:
        if opt.get("autocomplete"):
            errors.add(
                (*path, "autocomplete"),
                "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
                "Autocomplete and choices exclude each other.",
            )
        size += _check_choices(errors, (*path, "choices"), opt_type, opt["choices"])
    if opt.get("autocomplete") and opt_type not in CHOICE_TYPES:
        errors.add(
            (*path, "autocomplete"),
            "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID",
            "Autocomplete is for string/integer/number.",
        )
    for key in ("min_value", "max_value"):
        if key in opt and opt_type not in (INTEGER, NUMBER):
            errors.add(
                (*path, key),
                "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
                f"{key} is for integer/number options.",
            )
    for key, lo in (("min_length", 0), ("max_length", 1)):
        if key not in opt:
            continue
        if opt_type != STRING:
            errors.add(
                (*path, key), "APPLICATION_COMMAND_OPTION_TYPE_INVALID", f"{key} is for string options."
            )
        elif not isinstance(opt[key], int) or not lo <= opt[key] <= limits.OPTION_STRING_LENGTH_MAX:
            errors.add(
                (*path, key),
                "NUMBER_TYPE_MAX",
                f"Must be between {lo} and {limits.OPTION_STRING_LENGTH_MAX}.",
            )
    if "channel_types" in opt and opt_type != CHANNEL:
        errors.add(
            (*path, "channel_types"),
            "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
            "channel_types is for channel options.",
        )
    return size


def check_options(errors: FormErrors, path: Path, options: Any, depth: int = 0) -> int:
    """A list of options: ≤25, unique names, required before optional, no mixing with subcommands."""
    if not isinstance(options, list):
        errors.add(path, "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
        return 0
    if len(options) > limits.COMMAND_OPTIONS_MAX:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limits.COMMAND_OPTIONS_MAX} or fewer in length.")
    size = 0
    seen: set[str] = set()
    optional_seen = False
    kinds = {isinstance(o, dict) and o.get("type") in (1, 2) for o in options}
    if len(kinds) > 1:
        errors.add(
            path, "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "Subcommands cannot sit beside other options."
        )
    for i, opt in enumerate(options):
        size += _check_option(errors, (*path, i), opt, depth)
        if not isinstance(opt, dict):
            continue
        name = opt.get("name")
        if name in seen:
            errors.add(
                (*path, i, "name"),
                "APPLICATION_COMMAND_OPTIONS_DUPLICATE_NAME",
                "Option names must be unique.",
            )
        seen.add(name)
        if opt.get("type") in (1, 2):
            continue
        if opt.get("required"):
            if optional_seen:
                errors.add(
                    (*path, i, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True
    return size


def check_command(errors: FormErrors, path: Path, cmd: Any) -> None:
    """One command object (bulk item or single create)."""
    if not isinstance(cmd, dict):
        errors.add(path, "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
        return
    ctype = cmd.get("type", CHAT_INPUT)
    if ctype not in (CHAT_INPUT, USER_COMMAND, MESSAGE_COMMAND):
        errors.add((*path, "type"), "ENUM_TYPE_COERCE", f"Value {ctype!r} is not a valid enum value.")
        return
    if ctype != CHAT_INPUT:
        _check_text(errors, (*path, "name"), cmd.get("name"), 1, limits.COMMAND_NAME_MAX)
        if cmd.get("description"):
            errors.add(
                (*path, "description"),
                "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
                "Context menu commands have no description.",
            )
        if cmd.get("options"):
            errors.add(
                (*path, "options"),
                "APPLICATION_COMMAND_CONTEXT_MENU_OPTIONS",
                "Context menu commands have no options.",
            )
        return
    size = _check_named(errors, path, cmd)
    size += check_options(errors, (*path, "options"), cmd.get("options") or [])
    if size > limits.COMMAND_TOTAL_CHARS_MAX:
        errors.add(
            path,
            "APPLICATION_COMMAND_TOO_LARGE",
            f"Command exceeds maximum size ({limits.COMMAND_TOTAL_CHARS_MAX})",
        )


def check_command_list(commands: Any) -> FormErrors:
    """A bulk overwrite: every command valid, names unique per type, per-type counts within limits."""
    errors = FormErrors()
    if not isinstance(commands, list):
        errors.add((), "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType")
        return errors
    seen: set[tuple[Any, Any]] = set()
    counts = {CHAT_INPUT: 0, USER_COMMAND: 0, MESSAGE_COMMAND: 0}
    for i, cmd in enumerate(commands):
        check_command(errors, (i,), cmd)
        if not isinstance(cmd, dict):
            continue
        key = (cmd.get("type", CHAT_INPUT), cmd.get("name"))
        if key in seen:
            errors.add(
                (i, "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Application command names must be unique: {key[1]!r}",
            )
        seen.add(key)
        if key[0] in counts:
            counts[key[0]] += 1
    caps = {
        CHAT_INPUT: limits.CHAT_INPUT_COMMANDS_MAX,
        USER_COMMAND: limits.CONTEXT_MENU_COMMANDS_MAX,
        MESSAGE_COMMAND: limits.CONTEXT_MENU_COMMANDS_MAX,
    }
    for ctype, count in counts.items():
        if count > caps[ctype]:
            errors.add(
                (), "BASE_TYPE_MAX_LENGTH", f"Too many commands of type {ctype}: {count} > {caps[ctype]}."
            )
    return errors
