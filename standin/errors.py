"""Discord's JSON error bodies and the exception that carries them through the stand-in's handlers.

Codes from Discord's docs (Opcodes and Status Codes > JSON Error Codes).
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

UNKNOWN_CHANNEL = 10003
UNKNOWN_MESSAGE = 10008
UNKNOWN_WEBHOOK = 10015
UNKNOWN_USER = 10013
UNKNOWN_APPLICATION_COMMAND = 10063
UNKNOWN_INTERACTION = 10062
UNAUTHORIZED = 40001
REQUEST_ENTITY_TOO_LARGE = 40005
ALREADY_ACKNOWLEDGED = 40060
MISSING_ACCESS = 50001
CANNOT_EDIT_OTHERS_MESSAGE = 50005
EMPTY_MESSAGE = 50006
CANNOT_SEND_TO_USER = 50007
MISSING_PERMISSIONS = 50013
INVALID_WEBHOOK_TOKEN = 50027
INVALID_FORM_BODY = 50035
RATE_LIMITED = 0

JSON_CONTENT_TYPE = "application/json"


class DiscordAPIError(Exception):
    """An error that becomes Discord's JSON error body with the given HTTP status."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message, "code": self.code}
        if self.errors:
            out["errors"] = self.errors
        return out


class FormErrors:
    """Collects field errors in Discord's nested ``{"a": {"0": {"_errors": [...]}}}`` layout."""

    def __init__(self) -> None:
        self.tree: dict[str, Any] = {}

    def add(self, path: tuple[str | int, ...], code: str, message: str) -> None:
        node = self.tree
        for part in path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def __bool__(self) -> bool:
        return bool(self.tree)

    def raise_if_any(self) -> None:
        if self.tree:
            raise DiscordAPIError(400, INVALID_FORM_BODY, "Invalid Form Body", self.tree)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json`` (discord.py compares it)."""
    resp = web.Response(body=json.dumps(data).encode(), status=status, headers=headers)
    # Set the header directly: aiohttp's content_type setter would append "; charset=utf-8".
    resp.headers["Content-Type"] = JSON_CONTENT_TYPE
    return resp


def error_response(err: DiscordAPIError) -> web.Response:
    return json_response(err.body(), status=err.status)
