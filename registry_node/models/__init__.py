"""Tables of the node. Index tables live in `index`; the signing half adds its own module.

Import this package (not the modules) so `Base.metadata` knows every table.
"""

from __future__ import annotations

import importlib

from registry_node.models import index as index

# The signing service's tables (registry_node/tx/models.py, owned by the tx half) join the
# metadata when present, so Alembic and tests see every table.
try:
    importlib.import_module("registry_node.tx.models")
except ModuleNotFoundError as exc:  # pragma: no cover - depends on the other half's progress
    if exc.name not in ("registry_node.tx", "registry_node.tx.models"):
        raise
