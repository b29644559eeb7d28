"""Ingest: corpus files -> loaded documents -> structure-aware chunks -> Chroma (+ BM25).

`python -m ingest` runs it; `ingest.pipeline.run_ingest` is the library entry point.
"""
