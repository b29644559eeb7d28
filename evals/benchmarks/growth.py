"""Growth benchmark: what ingest, start-up, retrieval latency, memory and disk cost as the index grows.

Why: every other benchmark runs on one index size (ObliQA, ~14k chunks). A deployment that grows
to 100k passages must know in advance which figure degrades first, and whether the Chroma server
store behaves differently from the embedded one.

How, per size and store:

- The corpus is the ObliQA passages with text; a size below their number is a seeded, nested
  sample, a size above it adds deterministic perturbed copies (`perturb`), so the index never
  holds a copy identical to another passage. Passages under a "Guidance" rule number get
  ``doc_type: guidance`` (the rest ``rule``), which gives the filtered measurement a real
  filter that matches ~16% of the index.
- Ingest runs `ingest.pipeline.run_ingest` into a fresh folder in its own process, with the
  embeddings cache shared with `evals.benchmarks.retrieval.prepare` (repeated runs and the
  second store reuse vectors; ``embedded_fresh`` says how many were really encoded).
- Serving runs in another fresh process, as the product starts: import, `Assistant.from_settings`,
  a first `invoke`; then retrieve latency with the default filters and with ``doc_type=guidance``,
  and that process's resident memory. Measuring in the benchmark's own process would count what
  ingest left behind. The query embedding and the index's part (search given the query's vector)
  are timed apart too: the embedding does not grow with the index and, on a busy machine, is
  most of a retrieve. Each row records the load average.
- The server store is a `chroma run` on loopback, restarted between ingest and serving so its
  memory is what serving the collection costs, not what ingesting left behind.

Nothing runs at import; ``python -m evals.benchmarks.growth ingest|serve SPEC OUT`` is the entry
point of the child processes (settings come from ``CBEC_*`` variables, as in the product).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from enum import StrEnum
from pathlib import Path

from assistant.config import PREFIX, Settings

STORES = ("embedded", "server")
GUIDANCE, RULE = "guidance", "rule"
FILTER = (f"doc_type={GUIDANCE}",)
COLLECTION = "growth"
# One edit per window of this many words: every stretch of a copy differs from its original, so
# the chunks of a long passage that is split are not duplicates either (a chunk is ~200 words).
WINDOW = 25
ATTEMPTS = 8
_TOKEN = re.compile(r"\S+|\s+")
_GUIDANCE_ID = re.compile(r"(^|\.)\s*guidance\b", re.I)

# (mode, case settings, spec) -> figures; runs a step in a child process or, in tests, in-process.
Runner = Callable[[str, Settings, dict], dict]


# ---- corpus ----------------------------------------------------------------------------------


def doc_type_of(passage_id: str) -> str:
    """``guidance`` for an ObliQA passage under a Guidance heading (``7.1.3.Guidance.2.``), else ``rule``."""
    return GUIDANCE if _GUIDANCE_ID.search(passage_id) else RULE


def label_doc_types(records: Iterable[dict]) -> list[dict]:
    """Copies of the records with a ``doc_type`` in their metadata, so a doc-type filter has something to narrow."""
    out = []
    for r in records:
        meta = dict(r.get("metadata") or {})
        meta["doc_type"] = doc_type_of(str(meta.get("passage_id", "")))
        out.append({**r, "metadata": meta})
    return out


def copy_id(record_id: str, i: int) -> str:
    """The id of copy ``i`` of a passage: distinct from every original id and from the other copies."""
    return f"{record_id}~{i}"


def copy_rng(seed: int, record_id: str, i: int, attempt: int = 0) -> random.Random:
    """The random source of one copy; a string seed is hashed with SHA-512, so it is the same in every run."""
    return random.Random(f"{seed}|{record_id}|{i}|{attempt}")


def _drop(tokens: list[str], k: int) -> None:
    """Remove word ``k`` and one whitespace beside it, preferring one that is not a line break."""
    tokens[k] = ""
    before = k - 1 if k > 0 else None
    after = k + 1 if k + 1 < len(tokens) else None
    side = before if before is not None and "\n" not in tokens[before] else after
    side = before if side is None else side
    if side is not None:
        tokens[side] = ""


def perturb(text: str, rng: random.Random) -> str:
    """A word-level variant of ``text``: in each window of `WINDOW` words, drop a word, repeat
    one, or swap two neighbours. Whitespace (line breaks, paragraphs) is kept; never empty, never
    equal to ``text``."""
    tokens = _TOKEN.findall(text)
    words = [k for k, t in enumerate(tokens) if not t.isspace()]
    if not words:
        return text
    n = len(words)
    for start in range(0, n, WINDOW):
        end = min(start + WINDOW, n)
        ops = ["repeat"] + (["drop"] if n > 1 else []) + (["swap"] if end - start > 1 else [])
        op = rng.choice(ops)
        if op == "swap":
            j = rng.randrange(start, end - 1)
            a, b = words[j], words[j + 1]
            tokens[a], tokens[b] = tokens[b], tokens[a]
            continue
        k = words[rng.randrange(start, end)]
        if op == "repeat":
            tokens[k] = f"{tokens[k]} {tokens[k]}"
        else:
            _drop(tokens, k)
    out = "".join(tokens)
    if out == text:  # a swap of two equal words: repeat the first word instead
        first = re.search(r"\S+", text)
        assert first is not None
        out = text[: first.end()] + " " + text[first.start():]
    return out


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _new_copy(record: dict, i: int, seed: int, seen: set[bytes]) -> str:
    """Copy ``i`` of a record's text that is not yet in the corpus (short passages have few variants)."""
    text = record["text"]
    for attempt in range(ATTEMPTS):
        out = perturb(text, copy_rng(seed, record["id"], i, attempt))
        if _digest(out) not in seen:
            return out
    last = text.split()[-1]
    out = text
    while _digest(out) in seen:  # grows by a word each time, so it ends
        out = f"{out} {last}"
    return out


def base_records(records: Iterable[dict]) -> list[dict]:
    """The records with text, first of each id (ObliQA repeats a few ids; ingest would drop them)."""
    out, ids = [], set()
    for r in records:
        if str(r.get("text") or "").strip() and r["id"] not in ids:
            ids.add(r["id"])
            out.append(r)
    return out


def grow(records: Sequence[dict], size: int, seed: int = 0) -> list[dict]:
    """Exactly ``size`` records (given enough text) from ``records``.

    Up to the number of usable records: a seeded sample in the original order, nested (a smaller
    size is a subset of a larger one, so sizes compare like for like). Beyond it: every record,
    then copies in rounds (copy 1 of every passage, then copy 2...), each a `perturb` of its passage
    seeded by (seed, passage id, copy number) and unlike any text already in the corpus. The same
    seed gives the same corpus, and each larger corpus extends the smaller one.
    """
    base = base_records(records)
    if size < 1 or not base:
        raise ValueError(f"cannot make a corpus of {size} records from {len(base)} with text")
    if size <= len(base):
        order = list(range(len(base)))
        random.Random(f"{seed}|order").shuffle(order)
        return [base[k] for k in sorted(order[:size])]
    out = list(base)
    seen = {_digest(r["text"]) for r in base}
    for n in range(size - len(base)):
        rec, i = base[n % len(base)], n // len(base) + 1
        text = _new_copy(rec, i, seed, seen)
        seen.add(_digest(text))
        out.append({"id": copy_id(rec["id"], i), "text": text, "metadata": rec.get("metadata") or {}})
    return out


def write_corpus(records: Iterable[dict], folder: Path) -> Path:
    """The records as the one JSONL file of a corpus folder (the normal ingest input)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "corpus.jsonl", "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return folder


# ---- arguments -------------------------------------------------------------------------------


def parse_sizes(text: str) -> list[int]:
    """``"1000,10000"`` -> ``[1000, 10000]`` (ascending, each once); a bad or non-positive size is refused."""
    try:
        sizes = sorted({int(s.replace("_", "")) for s in text.split(",") if s.strip()})
    except ValueError:
        raise ValueError(f"--sizes {text!r}: expected whole numbers separated by commas") from None
    if not sizes or sizes[0] < 1:
        raise ValueError(f"--sizes {text!r}: expected positive sizes")
    return sizes


def parse_stores(text: str) -> list[str]:
    """``"embedded,server"`` -> the stores in `STORES` order; an unknown store is refused."""
    names = {s.strip() for s in text.split(",") if s.strip()}
    unknown = names - set(STORES)
    if unknown or not names:
        raise ValueError(f"--stores {text!r}: choose from {', '.join(STORES)}")
    return [s for s in STORES if s in names]


# ---- measuring helpers ----------------------------------------------------------------------


def memory_mb(pid: int | str = "self") -> dict[str, float]:
    """Resident and peak resident memory of a process in MiB, from ``/proc/PID/status`` (Linux)."""
    out = {"rss_mb": float("nan"), "peak_rss_mb": float("nan")}
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return out
    for line in lines:
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out["rss_mb" if key == "VmRSS" else "peak_rss_mb"] = round(int(value.split()[0]) / 1024, 1)
    return out


def folder_mb(path: Path) -> float:
    """Disk space a folder takes (allocated blocks, like ``du``), in MiB; 0 when it does not exist."""
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                pass
    return round(total / 2**20, 1)


def settings_env(settings: Settings) -> dict[str, str]:
    """Every setting as its ``CBEC_*`` variable, so a child process builds the same settings."""
    env = {}
    for f in fields(Settings):
        value = getattr(settings, f.name)
        env[PREFIX + f.name.upper()] = value.value if isinstance(value, StrEnum) else str(value)
    return env


def free_port() -> int:
    """A loopback TCP port nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ChromaServer:
    """A `chroma run` on loopback over one folder, restartable on the same port (the record
    manager and the BM25 index are keyed by host:port, so a new port would mean a new index)."""

    def __init__(self, path: Path, log: Path) -> None:
        self.path, self.log = path, log
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> None:
        exe = Path(sys.executable).with_name("chroma")
        cli = str(exe) if exe.exists() else shutil.which("chroma")
        if not cli:
            raise RuntimeError("the chroma CLI (installed with chromadb) was not found")
        self.path.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [cli, "run", "--host", "127.0.0.1", "--port", str(self.port), "--path", str(self.path)],
                stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"chroma server exited at start; see {self.log}") from None
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"chroma server did not start within {timeout:.0f} s; see {self.log}")

    def stop(self, timeout: float = 30.0) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def memory(self) -> dict[str, float]:
        return memory_mb(self.proc.pid) if self.proc else {"rss_mb": float("nan"), "peak_rss_mb": float("nan")}

    def __enter__(self) -> ChromaServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# ---- the two steps (run in child processes) --------------------------------------------------


class _CountingEmbeddings:
    """Counts the texts the model really encodes (the cache's misses), so a run that reused
    cached vectors is told apart from one that embedded everything."""

    def __init__(self, inner) -> None:
        from assistant.embedders import embedder_name

        self.inner = inner
        self.name = embedder_name(inner)
        self.texts = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.texts += len(texts)
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def ingest_step(settings: Settings, spec: dict) -> dict:
    """Ingest ``spec["corpus"]`` through `run_ingest` with the cached embedder; the model is loaded
    first so the seconds are the pipeline's, not the model's start."""
    from assistant.embedders import CachedEmbeddings, make_embedder
    from ingest.pipeline import run_ingest

    counting = _CountingEmbeddings(make_embedder(settings))
    counting.inner.embed_documents(["warm up"])
    cache = CachedEmbeddings(counting, Path(spec["cache"]))
    report = run_ingest(settings, corpus=Path(spec["corpus"]), embeddings=cache)
    return {
        "records": report.documents,
        "chunks": report.chunks,
        "failed": len(report.failed),
        "ingest_s": report.seconds,
        "embed_s": report.embed_seconds,
        "chunks_per_s": round(report.chunks / report.seconds, 1) if report.seconds else 0.0,
        "embedded_fresh": counting.texts,
        "ingest_peak_rss_mb": memory_mb()["peak_rss_mb"],
    }


def _latencies_ms(search: Callable[[str], list], questions: Sequence[str]) -> tuple[list[float], float]:
    """Milliseconds per search and the mean number of hits returned."""
    times, hits = [], 0
    for q in questions:
        t = time.perf_counter()
        hits += len(search(q))
        times.append((time.perf_counter() - t) * 1000)
    return times, hits / max(1, len(questions))


def serve_step(settings: Settings, spec: dict) -> dict:
    """Start as the product does and answer once, then time the query embedding alone, retrieval
    with the default filters and with ``spec["filter"]``; memory is read after the queries."""
    t0 = time.perf_counter()
    from assistant.chain import Assistant
    from assistant.retrieval import Filters
    from evals.metrics import percentile

    t1 = time.perf_counter()
    assistant = Assistant.from_settings(settings)
    assistant.min_relevance = 0.0  # answer, never refuse: composing is part of the first answer
    t2 = time.perf_counter()
    questions = list(spec["questions"])
    assistant.invoke(questions[0])
    t3 = time.perf_counter()
    answered_at = time.time()
    retriever, k = assistant.retriever, settings.top_k
    narrowed = Filters.parse(spec["filter"], include_superseded=settings.include_superseded)
    embedder, vectors = retriever.store.embeddings, {}

    def embed(q: str) -> list:
        vectors[q] = embedder.embed_documents([q])[0]
        return [vectors[q]]

    embedded, _ = _latencies_ms(embed, questions)
    # The index's share of a retrieve (store query, BM25, fusion), given the query's vector: what grows with size.
    index, _ = _latencies_ms(lambda q: retriever.search_many([q], k, vectors=[vectors[q]])[0], questions)
    index_f, _ = _latencies_ms(lambda q: retriever.search_many([q], k, narrowed, vectors=[vectors[q]])[0], questions)
    plain, hits = _latencies_ms(lambda q: retriever.search(q, k=k), questions)
    filtered, filtered_hits = _latencies_ms(lambda q: retriever.search(q, k=k, filters=narrowed), questions)
    return {
        "import_s": round(t1 - t0, 3),
        "load_s": round(t2 - t1, 3),
        "first_answer_s": round(t3 - t2, 3),
        "startup_s": round(t3 - t0, 3),  # in-process; the parent replaces it with spawn -> first answer
        "answered_at": answered_at,
        "queries": len(questions),
        "query_embed_p50_ms": round(percentile(embedded, 50), 2),
        "index_p50_ms": round(percentile(index, 50), 2),
        "index_p95_ms": round(percentile(index, 95), 2),
        "filtered_index_p50_ms": round(percentile(index_f, 50), 2),
        "filtered_index_p95_ms": round(percentile(index_f, 95), 2),
        "retrieve_p50_ms": round(percentile(plain, 50), 2),
        "retrieve_p95_ms": round(percentile(plain, 95), 2),
        "hits_mean": round(hits, 2),
        "filter": narrowed.describe(),
        "filter_share": round(float(retriever.bm25_index.mask_for(narrowed).mean()), 4),
        "filtered_p50_ms": round(percentile(filtered, 50), 2),
        "filtered_p95_ms": round(percentile(filtered, 95), 2),
        "filtered_hits_mean": round(filtered_hits, 2),
        "load_1m": round(os.getloadavg()[0], 2),
        **memory_mb(),
    }


STEPS: dict[str, Callable[[Settings, dict], dict]] = {"ingest": ingest_step, "serve": serve_step}


def run_in_process(mode: str, settings: Settings, spec: dict) -> dict:
    """Run a step here (tests: fast, but start-up then excludes imports and memory is the test's)."""
    return STEPS[mode](settings, spec)


def run_in_subprocess(mode: str, settings: Settings, spec: dict) -> dict:
    """Run a step in a fresh Python process configured by ``CBEC_*`` variables; start-up is timed
    from spawning it to its first answer."""
    with tempfile.TemporaryDirectory(prefix=f"cbec-growth-{mode}-") as tmp:
        spec_path, out_path = Path(tmp) / "spec.json", Path(tmp) / "out.json"
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        env = {**os.environ, **settings_env(settings)}
        started = time.time()
        proc = subprocess.run(
            [sys.executable, "-m", "evals.benchmarks.growth", mode, str(spec_path), str(out_path)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        if proc.returncode != 0:
            tail = "\n".join(proc.stderr.strip().splitlines()[-20:])
            raise RuntimeError(f"growth {mode} step failed (exit {proc.returncode}):\n{tail}")
        out = json.loads(out_path.read_text(encoding="utf-8"))
    if "answered_at" in out:
        out["startup_s"] = round(out["answered_at"] - started, 3)
    return out


# ---- one case, all cases ---------------------------------------------------------------------


@dataclass
class Row:
    """All figures of one (size, store). Times in seconds (``_s``) or milliseconds (``_ms``), memory
    and disk in MiB; ``server_*`` is the chroma server process (None for the embedded store)."""

    size: int
    store: str
    records: int
    chunks: int
    failed: int
    ingest_s: float
    embed_s: float
    chunks_per_s: float
    embedded_fresh: int
    ingest_peak_rss_mb: float
    startup_s: float
    import_s: float
    load_s: float
    first_answer_s: float
    queries: int
    query_embed_p50_ms: float
    index_p50_ms: float
    index_p95_ms: float
    filtered_index_p50_ms: float
    filtered_index_p95_ms: float
    retrieve_p50_ms: float
    retrieve_p95_ms: float
    hits_mean: float
    filter: str
    filter_share: float
    filtered_p50_ms: float
    filtered_p95_ms: float
    filtered_hits_mean: float
    rss_mb: float
    peak_rss_mb: float
    server_rss_mb: float | None
    data_mb: float
    server_mb: float | None
    disk_mb: float
    load_1m: float


def _row(size: int, store: str, ingested: dict, served: dict, disk: dict) -> Row:
    names = {f.name for f in fields(Row)}
    values = {**ingested, **served, **disk, "size": size, "store": store}
    return Row(**{k: v for k, v in values.items() if k in names})


def measure_case(
    size: int, store: str, corpus: Path, questions: Sequence[str], settings: Settings, folder: Path, runner: Runner,
) -> Row:
    """Ingest the corpus folder into a fresh store under ``folder``, then serve it in a fresh process."""
    case = settings.replace(
        data_dir=folder / "data", collection=COLLECTION, corpus_dir=corpus, max_file_mb=1e4,
        backend="extractive", chroma_host="",
    )
    ingest_spec = {"corpus": str(corpus), "cache": str(settings.data_dir / "cache" / "embeddings.sqlite")}
    serve_spec = {"questions": list(questions), "filter": list(FILTER)}
    server_mem: dict[str, float] = {}
    if store == "server":
        with ChromaServer(folder / "server", folder / "server.log") as server:
            case = case.replace(chroma_host="127.0.0.1", chroma_port=server.port)
            ingested = runner("ingest", case, ingest_spec)
            server.restart()
            served = runner("serve", case, serve_spec)
            server_mem = server.memory()
    else:
        ingested = runner("ingest", case, ingest_spec)
        served = runner("serve", case, serve_spec)
    data = folder_mb(case.data_dir)
    srv = folder_mb(folder / "server") if store == "server" else None
    disk = {
        "data_mb": data, "server_mb": srv, "disk_mb": round(data + (srv or 0.0), 1),
        "server_rss_mb": server_mem.get("rss_mb") if store == "server" else None,
    }
    return _row(size, store, ingested, served, disk)


def measure(
    records: Sequence[dict],
    questions: Sequence[str],
    settings: Settings,
    sizes: Sequence[int],
    stores: Sequence[str],
    runner: Runner = run_in_subprocess,
    seed: int = 0,
    log: Callable[[str], None] = print,
) -> list[Row]:
    """Every (size, store) case, each in a fresh temporary folder removed afterwards."""
    if not questions:
        raise ValueError("no questions to ask")
    rows = []
    for size in sizes:
        t = time.perf_counter()
        corpus_records = grow(records, size, seed)
        log(f"size {size}: corpus of {len(corpus_records)} records built in {time.perf_counter() - t:.1f} s")
        with tempfile.TemporaryDirectory(prefix=f"cbec-growth-{size}-") as tmp:
            corpus = write_corpus(corpus_records, Path(tmp) / "corpus")
            del corpus_records
            for store in stores:
                t = time.perf_counter()
                row = measure_case(size, store, corpus, questions, settings, Path(tmp) / store, runner)
                shutil.rmtree(Path(tmp) / store, ignore_errors=True)
                log(f"size {size} {store}: {row.chunks} chunks, ingest {row.ingest_s:.1f} s, start-up {row.startup_s:.1f} s, "
                    f"retrieve p50 {row.retrieve_p50_ms:.1f} ms ({time.perf_counter() - t:.0f} s in all)")
                rows.append(row)
    return rows


# ---- output ----------------------------------------------------------------------------------

COLUMNS = (
    ("size", "size", "{:d}"), ("store", "store", "{}"), ("chunks", "chunks", "{:d}"),
    ("ingest_s", "ingest s", "{:.1f}"), ("chunks_per_s", "chunks/s", "{:.0f}"), ("embedded_fresh", "fresh", "{:d}"),
    ("startup_s", "start s", "{:.2f}"), ("retrieve_p50_ms", "p50 ms", "{:.1f}"), ("retrieve_p95_ms", "p95 ms", "{:.1f}"),
    ("filtered_p50_ms", "filt p50", "{:.1f}"), ("filtered_p95_ms", "filt p95", "{:.1f}"),
    ("query_embed_p50_ms", "emb p50", "{:.1f}"), ("index_p50_ms", "idx p50", "{:.1f}"),
    ("filtered_index_p50_ms", "f.idx p50", "{:.1f}"), ("rss_mb", "RSS MB", "{:.0f}"), ("server_rss_mb", "srv MB", "{:.0f}"),
    ("disk_mb", "disk MB", "{:.1f}"), ("load_1m", "load", "{:.1f}"),
)


def format_table(rows: Sequence[Row]) -> str:
    """A fixed-width table, one line per (size, store); ``-`` where a figure does not apply."""
    cells = [[head for _, head, _ in COLUMNS]]
    for r in rows:
        cells.append(["-" if getattr(r, key) is None else fmt.format(getattr(r, key)) for key, _, fmt in COLUMNS])
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(c.ljust(w) if i == 1 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths, strict=True)))
        for line in cells
    )


def stem(sizes: Sequence[int]) -> str:
    """``growth-1k-10k``: results of different size sets do not overwrite each other."""
    return "growth-" + "-".join(f"{s // 1000}k" if s % 1000 == 0 else str(s) for s in sorted(sizes))


def plot(rows: Sequence[Row], path: Path) -> Path:
    """Retrieve p50/p95 (default filters and filtered) and serving memory against size, log x.

    Built on a bare `Figure` with the Agg canvas: no pyplot state, no display needed.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(15, 4.6))
    FigureCanvasAgg(fig)
    ax_plain, ax_filt, ax_mem = fig.subplots(1, 3)
    colours = {"embedded": "tab:blue", "server": "tab:orange"}
    for store in STORES:
        rs = sorted((r for r in rows if r.store == store), key=lambda r: r.size)
        if not rs:
            continue
        x, c = [r.size for r in rs], colours[store]
        for ax, p50, p95, idx in ((ax_plain, "retrieve_p50_ms", "retrieve_p95_ms", "index_p50_ms"),
                                  (ax_filt, "filtered_p50_ms", "filtered_p95_ms", "filtered_index_p50_ms")):
            ax.plot(x, [getattr(r, p50) for r in rs], "o-", color=c, label=f"{store} p50")
            ax.plot(x, [getattr(r, p95) for r in rs], "s--", color=c, label=f"{store} p95")
            ax.plot(x, [getattr(r, idx) for r in rs], "^:", color=c, label=f"{store} p50 without query embedding")
        ax_mem.plot(x, [r.rss_mb for r in rs], "o-", color=c, label=f"{store}: serving process")
        if store == "server":
            ax_mem.plot(x, [r.rss_mb + (r.server_rss_mb or 0.0) for r in rs], "^:", color=c,
                        label="server: serving + chroma server")
    filt = rows[0].filter if rows else ""
    for ax, title, unit in ((ax_plain, "retrieve, default filters", "ms"), (ax_filt, f"retrieve, {filt}", "ms"),
                            (ax_mem, "resident memory after the queries", "MiB")):
        ax.set_xscale("log")
        if unit == "ms":  # p50 and p95 differ by an order of magnitude on a busy machine
            ax.set_yscale("log")
        ax.set_xlabel("passages in the index")
        ax.set_ylabel(unit)
        ax.set_title(title)
        if unit != "ms":
            ax.set_ylim(bottom=0)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return path


def write_outputs(rows: Sequence[Row], meta: dict, out: Path) -> dict[str, Path]:
    """``<stem>.json`` (meta and one object per row) and ``<stem>.png`` in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    name = stem(meta.get("sizes") or sorted({r.size for r in rows}))
    json_path = out / f"{name}.json"
    json_path.write_text(json.dumps({"meta": meta, "rows": [asdict(r) for r in rows]}, indent=2) + "\n", encoding="utf-8")
    return {"json": json_path, "png": plot(rows, out / f"{name}.png")}


def run(docs: Path, questions_file: Path, sizes: str, stores: str, out: Path, n_queries: int, settings: Settings) -> int:
    """The ``python -m evals growth`` command: measure, write JSON and PNG, print the table."""
    from importlib.metadata import version

    from evals.benchmarks.obliqa import load_passages, load_questions

    try:
        size_list, store_list = parse_sizes(sizes), parse_stores(stores)
    except ValueError as exc:
        print(f"growth: {exc}", file=sys.stderr)
        return 2
    records = label_doc_types(load_passages(docs))
    questions = [q["question"] for q in load_questions(questions_file)][:n_queries]
    base = len(base_records(records))
    print(f"growth: {base} ObliQA passages with text, sizes {size_list}, stores {store_list}, "
          f"{len(questions)} questions", flush=True)
    meta = {
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "sizes": size_list, "stores": store_list, "n_queries": len(questions), "filter": list(FILTER),
        "base_passages": base, "seed": 0, "embedder": settings.embedder, "top_k": settings.top_k,
        "candidates": settings.candidates, "chromadb": version("chromadb"), "cpus": os.cpu_count(),
        "load_avg_start": [round(x, 2) for x in os.getloadavg()],
    }
    rows = measure(records, questions, settings, size_list, store_list, log=lambda m: print(m, flush=True))
    meta.update(finished=dt.datetime.now().isoformat(timespec="seconds"),
                load_avg_end=[round(x, 2) for x in os.getloadavg()])
    paths = write_outputs(rows, meta, out)
    print()
    print(format_table(rows))
    if rows:
        shares = [r.filter_share for r in rows]
        print(f"\nfiltered = {rows[0].filter}: {min(shares):.1%}-{max(shares):.1%} of the chunks")
    print(f"json: {paths['json']}\nplot: {paths['png']}")
    return 0


def _main(argv: list[str]) -> int:
    """Child process entry: ``ingest|serve SPEC.json OUT.json``, settings from ``CBEC_*``."""
    mode, spec_path, out_path = argv
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    result = STEPS[mode](Settings.from_env(), spec)
    Path(out_path).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
