"""calculus claims (catalog section 2), one module per subject."""
