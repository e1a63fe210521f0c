"""The account domain: endpoints → service → repository."""
