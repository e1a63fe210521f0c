"""Imports from partner platforms (互联互通): the index's view and the signing-side checks."""
