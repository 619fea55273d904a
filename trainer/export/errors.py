"""The export package's one exception type; torch-free so the advisor can catch it."""


class ExportError(RuntimeError):
    """A LoRA could not be written or read. The message says what is wrong and what to do."""
