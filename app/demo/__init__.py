"""Demo data, out of the core: the seeded units, enterprises, users and knowledge articles
(`data`, `knowledge`, loaded by `seed`), the live demo cases played through the real use cases
(`cases`, `flask qisu demo-cases`) and the synthetic statistical history of the insight pages
(`history`, `history_model`, `history_texts`, `flask qisu generate-history`)."""
