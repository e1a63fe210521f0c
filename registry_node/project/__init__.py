"""The project domain: endpoints → service → repository."""
