"""Evaluation: the latest evaluation report, metrics over runs, per-topic results, failures, feedback.

Read only. It reads what `make eval` leaves in ``evals/results/`` (``*.jsonl`` with one row per
question, ``summary-*.json`` per run, ``report-*.md``) and the feedback the chat stored in
``{data_dir}/feedback.sqlite`` (or in the shared state database, ``CBEC_STATE_URL``). Every file is optional and the row and summary fields are
discovered, not assumed, so the page keeps working while the evals runner evolves.

Tests point the page at another results folder through ``st.session_state["eval_results_dir"]``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from assistant.config import Settings

RESULTS_DIR = Path(__file__).resolve().parent.parent / "evals" / "results"
TOPIC_FIELDS = ("topic", "topics", "category", "categories", "tags", "kind")
PASS_FIELDS = ("pass", "passed", "ok", "correct", "success", "hit")
ID_FIELDS = ("id", "qid", "question_id", "item_id")


def flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    """{"metrics": {"hit@5": 0.9}} -> {"metrics.hit@5": 0.9}; lists are kept as values."""
    out: dict[str, Any] = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.update(flatten(v, f"{prefix}{k}."))
    else:
        out[prefix[:-1]] = obj
    return out


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and not (isinstance(v, float) and math.isnan(v))


def run_name(path: Path, prefix: str) -> str:
    stem = path.stem
    return stem[len(prefix):] if stem.startswith(prefix) else stem


def read_jsonl(path: Path) -> tuple[list[dict], int]:
    """Rows of a JSONL file and the number of lines that were not JSON objects."""
    rows, bad = [], 0
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return [], 1
    for line in lines:
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            bad += 1
            continue
        if isinstance(rec, dict):
            rows.append(rec)
        else:
            bad += 1
    return rows, bad


def read_summaries(paths: list[Path]) -> pd.DataFrame:
    """One row per summary file (oldest first), numeric fields flattened to columns."""
    records = []
    for p in sorted(paths, key=lambda p: (p.stat().st_mtime, p.name)):
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict):
            continue
        flat = flatten(data)
        row = {k: v for k, v in flat.items() if is_number(v)}
        row["run"] = str(flat.get("run") or flat.get("run_id") or flat.get("timestamp") or run_name(p, "summary-"))
        records.append(row)
    if not records:
        return pd.DataFrame()
    return pd.DataFrame(records).set_index("run")


def item_frame(rows: list[dict]) -> pd.DataFrame:
    """Per-item rows with nested dicts flattened (``metrics.hit@5``) and booleans as 0/1 where numeric."""
    return pd.DataFrame([flatten(r) for r in rows])


def numeric_columns(df: pd.DataFrame) -> list[str]:
    cols = []
    for c in df.columns:
        if c.split(".")[-1] in ID_FIELDS:
            continue
        s = df[c].dropna()
        if len(s) and all(is_number(v) or isinstance(v, bool) for v in s):
            cols.append(c)
    return cols


def topic_column(df: pd.DataFrame) -> str | None:
    for name in TOPIC_FIELDS:
        for c in df.columns:
            if c.split(".")[-1] == name:
                return c
    return None


def failures(df: pd.DataFrame, metric: str | None) -> tuple[pd.DataFrame, str]:
    """Rows that failed and how failure was decided."""
    if df.empty:
        return df, ""
    for c in df.columns:
        if c.split(".")[-1] in PASS_FIELDS and df[c].dropna().map(lambda v: isinstance(v, bool) or v in (0, 1)).all():
            return df[df[c].fillna(True).astype(bool) == False], f"`{c}` is false"  # noqa: E712
    if "error" in df.columns:
        bad = df[df["error"].fillna("").astype(str).str.len() > 0]
        if len(bad):
            return bad, "`error` is set"
    if metric:
        return df[pd.to_numeric(df[metric], errors="coerce") < 1.0], f"`{metric}` below 1"
    return df.iloc[0:0], ""


def feedback_section(settings: Settings) -> None:
    """The feedback of every serve process: the shared state database's, else ``data_dir/feedback.sqlite``."""
    st.header("Feedback log")
    from assistant.config import mask_url
    from assistant.outputs.feedback import FeedbackStore
    from assistant.stores.shared import STATE_FILES

    path = settings.data_dir / STATE_FILES["feedback"]
    if not settings.state_url and not path.exists():  # read only: no empty database is made
        st.info("No feedback yet: rate answers with the thumbs in the chat and they appear here.")
        return
    where = mask_url(settings.state_url) if settings.state_url else str(path)
    try:
        records = FeedbackStore.for_settings(settings).list()
    except Exception as exc:  # a damaged file or a database down must not take the page down
        st.error(f"The feedback database `{where}` cannot be read ({exc.__class__.__name__}: {exc}).")
        return
    if not records:
        st.info("No feedback yet: rate answers with the thumbs in the chat and they appear here.")
        return
    up = sum(1 for r in records if r.rating == 1)
    c1, c2, c3 = st.columns(3)
    c1.metric("Ratings", len(records))
    c2.metric("Thumbs up", up)
    c3.metric("Thumbs down", len(records) - up)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "when (UTC)": r.ts,
                    "rating": "up" if r.rating == 1 else "down",
                    "comment": r.comment,
                    "question": r.question,
                    "backend": r.backend,
                    "sources": len(r.citations),
                    "filters": r.filters,
                    "answer": r.answer,
                }
                for r in records
            ]
        ),
        hide_index=True,
    )


def evaluation_section(results: Path) -> None:
    jsonl = sorted(
        [p for p in results.glob("*.jsonl")] + [p for p in results.glob("*/*.jsonl")],
        key=lambda p: (p.stat().st_mtime, p.name),
        reverse=True,
    ) if results.is_dir() else []
    summaries = sorted(list(results.glob("summary-*.json")) + list(results.glob("*/summary-*.json"))) if results.is_dir() else []
    reports = sorted(
        list(results.glob("report-*.md")) + list(results.glob("*/report-*.md")),
        key=lambda p: (p.stat().st_mtime, p.name),
    ) if results.is_dir() else []
    if not (jsonl or summaries or reports):
        st.info(
            f"No evaluation results yet in `{results}`. Run `make eval` in the project folder; "
            "its per-question rows (`*.jsonl`), summaries (`summary-*.json`) and reports (`report-*.md`) appear here.",
            icon=":material/science:",
        )
        return

    if reports:
        latest = reports[-1]
        with st.expander(f"Latest report: {latest.name}", expanded=True, icon=":material/summarize:"):
            try:
                st.markdown(latest.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as exc:
                st.error(f"Cannot read {latest.name}: {exc}")

    st.header("Metrics over runs")
    runs = read_summaries(summaries)
    if runs.empty:
        st.caption("No `summary-*.json` files yet; each `make eval` run writes one.")
    else:
        rates = [c for c in runs.columns if runs[c].dropna().between(0, 1).all()]
        others = [c for c in runs.columns if c not in rates]
        if rates and len(runs) > 1:
            st.line_chart(runs[rates])
        elif rates:
            st.bar_chart(runs[rates].T)
        st.dataframe(runs[rates + others].T.rename_axis("metric"))

    st.header("Per-question results")
    non_baseline = [p for p in jsonl if not p.name.startswith("baseline")] or jsonl
    if not jsonl:
        st.caption("No per-question `*.jsonl` files yet.")
        return
    choice = st.selectbox(
        "Run", non_baseline + [p for p in jsonl if p not in non_baseline],
        format_func=lambda p: p.relative_to(results).as_posix(), key="eval_run",
    )
    rows, bad = read_jsonl(choice)
    if bad:
        st.warning(f"{bad} line(s) of {choice.name} are not JSON objects and were skipped.")
    if not rows:
        st.caption(f"{choice.name} has no rows.")
        return
    df = item_frame(rows)
    metrics = numeric_columns(df)
    st.caption(f"{len(df)} question(s) · {len(metrics)} numeric field(s)")
    metric = st.selectbox("Metric", metrics, key="eval_metric") if metrics else None
    topic = topic_column(df)
    if metric and topic:
        per = df[[topic, metric]].copy()
        per[topic] = per[topic].map(lambda v: v if isinstance(v, list) else [v])
        per = per.explode(topic)
        per[metric] = pd.to_numeric(per[metric], errors="coerce")
        by_topic = per.groupby(per[topic].astype(str))[metric].agg(["mean", "count"]).sort_values("mean")
        st.subheader(f"{metric} by {topic.split('.')[-1]}")
        st.bar_chart(by_topic["mean"], horizontal=True)
        st.dataframe(by_topic.rename(columns={"mean": metric, "count": "questions"}))
    elif metric:
        st.caption("The rows carry no topic field, so there is no per-topic breakdown.")
    failed, rule = failures(df, metric)
    st.subheader(f"Failures ({len(failed)})")
    if rule:
        st.caption(f"A question fails when {rule}.")
    if failed.empty:
        st.success("No failures in this run." if rule else "No pass/fail field found in the rows.")
    else:
        st.dataframe(failed, hide_index=True)
        pick = st.selectbox(
            "Inspect a failure", list(failed.index), key="eval_failure",
            format_func=lambda i: str(rows[i].get("question") or rows[i].get("id") or i)[:120],
        )
        st.json(rows[pick], expanded=True)


def main() -> None:
    st.set_page_config(page_title="Evaluation · CBEC Compliance Assistant", page_icon=":material/monitoring:", layout="wide")
    st.title("Evaluation")
    st.caption("Reference Q&A results from `make eval` and the feedback given in the chat. Read only.")
    results = Path(st.session_state.get("eval_results_dir") or RESULTS_DIR)
    try:
        settings = Settings.from_env()
    except ValueError as exc:
        st.error(f"A setting in the environment is invalid: {exc}. Fix it and restart the app.")
        return
    from app.auth import current_viewer

    session_ws = st.session_state.setdefault("session_workspace", "")
    viewer = current_viewer(st, settings.admins, session_ws)
    if not viewer.is_admin:
        # Questions and comments are other people's words: admins only (app/auth.py).
        st.info("The evaluation results, the question log and the feedback are visible to admins only"
                + (": sign in with an admin account." if viewer.login_configured else "."))
        return
    try:
        evaluation_section(results)
    except Exception as exc:  # unexpected file shapes: say so, keep the feedback log visible
        st.error(f"The evaluation files in `{results}` could not be shown ({exc.__class__.__name__}: {exc}).")
    feedback_section(settings)


if __name__ == "__main__":
    main()
