"""The claim domain: endpoints → service → repository."""
