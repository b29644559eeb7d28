"""The layout is the data flow: assistant/ never imports ingest/, nothing imports the UI, no cycles.

Read from the source (every import statement, top level or inside a function), so a lazy import
cannot hide an edge.
"""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("assistant", "ingest", "evals", "app")
UI = {"app", "streamlit_app"}


def _edges() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")] + [ROOT / "streamlit_app.py"]
    for path in files:
        src = path.relative_to(ROOT).parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in (*PACKAGES, "streamlit_app") and top != src:
                    edges.setdefault(src, set()).add(top)
    return edges


def test_assistant_never_imports_ingest_and_nothing_imports_the_ui():
    edges = _edges()
    assert "ingest" not in edges.get("assistant", set())
    for src, targets in edges.items():
        if src not in UI:
            assert not (targets & UI), f"{src} imports the UI: {targets & UI}"
    assert "streamlit_app" not in edges.get("app", set())


def test_no_cycle_between_top_level_packages():
    edges = _edges()

    def reaches(a: str, b: str, seen: frozenset = frozenset()) -> bool:
        return any(t == b or (t not in seen and reaches(t, b, seen | {t})) for t in edges.get(a, ()))

    cycles = [p for p in edges if reaches(p, p)]
    assert not cycles, f"import cycle through {cycles}: {edges}"


def test_importing_assistant_loads_nothing_from_ingest():
    code = "import sys, assistant, assistant.chain, assistant.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in ('ingest', 'streamlit_app', 'app')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
