"""Citations: checking and renumbering ``[n]`` markers (`check`), and locating the sentence a
passage contributed (`align`)."""

from assistant.citations.check import Citation, CitationCheck, check, citation_from, currency_note, renumber

__all__ = ["Citation", "CitationCheck", "check", "citation_from", "currency_note", "renumber"]
