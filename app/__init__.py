"""UI helpers of the web chat (rendering only; every decision is a call into assistant/ or ingest/)."""
