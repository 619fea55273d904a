"""Fixtures of the export tests (defined in export_helpers)."""

from export_helpers import key_warnings, tiny_models

__all__ = ["key_warnings", "tiny_models"]
