"""The batch domain: endpoints → service → repository."""
