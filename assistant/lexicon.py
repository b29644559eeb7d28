"""The bilingual lexicon: Chinese questions segmented and turned into the corpus's English words.

The corpus is written in English and the bundled embedder is English-only, so a Chinese question is
cut into words with jieba (its user dictionary holds every Chinese term of the lexicon, so
"海关知识产权备案" stays one word), each word found in the lexicon is replaced by the English words
the corpus uses, and that English query is what both retrieval arms search. The matches are kept to
show the user ("担保 → guarantee"). The lexicon is data: ``corpus/lexicon/zh_en.tsv``.
"""

from __future__ import annotations

import csv
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

LEXICON_FILE = Path("lexicon") / "zh_en.tsv"  # under the corpus folder
KINDS = ("term", "mode", "instrument", "party", "action", "colloquial")
# Function words and question words that carry no topic (kept out of matching and coverage).
ZH_STOP = frozenset(
    "的 了 吗 呢 吧 啊 呀 我 我们 你 你们 他 她 它 是 有 在 和 与 或 就 都 也 还 要 会 能 可以 可不可以 能不能 "
    "怎么 怎么办 怎样 如何 什么 哪些 哪个 多少 几 为什么 吗？ 请问 一下 这个 那个 这 那 个 把 被 给 对 到 从 "
    "如果 但是 然后 现在 已经 一个 一些 没有 不 没 啥 咋 嘛 哦 呗 该 应该 需要 需不需要 "
    "是不是 有没有 走 去 说 自己 一般 大概 到底 还是 或者 这样 那样 这种 那种 怎么样 会怎样 会怎么样 怎么回事 要不要 不要 用不用 会不会 算不算 行不行".split()
)
_ASCII = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-']*")
_CJK = re.compile(r"[\u3400-\u9fff]")


class LexiconError(ValueError):
    """The lexicon file is malformed; the message names the line."""


@dataclass(frozen=True)
class Entry:
    zh: str
    en: str
    kind: str


@dataclass
class Translation:
    """A Chinese question in the corpus's English words, with what matched."""

    english: str
    tokens: list[str]
    matches: list[tuple[str, str]] = field(default_factory=list)  # (Chinese term, English words)


def load_entries(path: Path) -> list[Entry]:
    """Every row of the TSV lexicon (``zh``, ``en``, ``kind``); a bad row raises `LexiconError`."""
    if not path.exists():
        return []
    entries: list[Entry] = []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header != ["zh", "en", "kind"]:
            raise LexiconError(f"{path.name}: the first line must be the header 'zh<TAB>en<TAB>kind'")
        for n, row in enumerate(reader, 2):
            if not row or not "".join(row).strip():
                continue
            if len(row) != 3 or not row[0].strip() or not row[1].strip():
                raise LexiconError(f"{path.name}:{n}: expected 3 tab-separated fields (zh, en, kind)")
            if row[2].strip() not in KINDS:
                raise LexiconError(f"{path.name}:{n}: kind {row[2]!r} is not one of {', '.join(KINDS)}")
            entries.append(Entry(row[0].strip(), row[1].strip(), row[2].strip()))
    return entries


def _inside(term: str, text: str) -> bool:
    """``term`` occurs in ``text`` and, when it starts with a digit, not as the tail of a longer number."""
    if not term[0].isdigit():
        return term in text
    return re.search(r"(?<!\d)" + re.escape(term), text) is not None


class Lexicon:
    """Segmentation and translation of Chinese questions (jieba loads lazily, once)."""

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.by_zh = {e.zh.strip("《》"): e for e in entries}
        # Longest terms first, so "海关知识产权备案" wins over "备案" inside an unsegmented run.
        self._terms = sorted(self.by_zh, key=len, reverse=True)
        self._tokenizer = None
        self._lock = threading.Lock()

    @classmethod
    def load(cls, corpus_dir: Path) -> Lexicon:
        return cls(load_entries(corpus_dir / LEXICON_FILE))

    @property
    def tokenizer(self):
        with self._lock:
            if self._tokenizer is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                for term in self._terms:
                    if _CJK.search(term):
                        tk.add_word(term, freq=200000)  # the user dictionary wins over default cuts
                self._tokenizer = tk
        return self._tokenizer

    def warm(self) -> None:
        self.tokenizer.lcut("海关")

    def segment(self, text: str) -> list[str]:
        """Words of a Chinese (or mixed) text: Chinese words, codes and English words; no punctuation."""
        out: list[str] = []
        prev = ""
        # No HMM guessing of unknown words: it glues a topic character to its neighbour (货是, 要罚,
        # 货会), which then matches nothing; without it they stay single characters.
        for tok in self.tokenizer.lcut(text, HMM=False):
            tok = tok.strip()
            # A number is one word: "25000元" must not read as "2" + the lexicon's "5000元".
            if tok and tok[0].isdigit() and prev[-1:].isdigit() and out and out[-1] == prev:
                out[-1] = prev = prev + tok
                continue
            prev = tok
            if tok and (_CJK.search(tok) or _ASCII.fullmatch(tok)):
                out.append(tok)
        return out

    def content_tokens(self, text: str) -> list[str]:
        """The words that carry the topic (no function or question words).

        A single Chinese character the lexicon does not know (又, 新, 跟, 内) is grammar, not topic:
        the segmenter only leaves such characters alone when no dictionary word covers them, and
        the topic's single characters (扣, 货, 税) are lexicon entries.
        """
        return [t for t in self.segment(text)
                if t not in ZH_STOP and (len(t) > 1 or t in self.by_zh or not _CJK.search(t))]

    def translate(self, text: str) -> Translation:
        """The corpus's English words for a Chinese question (ASCII words and codes kept as they are)."""
        tokens = self.segment(text)
        english: list[str] = []
        matches: list[tuple[str, str]] = []
        for tok in tokens:
            if _ASCII.fullmatch(tok):
                english.append(tok)
                continue
            entry = self.by_zh.get(tok)
            if entry:
                english.append(entry.en)
                matches.append((tok, entry.en))
                continue
            # A run the segmenter did not split along lexicon terms: find the terms inside it.
            rest = tok
            for term in self._terms:
                if len(term) > 1 and _CJK.search(term) and _inside(term, rest):
                    e = self.by_zh[term]
                    english.append(e.en)
                    matches.append((term, e.en))
                    rest = rest.replace(term, " ")
        return Translation(" ".join(english), tokens, matches)

    def chinese_name(self, *english: str) -> str:
        """The official Chinese name of an instrument named in ``english`` (title, instrument), if known."""
        # The instrument named first (a title's own instrument, not one it is "read with"), and of
        # those starting there, the longest name.
        hay = " ".join(english).lower()
        best: tuple[int, int, str] | None = None
        for e in self.entries:
            if e.kind != "instrument":
                continue
            at = hay.find(e.en.lower())
            if at >= 0 and (best is None or (at, -len(e.en)) < best[:2]):
                best = (at, -len(e.en), e.zh)
        return best[2] if best else ""
