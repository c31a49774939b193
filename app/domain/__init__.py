"""Pure domain layer of QiSu: vocabularies, identifiers and errors (standard library only)."""
