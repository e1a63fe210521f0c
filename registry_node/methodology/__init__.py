"""The methodology domain: endpoints → service → repository."""
