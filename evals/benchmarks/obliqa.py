"""ObliQA (RegNLP) as a retrieval benchmark input: passages -> JSONL records, questions -> qrels.

Passage id: ``"{DocumentID}|{PassageID}"``. The hierarchy is rebuilt from ``PassageID``
("Part 1.Chapter 1.1.(1)" sits under "Part 1", "Part 1.Chapter 1", "Part 1.Chapter 1.1."):
the texts of the ancestors that exist in the same document become the passage's heading
path, so each passage is indexed with its headings like our own corpus chunks are.
Nothing from ObliQA is copied into the project; the data path is an argument.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

_SEG = re.compile(r"[^.]+\.?")


def passage_key(doc_id, passage_id) -> str:
    return f"{doc_id}|{passage_id}"


def _ancestors(pid: str) -> list[str]:
    segs = _SEG.findall(pid)
    out = []
    for i in range(1, len(segs)):
        prefix = "".join(segs[:i])
        out.append(prefix)
        if prefix.endswith("."):
            out.append(prefix[:-1])
        else:
            out.append(prefix + ".")
    return out


def load_passages(docs_dir: Path, heading_chars: int = 120) -> list[dict]:
    """Records ``{"id", "text", "metadata": {"title", "document"}}`` for every passage."""
    records = []
    for f in sorted(Path(docs_dir).glob("*.json"), key=lambda p: (len(p.stem), p.stem)):
        items = json.loads(f.read_text(encoding="utf-8"))
        by_pid = {str(p["PassageID"]): (p.get("Passage") or "").strip() for p in items}
        for p in items:
            pid = str(p["PassageID"])
            heads = []
            for anc in _ancestors(pid):
                t = by_pid.get(anc)
                if t and t not in heads:
                    heads.append(" ".join(t.split())[:heading_chars])
            records.append(
                {
                    "id": passage_key(p["DocumentID"], pid),
                    "text": (p.get("Passage") or "").strip(),
                    "metadata": {"title": " > ".join(heads), "document": str(p["DocumentID"]), "passage_id": pid},
                }
            )
    return records


def load_questions(path: Path) -> list[dict]:
    """Questions ``{"id", "question", "relevant_ids"}``."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [
        {
            "id": q["QuestionID"],
            "question": q["Question"],
            "relevant_ids": sorted({passage_key(p["DocumentID"], p["PassageID"]) for p in q["Passages"]}),
        }
        for q in data
    ]
