"""Front matter and file metadata into the flat shapes the index stores.

`normalise_metadata` turns front matter into plain values (dates as ISO strings, list fields as
lists); `flat_metadata` turns those into what Chroma accepts (no lists, no None), writing the
boolean flags (`assistant.schema.LIST_FLAGS`) that let filters test list membership.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import yaml

from assistant.schema import LIST_FLAGS, WORKSPACE_KEY, flag_key

# Front matter is untrusted input (uploads): bounded before it is parsed, parsed without aliases
# (a 523-byte "billion laughs" alias bomb once grew to gigabytes when serialised), and its keys
# must be plain names (Chroma rejects keys such as "$and" for the whole batch, not the one file).
MAX_FRONT_MATTER_BYTES = 16 * 1024
MAX_KEYS = 64
MAX_VALUE_CHARS = 4000
KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FENCE = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)(?:\r?\n)---[ \t]*(?:\r?\n|\Z)", re.S)


class FrontMatterError(ValueError):
    """Front matter that cannot be accepted; the message says why."""


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader without anchors and aliases: no expansion, so no alias bomb."""

    def fetch_alias(self):
        raise yaml.YAMLError("YAML aliases (*name) are not allowed in front matter")

    def fetch_anchor(self):
        raise yaml.YAMLError("YAML anchors (&name) are not allowed in front matter")


def split_front_matter(text: str) -> tuple[dict, str]:
    """(metadata, body) of a Markdown text; raises `FrontMatterError` for unsafe or malformed front matter."""
    m = _FENCE.match(text)
    if not m:
        return {}, text
    block = m.group(1)
    if len(block.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise FrontMatterError(f"front matter is over {MAX_FRONT_MATTER_BYTES // 1024} KiB")
    try:
        data = yaml.load(block, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"invalid YAML front matter: {str(exc).splitlines()[0]}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise FrontMatterError("front matter must be a mapping of keys to values")
    if len(data) > MAX_KEYS:
        raise FrontMatterError(f"front matter has {len(data)} keys; at most {MAX_KEYS} are accepted")
    for key, value in data.items():
        if not isinstance(key, str) or not KEY.fullmatch(key):
            raise FrontMatterError(f"front matter key {key!r} is not a plain name (letters, digits, underscore)")
        if len(json.dumps(value, default=str)) > MAX_VALUE_CHARS:
            raise FrontMatterError(f"front matter value of {key!r} is over {MAX_VALUE_CHARS} characters")
    return data, text[m.end():]

# Folder names in corpus/ imply a doc type when the file has no front matter saying so.
FOLDER_DOC_TYPES = {
    "regulations": "regulation",
    "announcements": "announcement",
    "tax": "tax_notice",
    "laws": "law",
    "cases": "case",
    "articles": "article",
    "guides": "guide",
    "statistics": "statistics",
}
LIST_FIELDS = ("topics", "mode_codes", "sources", "see_also")
# Dates may be a day, a month ("2023-05") or a year ("2023"); `<field>_precision` says which.
DATE_FIELDS = frozenset({"issued", "effective", "date", "reviewed", "events_to", "expired_on"})


def _iso(value) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def normalise_metadata(meta: dict) -> dict:
    """Front matter to plain values: dates as ISO strings, list fields as lists of strings."""
    out: dict = {}
    for key, value in meta.items():
        if value is None:
            continue
        if key in LIST_FIELDS:
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            out[key] = [str(v) for v in value]
        elif key in DATE_FIELDS:
            out[key] = _iso(value)  # `issued: 2023` (year precision) stays the string "2023"
        elif isinstance(value, (str, int, float, bool)):
            out[key] = value
        else:
            out[key] = json.dumps(value, default=str)
    return out


def date_number(date: str) -> int:
    """YYYYMMDD as an integer for range filters; a month or year alone fills the rest with zeros."""
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", date)
    if not m:
        return 0
    y, mo, d = m.groups()
    return int(y) * 10000 + int(mo or 0) * 100 + int(d or 0)


def flat_metadata(metadata: dict) -> dict:
    """Document metadata in the shapes Chroma accepts (str/int/float/bool, no lists, no None)."""
    meta: dict = {}
    for key, value in metadata.items():
        if isinstance(value, list):
            meta[key] = "," + ",".join(value) + "," if value else ""
            prefix = LIST_FLAGS.get(key)
            if prefix:  # boolean flags let Chroma's `where` filter on membership
                for v in value:
                    meta[flag_key(prefix, v)] = True
        elif value is not None:
            meta[key] = value
    date = str(meta.get("issued") or meta.get("date") or meta.get("reviewed") or "")
    meta["date"] = date
    meta["date_num"] = date_number(date)
    meta.setdefault("status", "in_force")
    meta.setdefault("doc_type", "document")
    meta.setdefault(WORKSPACE_KEY, "")  # shared unless it is an upload
    return meta
