"""Evaluation: reference Q&A over the chain, and retrieval benchmarks on any JSONL corpus or ObliQA."""
