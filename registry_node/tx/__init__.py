"""Signing service: build, simulate, sign, send and track the registry's transactions.

Layout: ``ops`` (what may be signed), ``keys`` (who signs), ``auth`` (API tokens), ``nonce``
(per-account nonce allocation), ``rpc`` (JSON-RPC with bounded retry), ``send`` (broadcast and
receipts), ``service`` (the request flow), ``repository`` (SQL), ``router`` (HTTP), ``cli``.
"""
