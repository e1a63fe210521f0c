"""The stats domain: endpoints → service → repository."""
