"""probability claims (catalog section 3), one module per subject."""
