"""The report domain: endpoints → service → repository."""
