"""The one error an embedder raises when its model cannot be had on this machine.

Interfaces catch it and print its message (what was asked for, and what to use instead):
the machine has no hub to download from, so a model name that is not a local folder, the
bundled model or an exported ONNX folder is a configuration mistake, not a crash.
"""

from __future__ import annotations


class EmbedderUnavailable(RuntimeError):
    """The configured embedder's model is not on this machine; the message says what to do."""
