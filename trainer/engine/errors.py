"""The one exception type the engine raises for anything a user or an operator can act on."""

from __future__ import annotations

#: The `kind` values of an `error` event (docs/contracts.md).
ERROR_KINDS = ("oom", "nan", "model", "data", "config", "disk", "internal")


class TrainingError(Exception):
    """A run cannot start or continue. `kind` sorts it for the advisor, `field` names the setting."""

    def __init__(self, kind: str, message: str, field: str | None = None) -> None:
        if kind not in ERROR_KINDS:
            raise ValueError(f"unknown error kind {kind!r}; expected one of {ERROR_KINDS}")
        prefix = f"{field}: " if field else ""
        super().__init__(prefix + message)
        self.kind = kind
        self.message = message
        self.field = field

    def as_event(self) -> dict[str, str]:
        event = {"kind": self.kind, "message": str(self)}
        if self.field:
            event["field"] = self.field
        return event
