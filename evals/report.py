"""Evaluation reports: a results file per run, a summary, a Markdown report with charts,
and a diff against a baseline summary."""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
BASELINE = Path(__file__).parent / "baseline.json"
HIGHER_IS_BETTER = {"latency_p50_ms": False, "latency_p95_ms": False, "retrieve_p50_ms": False, "false_refusal_rate": False}


def git_sha() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True,
                              cwd=Path(__file__).parent).stdout.strip() or "nogit"
    except (OSError, subprocess.CalledProcessError):
        return "nogit"


def run_name() -> str:
    return f"{dt.datetime.now().strftime('%Y%m%d-%H%M%S')}-{git_sha()}"


def _fmt(v) -> str:
    if isinstance(v, float):
        return "n/a" if math.isnan(v) else f"{v:.3f}" if abs(v) < 10 else f"{v:.0f}"
    return str(v)


def diff(summary: dict, baseline: dict) -> list[tuple[str, str, str, str]]:
    """(metric, baseline, now, verdict) rows."""
    rows = []
    for k, v in summary.items():
        if k not in baseline or not isinstance(v, (int, float)):
            continue
        b = baseline[k]
        if isinstance(b, float) and math.isnan(b) or isinstance(v, float) and math.isnan(v):
            verdict = ""
        else:
            delta = v - b
            better = delta > 0 if HIGHER_IS_BETTER.get(k, True) else delta < 0
            verdict = "same" if abs(delta) < 1e-9 else ("better" if better else "worse") + f" ({delta:+.3f})"
        rows.append((k, _fmt(b), _fmt(v), verdict))
    return rows


def charts(name: str, summary: dict, topics: dict, history: list[dict], out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def barh(names: list[str], values: list[float], title: str, file: str, color: str, labels: bool) -> Path:
        fig, ax = plt.subplots(figsize=(8, max(3.5, 0.25 * len(names))))
        ax.barh(names, values, color=color)
        ax.set_xlim(0, 1)
        ax.invert_yaxis()
        ax.set_title(title)
        if labels:
            for i, v in enumerate(values):
                ax.text(v + 0.01, i, f"{v:.2f}", va="center", fontsize=8)
        fig.tight_layout()
        path = out / file
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return path

    keys = ["hit@5", "recall@5", "mrr", "ndcg@10", "must_include", "citation_valid", "citation_support",
            "refusal_accuracy", "false_refusal_rate"]
    vals = [0 if math.isnan(summary.get(k, math.nan)) else summary[k] for k in keys]
    paths = [
        barh(keys, vals, f"Reference Q&A metrics — {name}", f"metrics-{name}.png", "#3b7dd8", True),
        barh(list(topics), [t["pass_rate"] for t in topics.values()], "Pass rate per topic", f"topics-{name}.png",
             "#4caf50", False),
    ]
    if history:
        fig, ax = plt.subplots(figsize=(8, 3.5))
        for k in ("recall@5", "must_include", "citation_support", "refusal_accuracy"):
            ax.plot(range(len(history)), [h.get(k, math.nan) for h in history], marker="o", label=k)
        ax.set_xticks(range(len(history)), [h.get("run", "")[-7:] for h in history], rotation=45, fontsize=7)
        ax.set_ylim(0, 1.02)
        ax.legend(fontsize=8)
        ax.set_title("Metrics over runs")
        fig.tight_layout()
        p = out / f"history-{name}.png"
        fig.savefig(p, dpi=110)
        plt.close(fig)
        paths.append(p)
    return paths


def write(rows: list[dict], summary: dict, topics: dict, baseline: dict | None, out: Path = RESULTS,
          name: str | None = None, meta: dict | None = None) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    name = name or run_name()
    summary = {"run": name, **summary, **(meta or {})}
    results = out / f"{name}.jsonl"
    with open(results, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r.to_dict(), ensure_ascii=False) + "\n")
    summ = out / f"summary-{name}.json"
    summ.write_text(json.dumps({"summary": summary, "topics": topics}, indent=2))
    history = []
    for f in sorted(out.glob("summary-*.json")):
        try:
            history.append(json.loads(f.read_text())["summary"])
        except (json.JSONDecodeError, KeyError):
            continue
    pngs = charts(name, summary, topics, history[-20:], out)
    lines = [f"# Evaluation report {name}", ""]
    lines += ["| metric | value |", "| --- | --- |"] + [f"| {k} | {_fmt(v)} |" for k, v in summary.items() if k != "run"]
    if baseline:
        lines += ["", "## Against the baseline", "", "| metric | baseline | now | change |", "| --- | --- | --- | --- |"]
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in diff(summary, baseline)]
    lines += ["", "## Charts", ""] + [f"![{p.stem}]({p.name})" for p in pngs]
    lines += ["", "## Per topic", "", "| topic | items | pass rate |", "| --- | --- | --- |"]
    lines += [f"| {t} | {v['items']} | {v['pass_rate']:.2f} |" for t, v in topics.items()]
    failed = [r for r in rows if not r.passed]
    lines += ["", f"## Failures to inspect ({len(failed)})", ""]
    for r in failed:
        lines.append(f"- **{r.id}** ({r.kind}, {r.topic}): {r.question}  \n  " + "; ".join(r.reasons))
    report = out / f"report-{name}.md"
    report.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"results": results, "summary": summ, "report": report}
