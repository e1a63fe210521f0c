"""ASGI entry point for process managers: `uvicorn registry_node.asgi:app --workers N`.

Settings come from the environment (REGISTRY_NODE_*). With several workers, run the indexer
as its own process (`registry-node index`) and set REGISTRY_NODE_RUN_INDEXER=false.
"""

from __future__ import annotations

from registry_node.app import create_app

app = create_app()
