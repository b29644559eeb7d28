"""Evaluation commands.

    python -m evals run [--dataset FILE] [--backend NAME] [--baseline FILE] [--floors]
    python -m evals retrieval --corpus CORPUS.jsonl --dataset DATASET.jsonl [--k 10] [--run-out RUN.jsonl]
    python -m evals obliqa --docs DIR --questions FILE [--k 10] [--run-out RUN.jsonl] [--limit N]
    python -m evals latency --docs DIR --questions FILE [--n 100]
    python -m evals ingest-rate --docs DIR [--n 1000]
    python -m evals calibrate
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

from assistant.config import Settings
from evals.floors import check_floors
from evals.runner import DATASET

HERE = Path(__file__).parent
def cmd_run(args) -> int:
    from assistant.chain import Assistant
    from evals import report, runner

    settings = Settings.from_env()
    if args.backend:
        settings = settings.replace(backend=args.backend)
    items = runner.load_dataset(Path(args.dataset))
    assistant = Assistant.from_settings(settings)
    assistant.warm()
    t = time.perf_counter()
    rows = runner.run(assistant, items, progress=lambda i, n: print(f"\r{i}/{n}", end="", file=sys.stderr))
    print(file=sys.stderr)
    summary = runner.summarise(rows)
    topics = runner.by_topic(rows)
    baseline = None
    if args.baseline and Path(args.baseline).exists():
        baseline = json.loads(Path(args.baseline).read_text())
        baseline = baseline.get("summary", baseline)
    paths = report.write(rows, summary, topics, baseline, Path(args.out),
                         meta={"backend": settings.backend, "embedder": settings.embedder, "seconds": round(time.perf_counter() - t, 1)})
    width = max(len(k) for k in summary)
    for k, v in summary.items():
        print(f"{k:<{width}}  {report._fmt(v)}")
    languages = runner.by_language(rows)
    if len(languages) > 1:
        keys = ("items", "must_include", "readable", "refusal_accuracy", "evasion_declined", "false_refusal_rate",
                "chinese_text", "latency_p50_ms")
        print("\nper language: " + "  ".join(f"{k}" for k in keys))
        for lang, summ in languages.items():
            print(f"  {lang}: " + "  ".join(report._fmt(summ.get(k, math.nan)) for k in keys))
    print(f"\nreport: {paths['report']}\nresults: {paths['results']}")
    if args.write_baseline:
        Path(args.baseline).write_text(json.dumps({"summary": {"run": paths["results"].stem, **summary}}, indent=2) + "\n")
        print(f"baseline written: {args.baseline}")
    if args.floors:
        problems = check_floors(summary, rows)
        for p in problems:
            print(f"FLOOR: {p}", file=sys.stderr)
        return 1 if problems else 0
    return 0


def _print_arms(results: dict, k: int, extra: str = "") -> None:
    print(f"{'arm':<6} " + "  ".join(f"{m:>9}" for m in ("hit@10", "recall@5", f"recall@{k}", f"map@{k}", "mrr", "ndcg@10")) + "  seconds")
    for arm, r in results.items():
        m = r["metrics"]
        print(f"{arm:<6} " + "  ".join(f"{m[x]:>9.4f}" for x in (f"hit@{k}", "recall@5", f"recall@{k}", f"map@{k}", "mrr", f"ndcg@{k}"))
              + f"  {r['seconds']:>7.1f}")
    if extra:
        print(extra)


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def cmd_retrieval(args) -> int:
    from evals.benchmarks.retrieval import benchmark

    t = time.perf_counter()
    records = _jsonl(args.corpus)
    questions = _jsonl(args.dataset)
    report, results = benchmark(records, questions, Settings.from_env(), k=args.k, run_out=args.run_out)
    _print_arms(results, args.k, f"total {time.perf_counter() - t:.1f} s")
    return 0


def cmd_obliqa(args) -> int:
    from evals.benchmarks.obliqa import load_passages, load_questions
    from evals.benchmarks.retrieval import benchmark

    t = time.perf_counter()
    records = load_passages(Path(args.docs))
    questions = load_questions(Path(args.questions))
    if args.limit:
        questions = questions[: args.limit]
    print(f"ObliQA: {len(records)} passages, {len(questions)} questions", flush=True)
    report, results = benchmark(records, questions, Settings.from_env(), k=args.k, run_out=args.run_out)
    _print_arms(results, args.k, f"total {time.perf_counter() - t:.1f} s (passages without text reported: {len(report.failed)})")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({a: r["metrics"] | {"seconds": r["seconds"]} for a, r in results.items()}, indent=2))
    return 0


def cmd_latency(args) -> int:
    from evals.benchmarks.latency import measure
    from evals.benchmarks.obliqa import load_passages, load_questions

    questions = [q["question"] for q in load_questions(Path(args.questions))][: args.n]
    measure(load_passages(Path(args.docs)), questions, Settings.from_env())
    return 0


def cmd_ingest_rate(args) -> int:
    from evals.benchmarks.ingest_rate import measure
    from evals.benchmarks.obliqa import load_passages

    records = [r for r in load_passages(Path(args.docs)) if r["text"].strip()][: args.n]
    measure(records, Settings.from_env())
    return 0


def cmd_calibrate(args) -> int:
    from assistant.chain import Assistant
    from evals.benchmarks.calibrate import measure

    for lang, m in measure(Assistant.from_settings(Settings.from_env())).items():
        print(f"{lang}: " + "  ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in m.items()))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="reference Q&A over the chain, with report")
    r.add_argument("--dataset", default=str(DATASET))
    r.add_argument("--backend")
    r.add_argument("--baseline", default=str(HERE / "baseline.json"))
    r.add_argument("--write-baseline", action="store_true", help="store this run's figures as the baseline")
    r.add_argument("--out", default=str(HERE / "results"))
    r.add_argument("--floors", action="store_true", help="exit 1 when a metric falls below its floor")
    b = sub.add_parser("retrieval", help="retrieval benchmark on a JSONL corpus")
    b.add_argument("--corpus", required=True, type=Path)
    b.add_argument("--dataset", required=True, type=Path)
    b.add_argument("--k", type=int, default=10)
    b.add_argument("--run-out", type=Path)
    o = sub.add_parser("obliqa", help="ObliQA retrieval benchmark")
    o.add_argument("--docs", required=True, type=Path)
    o.add_argument("--questions", required=True, type=Path)
    o.add_argument("--k", type=int, default=10)
    o.add_argument("--run-out", type=Path)
    o.add_argument("--json-out", type=Path)
    o.add_argument("--limit", type=int, default=0)
    la = sub.add_parser("latency", help="warm latency on the ObliQA index")
    la.add_argument("--docs", required=True, type=Path)
    la.add_argument("--questions", required=True, type=Path)
    la.add_argument("--n", type=int, default=100)
    ir = sub.add_parser("ingest-rate", help="ingest throughput vs raw encode rate")
    ir.add_argument("--docs", required=True, type=Path)
    ir.add_argument("--n", type=int, default=1000)
    sub.add_parser("calibrate", help="best-passage similarity of in-scope and off-topic questions, per language")
    args = ap.parse_args(argv)
    return {"calibrate": cmd_calibrate, "run": cmd_run, "retrieval": cmd_retrieval, "obliqa": cmd_obliqa, "latency": cmd_latency,
            "ingest-rate": cmd_ingest_rate}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
