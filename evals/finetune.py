"""Fine-tuning the embedder on CPU: `python -m evals finetune`.

Pairs (question → passage that answers it) train a sentence-transformers model with
MultipleNegativesRankingLoss: every other passage in the batch is a negative, and an optional
BM25 hard negative (a passage that shares the question's words but is not relevant) sharpens it.
The loop is plain PyTorch over the library's loss, so no extra training framework is installed.
Training stops at the epoch count or the time budget, whichever comes first, and the model is
saved as a sentence-transformers folder, selectable with ``CBEC_EMBEDDER=DIR``.

Pair sources:
- ObliQA (``--obliqa QUESTIONS.json --docs DIR``): only the training fold of `evals.benchmarks.folds`;
  the validation fold is what the benchmark reports on, so it is never trained on.
- The product's answer cards (``--cards``): each question variant → the passages the card cites.
- A JSONL file (``--pairs``): ``{"query", "positive"[, "negative"]}`` per line.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass
from pathlib import Path


class FinetuneError(ValueError):
    """Bad input to fine-tuning (no pairs, a missing file, a malformed line): said in one line."""


@dataclass(frozen=True)
class Pair:
    query: str
    positive: str
    negative: str = ""


def obliqa_text(record: dict) -> str:
    """A passage as the index embeds it: its heading path, then its text."""
    title = record.get("metadata", {}).get("title", "")
    return f"{title}\n{record['text']}" if title else record["text"]


def obliqa_pairs(questions_path: Path, docs: Path, hard_negatives: bool = False) -> tuple[list[Pair], int]:
    """Training-fold pairs and the number of validation questions held out."""
    from evals.benchmarks import folds
    from evals.benchmarks.obliqa import load_passages, load_questions

    records = {r["id"]: r for r in load_passages(docs) if r["text"].strip()}
    train, valid = folds.split(load_questions(questions_path))
    bm25 = _Bm25Negatives(records) if hard_negatives else None
    pairs = []
    for q in train:
        relevant = [rid for rid in q["relevant_ids"] if rid in records]
        negative = bm25.negative(q["question"], set(q["relevant_ids"])) if bm25 else ""
        pairs.extend(Pair(q["question"], obliqa_text(records[rid]), negative) for rid in relevant)
    return pairs, len(valid)


class _Bm25Negatives:
    """The best BM25 passage that is not relevant: a hard negative for a question."""

    def __init__(self, records: dict[str, dict]) -> None:
        import bm25s

        from assistant.retrieval.bm25 import tokenize

        self.ids = list(records)
        self.texts = [obliqa_text(records[i]) for i in self.ids]
        self.model = bm25s.BM25()
        self.model.index(tokenize([records[i]["text"] for i in self.ids]), show_progress=False)
        self._tokenize = tokenize

    def negative(self, question: str, relevant: set[str]) -> str:
        import numpy as np

        scores = np.asarray(self.model.get_scores(self._tokenize([question])[0]))
        for row in np.argsort(-scores)[:20]:
            if self.ids[row] not in relevant:
                return self.texts[row]
        return ""


def card_pairs(corpus: Path) -> list[Pair]:
    """Each card's question variants (English and Chinese) paired with each passage it cites."""
    from assistant.answering.cards import cards_dir, load_cards
    from assistant.config import Settings
    from ingest.pipeline import load_corpus
    from ingest.splitter import split_document

    settings = Settings.from_env({}, corpus_dir=corpus)
    docs, _, _ = load_corpus(corpus, settings)
    texts = {}
    for d in docs:
        for c in split_document(d, settings.chunk_size, settings.chunk_overlap):
            texts[c.metadata["chunk_id"]] = c.page_content
    pairs = []
    for card in load_cards(cards_dir(corpus)):
        if card.declines:
            continue
        cited = [texts[c] for c in card.cited_ids() if c in texts]
        for q in (*card.questions, *getattr(card, "questions_zh", ())):
            pairs.extend(Pair(q, t) for t in cited[:2])
    return pairs


def file_pairs(path: Path) -> list[Pair]:
    pairs = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            pairs.append(Pair(str(d["query"]), str(d["positive"]), str(d.get("negative") or "")))
        except (ValueError, KeyError, TypeError) as exc:
            raise FinetuneError(f"{path}:{n}: expected {{\"query\", \"positive\"}} ({exc.__class__.__name__})") from None
    return pairs


def collect_pairs(obliqa=None, docs=None, cards=False, pairs_file=None, corpus=None,
                  hard_negatives=False) -> tuple[list[Pair], int]:
    """Every pair from the chosen sources, and how many ObliQA questions were held out."""
    pairs: list[Pair] = []
    held_out = 0
    if obliqa:
        if not docs:
            raise FinetuneError("--obliqa needs --docs (the StructuredRegulatoryDocuments folder)")
        for p in (obliqa, docs):
            if not Path(p).exists():
                raise FinetuneError(f"not found: {p}")
        more, held_out = obliqa_pairs(Path(obliqa), Path(docs), hard_negatives)
        pairs += more
    if cards:
        pairs += card_pairs(Path(corpus))
    if pairs_file:
        if not Path(pairs_file).is_file():
            raise FinetuneError(f"not found: {pairs_file}")
        pairs += file_pairs(Path(pairs_file))
    if not pairs:
        raise FinetuneError("no training pairs: give --obliqa/--docs, --cards or --pairs")
    return pairs, held_out


def batches(pairs: list[Pair], size: int, rng: random.Random) -> list[list[Pair]]:
    """Shuffled batches in which no passage appears twice: a repeated passage would be an in-batch
    negative for a question it actually answers."""
    pool = pairs[:]
    rng.shuffle(pool)
    out: list[list[Pair]] = []
    while pool:
        batch, seen, rest = [], set(), []
        for p in pool:
            if len(batch) < size and p.positive not in seen and p.query not in seen:
                batch.append(p)
                seen.update((p.positive, p.query))
            else:
                rest.append(p)
        out.append(batch)
        pool = rest
    return [b for b in out if len(b) > 1]


def log_step(log, epoch: int, step: int, total: int, loss: float, start: float, every: int = 10) -> None:
    """A training loop's progress line, every ``every`` steps and at the last (both trainers use it)."""
    if step % every == 0 or step == total:
        log(f"epoch {epoch} step {step}/{total} loss {loss:.4f} ({time.perf_counter() - start:.0f} s)", flush=True)


def budget_spent(log, start: float, minutes: float, step: int, total: int) -> bool:
    """Whether the time budget is used up; says so (once, when it is) with the steps done."""
    if time.perf_counter() - start <= minutes * 60:
        return False
    log(f"time budget of {minutes} min reached after {step} of {total} steps")
    return True


def train(pairs: list[Pair], base: str, out: Path, epochs: int = 1, minutes: float = 20.0,
          batch_size: int = 32, lr: float = 2e-5, seed: int = 13, log=print) -> Path:
    """Train ``base`` on ``pairs`` until ``epochs`` or ``minutes`` run out; save to ``out``."""
    import torch
    from sentence_transformers import losses

    from assistant.embedders.sentence_transformers import load_sentence_transformer

    torch.manual_seed(seed)
    rng = random.Random(seed)
    model = load_sentence_transformer(base, shared=False)  # trained in place: never the serving copy
    model.max_seq_length = min(model.max_seq_length or 256, 256)
    loss = losses.MultipleNegativesRankingLoss(model)
    params = [p for p in loss.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=lr)
    plan = [batches(pairs, batch_size, rng) for _ in range(max(1, epochs))]
    total = sum(len(p) for p in plan)
    warmup = max(1, total // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (total - s) / max(1, total - warmup))
    )
    model.train()
    start, step, stopped = time.perf_counter(), 0, False
    for epoch, epoch_batches in enumerate(plan, 1):
        for batch in epoch_batches:
            if budget_spent(log, start, minutes, step, total):
                stopped = True
                break
            columns = [[p.query for p in batch], [p.positive for p in batch]]
            if all(p.negative for p in batch):
                columns.append([p.negative for p in batch])
            features = [model.tokenize(c) for c in columns]
            value = loss(features, None)
            value.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            log_step(log, epoch, step, total, value.item(), start)
        if stopped:
            break
    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    model.save(str(out))
    (out / "finetune.json").write_text(json.dumps({
        "base": base, "pairs": len(pairs), "steps": step, "planned_steps": total, "epochs": epochs,
        "batch_size": batch_size, "lr": lr, "seconds": round(time.perf_counter() - start, 1),
    }, indent=2))
    return out
