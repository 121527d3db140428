"""linear algebra claims (catalog section 1), one module per subject."""
