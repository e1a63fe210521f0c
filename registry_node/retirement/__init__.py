"""The retirement domain: endpoints → service → repository."""
