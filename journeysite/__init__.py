"""journeysite: a validated customer-success handbook for MkDocs."""
