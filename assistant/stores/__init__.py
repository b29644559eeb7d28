"""Storage roles: the vector store (`chroma`) and what the index holds (`catalog`)."""
