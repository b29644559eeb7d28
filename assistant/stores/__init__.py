"""Storage roles: the vector store (`chroma`), what the index holds (`catalog`), the shared state
database (`shared`: record manager, feedback and workspace records through one SQLAlchemy URL) and
the workspace upload records other processes read (`workspaces`)."""
