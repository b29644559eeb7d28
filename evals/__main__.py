"""Evaluation commands.

    python -m evals run [--dataset FILE] [--backend NAME] [--baseline FILE] [--floors]
    python -m evals retrieval --corpus CORPUS.jsonl --dataset DATASET.jsonl [--k 10] [--run-out RUN.jsonl]
    python -m evals obliqa --docs DIR --questions FILE [--k 10] [--run-out RUN.jsonl] [--limit N] [--fold valid --tune]
                           [--reranker DIR [--rerank-weight W]]
    python -m evals finetune (--obliqa FILE --docs DIR | --cards | --pairs PAIRS.jsonl) --out DIR [--epochs N --minutes M]
    python -m evals train-reranker --obliqa FILE --docs DIR --out DIR [--epochs N --minutes M --negatives N]
    python -m evals latency --docs DIR --questions FILE [--n 100]
    python -m evals ingest-rate --docs DIR [--n 1000] [--against EMBEDDER]
    python -m evals calibrate
    python -m evals growth --docs DIR --questions FILE [--sizes 1000,10000,100000] [--stores embedded,server]
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
    from evals.benchmarks import folds
    from evals.benchmarks.obliqa import load_passages, load_questions
    from evals.benchmarks.retrieval import ARMS, prepare, run_arms

    t = time.perf_counter()
    records = load_passages(Path(args.docs))
    questions = load_questions(Path(args.questions))
    if args.limit:
        questions = questions[: args.limit]
    train, valid = folds.split(questions)
    reported = {"all": questions, "train": train, "valid": valid}[args.fold]
    settings = Settings.from_env()
    print(f"ObliQA: {len(records)} passages, {len(questions)} questions; reporting on fold {args.fold!r} "
          f"({len(reported)} questions; tuning fold {len(train)})", flush=True)
    import tempfile

    with tempfile.TemporaryDirectory(prefix="cbec-bench-") as tmp:
        bench, retriever, report = prepare(records, settings, Path(tmp))
        arms: dict = dict(ARMS)
        tuned = None
        if args.tune:
            if args.fold != "valid":
                print("obliqa: --tune chooses weights on the training fold; report with --fold valid", file=sys.stderr)
                return 2
            tuned, _ = folds.tune(lambda ov: run_arms(bench, retriever, train, args.k, {"t": ov})["t"]["metrics"], args.k)
            print(f"tuned on the training fold: {tuned}")
            arms["tuned"] = tuned
        if args.reranker:
            chosen = _tuned_rerank_blend(args.reranker, bench)
            if args.rerank_weight is not None:
                chosen["rerank_weight"] = args.rerank_weight
            arms["reranked"] = {**(tuned or {}), "reranker": str(args.reranker), **chosen}
            print(f"reranked arm: {args.reranker}, cross-encoder share {chosen['rerank_weight']} over the "
                  f"{'tuned' if tuned else 'fused'} top {chosen['rerank_depth']}")
        results = run_arms(bench, retriever, reported, args.k, arms)
    if args.run_out:
        best = "reranked" if args.reranker else "tuned" if tuned else "fused"
        with open(args.run_out, "w", encoding="utf-8") as fh:
            for qid, ranked in results[best]["runs"].items():
                fh.write(json.dumps({"id": qid, "ranked": ranked}) + "\n")
    _print_arms(results, args.k, f"total {time.perf_counter() - t:.1f} s (passages without text reported: {len(report.failed)})")
    if args.json_out:
        out = {a: r["metrics"] | {"seconds": r["seconds"]} for a, r in results.items()}
        out["settings"] = {"fold": args.fold, "embedder": settings.embedder, "bm25_pairs": settings.bm25_pairs,
                           "fusion": settings.fusion.value, "tuned": tuned, "reranked": arms.get("reranked")}
        Path(args.json_out).write_text(json.dumps(out, indent=2))
    return 0


def _tuned_rerank_blend(folder: Path, settings: Settings) -> dict:
    """The cross-encoder share and depth `train-reranker` chose on its tuning slice (else the settings')."""
    try:
        info = json.loads((Path(folder) / "reranker.json").read_text())
    except (OSError, ValueError):
        info = {}
    out = {"rerank_weight": settings.rerank_weight, "rerank_depth": settings.rerank_depth}
    for key, kind in (("rerank_weight", float), ("rerank_depth", int)):
        try:
            out[key] = kind(info[key])
        except (KeyError, TypeError, ValueError):
            pass
    return out


def cmd_train_reranker(args) -> int:
    import tempfile

    from evals import train_reranker as tr
    from evals.benchmarks import folds
    from evals.benchmarks.obliqa import load_passages, load_questions
    from evals.benchmarks.retrieval import MemoReranker, prepare, record_texts, run_arms
    from evals.finetune import FinetuneError

    for p in (args.obliqa, args.docs):
        if not Path(p).exists():
            print(f"train-reranker: not found: {p}", file=sys.stderr)
            return 2
    questions = load_questions(Path(args.obliqa))
    train, valid = folds.split(questions)
    fit, tune = tr.tuning_slice(train)
    print(f"train-reranker: {len(fit)} training questions, {len(tune)} for choosing the blend, "
          f"{len(valid)} validation questions held out", flush=True)
    settings = Settings.from_env()
    with tempfile.TemporaryDirectory(prefix="cbec-rerank-") as tmp:
        bench, retriever, _ = prepare(load_passages(Path(args.docs)), settings, Path(tmp))
        if args.retune:
            out = Path(args.out)
            if not (out / "reranker.json").is_file():
                print(f"train-reranker: --retune needs a trained reranker in {out}", file=sys.stderr)
                return 2
        else:
            runs = run_arms(bench, retriever, fit, args.depth, {"fused": {}})["fused"]["runs"]
            groups = tr.groups_from_runs(fit, runs, record_texts(retriever))
            print(f"{len(groups)} groups (answer + the fused top {args.depth}'s other passages)", flush=True)
            try:
                out = tr.train(groups, Path(args.out), base=args.base, epochs=args.epochs, minutes=args.minutes,
                               negatives=args.negatives, max_length=settings.rerank_max_length)
            except FinetuneError as exc:
                print(f"train-reranker: {exc}", file=sys.stderr)
                return 2
        # The blend is chosen on the tuning slice, which training never saw; each pair is read once.
        ranked = retriever.with_settings(bench.replace(reranker=str(out)))
        ranked = ranked.model_copy(update={"reranker": MemoReranker(ranked.reranker)})
        tried = {}
        for d in tr.DEPTHS:
            for w in tr.WEIGHTS:
                arm = {"rerank_weight": w, "rerank_depth": d}
                m = run_arms(bench.replace(reranker=str(out)), ranked, tune, 10, {"r": arm})["r"]["metrics"]
                tried[(d, w)] = m
                print(f"  top {d}, cross-encoder {w:.1f}: recall@10 {m['recall@10']:.4f}  map@10 {m['map@10']:.4f}",
                      flush=True)
        depth, best = max(tried, key=lambda dw: folds.objective(tried[dw]))
    info = json.loads((out / "reranker.json").read_text())
    info.update(rerank_weight=best, rerank_depth=depth, tuning_questions=len(tune), embedder=settings.embedder,
                depth=args.depth)
    (out / "reranker.json").write_text(json.dumps(info, indent=2))
    print(f"reranker saved: {out}\nuse it with CBEC_RERANKER={out} CBEC_RERANK_WEIGHT={best} CBEC_RERANK_DEPTH={depth}")
    return 0


def cmd_finetune(args) -> int:
    from evals.finetune import FinetuneError, collect_pairs, train

    try:
        pairs, held_out = collect_pairs(obliqa=args.obliqa, docs=args.docs, cards=args.cards, pairs_file=args.pairs,
                                        corpus=Settings.from_env().corpus_dir, hard_negatives=args.hard_negatives)
        print(f"finetune: {len(pairs)} training pairs"
              + (f" ({held_out} ObliQA questions held out for validation)" if held_out else ""), flush=True)
        out = train(pairs, args.base, Path(args.out), epochs=args.epochs, minutes=args.minutes,
                    batch_size=args.batch_size)
    except FinetuneError as exc:
        print(f"finetune: {exc}", file=sys.stderr)
        return 2
    print(f"model saved: {out}\nuse it with CBEC_EMBEDDER={out} (then `python -m ingest --rebuild`)")
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
    measure(records, Settings.from_env(), against=args.against)
    return 0


def cmd_calibrate(args) -> int:
    from assistant.chain import Assistant
    from evals.benchmarks.calibrate import measure

    for lang, m in measure(Assistant.from_settings(Settings.from_env())).items():
        print(f"{lang}: " + "  ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in m.items()))
    return 0


def cmd_growth(args) -> int:
    from evals.benchmarks.growth import run

    return run(args.docs, args.questions, args.sizes, args.stores, args.out, args.n_queries, Settings.from_env())


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
    o.add_argument("--fold", choices=("all", "train", "valid"), default="all",
                   help="questions reported on (folds split by question id; tuning and fine-tuning use 'train')")
    o.add_argument("--tune", action="store_true", help="choose the fusion blend on the training fold, report it as 'tuned'")
    ft = sub.add_parser("finetune", help="fine-tune the embedder on CPU (MultipleNegativesRankingLoss) within a time budget")
    ft.add_argument("--obliqa", type=Path, help="ObliQA questions (training fold used; validation fold held out)")
    ft.add_argument("--docs", type=Path, help="ObliQA StructuredRegulatoryDocuments (with --obliqa)")
    ft.add_argument("--cards", action="store_true", help="pairs from the product's answer cards (variants -> passages)")
    ft.add_argument("--pairs", type=Path, help='JSONL of {"query", "positive"[, "negative"]}')
    ft.add_argument("--hard-negatives", action="store_true", help="add a BM25 hard negative to each ObliQA pair")
    ft.add_argument("--base", default="bundled:all-MiniLM-L6-v2", help="model to start from")
    ft.add_argument("--out", required=True, type=Path)
    ft.add_argument("--epochs", type=int, default=1)
    ft.add_argument("--minutes", type=float, default=20.0, help="stop training after this many minutes")
    ft.add_argument("--batch-size", type=int, default=32)
    o.add_argument("--reranker", type=Path, help="also report a re-ranked arm with this cross-encoder folder")
    o.add_argument("--rerank-weight", type=float, help="the cross-encoder's share (default: the one train-reranker chose)")
    tr = sub.add_parser("train-reranker", help="train the cross-encoder reranker on ObliQA's training fold, on CPU")
    tr.add_argument("--obliqa", required=True, type=Path, help="ObliQA questions (training fold used)")
    tr.add_argument("--docs", required=True, type=Path, help="ObliQA StructuredRegulatoryDocuments")
    tr.add_argument("--out", required=True, type=Path)
    tr.add_argument("--base", default="bundled:all-MiniLM-L6-v2", help="model whose weights it starts from")
    tr.add_argument("--epochs", type=int, default=1)
    tr.add_argument("--minutes", type=float, default=30.0, help="stop training after this many minutes")
    tr.add_argument("--negatives", type=int, default=5, help="wrong candidates per question and step")
    tr.add_argument("--depth", type=int, default=30, help="fused candidates the negatives are drawn from")
    tr.add_argument("--retune", action="store_true",
                    help="train nothing: choose the blend again for the reranker already in --out")
    la = sub.add_parser("latency", help="warm latency on the ObliQA index")
    la.add_argument("--docs", required=True, type=Path)
    la.add_argument("--questions", required=True, type=Path)
    la.add_argument("--n", type=int, default=100)
    ir = sub.add_parser("ingest-rate", help="ingest throughput vs raw encode rate")
    ir.add_argument("--docs", required=True, type=Path)
    ir.add_argument("--n", type=int, default=1000)
    ir.add_argument("--against", default="", help="also measure this embedder's raw encode rate (e.g. the torch model)")
    sub.add_parser("calibrate", help="best-passage similarity of in-scope and off-topic questions, per language")
    gr = sub.add_parser("growth", help="ingest, start-up, retrieve latency, memory and disk as the ObliQA index grows")
    gr.add_argument("--docs", required=True, type=Path)
    gr.add_argument("--questions", required=True, type=Path)
    gr.add_argument("--sizes", default="1000,10000,100000", help="passages per index, comma-separated")
    gr.add_argument("--stores", default="embedded,server", help="embedded and/or server (a `chroma run` on loopback)")
    gr.add_argument("--out", type=Path, default=Path("data/bench/growth"))
    gr.add_argument("--n-queries", type=int, default=200)
    args = ap.parse_args(argv)
    from assistant.embedders import EmbedderUnavailable

    try:
        return _COMMANDS[args.cmd](args)
    except EmbedderUnavailable as exc:
        print(f"evals {args.cmd}: {exc}", file=sys.stderr)
        return 2


_COMMANDS = {"calibrate": cmd_calibrate, "run": cmd_run, "retrieval": cmd_retrieval, "obliqa": cmd_obliqa, "latency": cmd_latency,
             "ingest-rate": cmd_ingest_rate, "finetune": cmd_finetune, "train-reranker": cmd_train_reranker, "growth": cmd_growth}


if __name__ == "__main__":
    sys.exit(main())
