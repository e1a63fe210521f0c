"""The event domain: endpoints → service → repository."""
