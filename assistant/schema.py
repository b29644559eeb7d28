"""What a chunk is, shared by ingest (which writes chunks) and the assistant (which reads them).

This module sits below both packages: `ingest` and `assistant` import it, it imports neither.
It holds the metadata keys and flags, the chunk-id format, the passage text rule and the
content hash, so each rule has one home.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

# Bumped whenever what ingest writes into a chunk changes (keys, flags, text): an index built by an
# older version is then stale and `python -m ingest --if-stale` rebuilds it. 2: workspace key.
SCHEMA_VERSION = 2

# China Customs' supervision-mode codes for cross-border e-commerce: the product's subject.
MODE_CODES = frozenset({"9610", "1210", "1239", "9710", "9810"})
_MODE_CODE = re.compile(r"(?<!\d)(9610|1210|1239|9710|9810)(?!\d)")


def named_codes(text: str) -> frozenset[str]:
    """The mode codes a text names ("9610和9710有什么区别" -> {"9610", "9710"})."""
    return frozenset(_MODE_CODE.findall(text))


# Boolean metadata flags written for list fields, so Chroma's `where` can test membership.
TOPIC_FLAG = "topic_"
CODE_FLAG = "code_"
LIST_FLAGS = {"topics": TOPIC_FLAG, "mode_codes": CODE_FLAG}

# Document types whose text is law: only these are ever shown as the legal basis of an answer.
# Guides, articles (project summaries), cases and statistics support points but are not law.
PRIMARY_DOC_TYPES = frozenset({"law", "regulation", "announcement", "tax_notice"})


# Uploaded documents belong to a workspace (a browser session or a signed-in user); curated corpus
# documents have an empty workspace and are shared. Uploads are never law, whatever they claim.
WORKSPACE_KEY = "workspace"
UPLOAD_DOC_TYPE = "upload"
UPLOADS_FOLDER = "uploads"


def is_primary(metadata: dict) -> bool:
    """True when a chunk comes from a primary legal source (see `PRIMARY_DOC_TYPES`)."""
    return metadata.get("doc_type") in PRIMARY_DOC_TYPES


# The label of a passage that is the instrument's own text: an article, a numbered section or the
# instrument's overview. Headings such as "Summary for sellers…", "Fees — … (practice sources)" or
# "How 2025 decisions applied…" inside an instrument's document are commentary, not law.
_LEGAL_LABEL = re.compile(r"^(Overview|Articles? \d|Section \d)")


def is_legal_text(metadata: dict) -> bool:
    """True when a passage can be cited as legal basis: a primary source's own article or section."""
    return is_primary(metadata) and bool(_LEGAL_LABEL.match(str(metadata.get("article") or "Overview")))


def flag_key(prefix: str, value: str) -> str:
    """``('code_', '9610')`` -> ``'code_9610'``: the metadata key of one list value."""
    return prefix + re.sub(r"\W", "_", value.lower())


def flag_values(metadata: dict, prefix: str) -> list[str]:
    """The list values stored as ``{prefix}{value}: True`` flags in a chunk's metadata."""
    return sorted(k[len(prefix):] for k, v in metadata.items() if v is True and k.startswith(prefix))


@dataclass(frozen=True)
class ChunkId:
    """``{doc_id}:{label-slug}:{n}``, or a JSONL record's own id (``{id}`` / ``{id}#{n}``)."""

    doc_id: str
    label: str = ""
    n: int = 0

    def __str__(self) -> str:
        return f"{self.doc_id}:{self.label}:{self.n}" if self.label else self.doc_id

    @classmethod
    def parse(cls, text: str) -> ChunkId:
        parts = text.split(":")
        if len(parts) >= 3 and parts[-1].isdigit():
            return cls(":".join(parts[:-2]), parts[-2], int(parts[-1]))
        return cls(text.split("#", 1)[0])


def doc_id_of(chunk_id: str) -> str:
    """The document a chunk belongs to (a split JSONL record ``id#n`` belongs to ``id``)."""
    return ChunkId.parse(chunk_id).doc_id


def passage_text(page_content: str, metadata: dict) -> str:
    """The passage itself, without the title/heading prefix that was embedded with it."""
    off = metadata.get("body_offset")
    return page_content[off:] if isinstance(off, int) and 0 <= off <= len(page_content) else page_content


def content_hash(text: str, meta: dict) -> str:
    """A stable hash of a chunk's text and metadata: an unchanged chunk is never embedded again."""
    payload = json.dumps([text, {k: meta[k] for k in sorted(meta) if k != "content_hash"}], default=str)
    return hashlib.sha1(payload.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class StoredChunk:
    """One chunk as the store holds it: its store id, full text (header + passage) and metadata."""

    id: str
    text: str
    metadata: dict = field(default_factory=dict)

    @property
    def chunk_id(self) -> str:
        return str(self.metadata.get("chunk_id", self.id))

    @property
    def passage(self) -> str:
        return passage_text(self.text, self.metadata)
