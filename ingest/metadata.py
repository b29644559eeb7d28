"""Front matter and file metadata into the flat shapes the index stores.

`normalise_metadata` turns front matter into plain values (dates as ISO strings, list fields as
lists); `flat_metadata` turns those into what Chroma accepts (no lists, no None), writing the
boolean flags (`assistant.schema.LIST_FLAGS`) that let filters test list membership.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from assistant.schema import LIST_FLAGS, flag_key

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
LIST_FIELDS = ("topics", "mode_codes", "sources")


LIST_FIELDS = ("topics", "mode_codes", "sources")


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
        elif key in {"issued", "effective", "date"}:
            out[key] = _iso(value)
        elif isinstance(value, (str, int, float, bool)):
            out[key] = value
        else:
            out[key] = json.dumps(value, default=str)
    return out


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
    date = str(meta.get("issued") or meta.get("date") or "")
    meta["date"] = date
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", date)
    meta["date_num"] = int("".join(m.groups())) if m else 0
    meta.setdefault("status", "in_force")
    meta.setdefault("doc_type", "document")
    return meta
