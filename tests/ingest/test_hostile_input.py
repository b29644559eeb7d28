"""Hostile or broken corpus input: reported per file with its reason, never a crash, never a silent drop."""

import os
import time

import pytest

from ingest.converters import LoadError, load_file
from ingest.metadata import MAX_FRONT_MATTER_BYTES
from ingest.pipeline import load_corpus, run_ingest

pytestmark = pytest.mark.faults

BOMB = (
    "---\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "---\n# Title\n\nBody text that is long enough to be a passage.\n"
)


def write(root, name, text):
    p = root / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def test_alias_bomb_is_refused_at_once(tmp_path):
    p = write(tmp_path, "bomb.md", BOMB)
    t = time.perf_counter()
    with pytest.raises(LoadError, match="anchors"):
        load_file(p, tmp_path, 10**6)
    assert time.perf_counter() - t < 1.0


@pytest.mark.parametrize(
    ("front", "reason"),
    [
        ("$and: 1", "not a plain name"),
        ("'': x", "not a plain name"),
        ("title: " + "x" * 5000, "over 4000 characters"),
        ("\n".join(f"k{i}: 1" for i in range(80)), "at most 64"),
        ("x: " + "y" * (MAX_FRONT_MATTER_BYTES + 10), "KiB"),
        ("- just\n- a list", "mapping"),
    ],
)
def test_unsafe_front_matter_is_a_per_file_error(tmp_path, front, reason):
    p = write(tmp_path, "f.md", f"---\n{front}\n---\n# T\n\nBody text that is long enough.\n")
    with pytest.raises(LoadError, match=reason):
        load_file(p, tmp_path, 10**7)


def test_links_outside_the_corpus_loops_and_dangling_links_are_reported(settings, tmp_path):
    root = tmp_path / "corpus"
    write(root, "ok.md", "---\ntitle: Ok\n---\n# Ok\n\nThe rule applies to every parcel that enters.\n")
    os.symlink("/etc/passwd", root / "passwd.txt")
    os.symlink(root / "missing.md", root / "dangling.md")
    os.symlink(root / "loop-b.md", root / "loop-a.md")
    os.symlink(root / "loop-a.md", root / "loop-b.md")
    docs, failures, _ = load_corpus(root, settings)
    reasons = {f.path: f.reason for f in failures}
    assert [d.doc_id for d in docs] == ["ok"]
    assert "outside the corpus" in reasons["passwd.txt"]
    assert "dangling" in reasons["dangling.md"]
    assert "loop" in reasons["loop-a.md"] and "loop" in reasons["loop-b.md"]


def test_duplicate_ids_keep_both_documents_and_empty_documents_are_not_indexed(settings, tmp_path):
    root = tmp_path / "corpus"
    write(root, "a/x.md", "---\nid: same\ntitle: A\n---\n# A\n\nThe first rule says parcels are checked.\n")
    write(root, "b/x.md", "---\nid: same\ntitle: B\n---\n# B\n\nThe second rule says parcels are weighed.\n")
    write(root, "one-line.txt", "Just a title line\n")
    report = run_ingest(settings, corpus=root)
    reasons = " ".join(f"{f.path}: {f.reason}" for f in report.failed)
    assert "duplicate document id 'same'" in reasons and "indexed as 'same--b-x-md'" in reasons
    assert "one-line.txt: document 'one-line' yields no passages" in reasons
    assert report.documents == 3 and report.chunks == 2
