"""The claims of the seed notes, one module per topic (the first segment of each claim id)."""
