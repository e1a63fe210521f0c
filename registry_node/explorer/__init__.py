"""The public registry explorer: server-rendered pages (Chinese, English toggle) and CSV exports.

Pages read through the domain services; the only SQL here is the explorer's own lookup of a
transaction's logs (`repository.py`).
"""
