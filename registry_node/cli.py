"""`registry-node`: serve the API, run the indexer as its own process, migrate the database.

The signing half adds its commands (`tokens create ...`) through
`registry_node.tx.cli.register_tx_commands(subparsers)`, imported here when it exists. Each
sub-parser sets `func` (a callable taking the parsed args and returning an exit code).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from registry_node.config import Settings


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from registry_node.app import create_app

    overrides = {"run_indexer": False} if args.no_indexer else {}
    settings = Settings(**overrides)  # type: ignore[arg-type]
    uvicorn.run(
        create_app(settings), host=args.host, port=args.port, workers=1, log_level=args.log_level
    )
    return 0


def _index(args: argparse.Namespace) -> int:
    from registry_node import migrate
    from registry_node.db import make_engine
    from registry_node.errors import IndexerHalted
    from registry_node.indexer.scanner import Scanner
    from registry_node.metrics import NodeMetrics

    settings = Settings()
    engine = make_engine(settings)
    if settings.migrate_on_startup:
        migrate.upgrade(engine)
    scanner = Scanner.from_settings(settings, engine, NodeMetrics())
    stop = threading.Event()

    def _stop(_sig: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        if args.once:
            scanner.sync()
        else:
            scanner.run(stop)
    except IndexerHalted as exc:
        logging.getLogger("registry_node.indexer").error("indexer halted: %s", exc)
        return 3
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from registry_node import migrate
    from registry_node.db import make_engine

    engine = make_engine(Settings())
    if args.downgrade:
        migrate.downgrade(engine, args.revision)
    else:
        migrate.upgrade(engine, args.revision)
    return 0


def _rebuild(args: argparse.Namespace) -> int:
    from registry_node import migrate
    from registry_node.db import make_engine
    from registry_node.errors import IndexerHalted
    from registry_node.indexer import cursor
    from registry_node.indexer.scanner import Scanner
    from registry_node.metrics import NodeMetrics

    settings = Settings()
    engine = make_engine(settings)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        cursor.reset_index(conn)
    try:
        applied = Scanner.from_settings(settings, engine, NodeMetrics()).sync()
    except IndexerHalted as exc:
        logging.getLogger("registry_node.indexer").error("indexer halted: %s", exc)
        return 3
    print(f"index rebuilt from the deployment block: {applied} logs applied")
    return 0


def _sweep_expired(args: argparse.Namespace) -> int:
    from registry_node.db import make_engine, make_session_factory
    from registry_node.errors import RegistryError
    from registry_node.points.sweep import OP, ExpirySweep
    from registry_node.tx.auth import Principal
    from registry_node.tx.builder import build_service

    settings = Settings()
    service = build_service(settings, make_session_factory(make_engine(settings)))
    if service is None:
        print("no deployment manifest: nothing to sweep", file=sys.stderr)
        return 2
    try:
        keys = [k for k in service.keyring.all() if k.allows(OP)]
        key = service.keyring.get(args.key) if args.key else (keys[0] if keys else None)
        if key is None or not key.allows(OP):
            print(f"no signing key that may sign {OP} (--key)", file=sys.stderr)
            return 2
        principal = Principal(
            token_id="cli",  # noqa: S106 - an id for the request records, not a secret
            name="registry-node sweep-expired",
            key_name=key.name,
            ops=frozenset({OP}),
        )
        report = ExpirySweep(service).run(principal, dry_run=args.dry_run)
    except RegistryError as exc:
        print(f"{exc.code}: {exc.detail}", file=sys.stderr)
        return 1
    finally:
        service.close()
    print(report.model_dump_json(indent=2))
    failed = [c for c in report.chunks if c.status not in ("mined", "planned")]
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every sub-command (signing half included if present)."""
    parser = argparse.ArgumentParser(
        prog="registry-node", description="Registry node: chain indexer, query API, signing."
    )
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning"])
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the HTTP API (indexer in-process by default)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-indexer", action="store_true", help="run `index` separately")
    serve.set_defaults(func=_serve)

    index = sub.add_parser("index", help="run the chain indexer as its own process")
    index.add_argument("--once", action="store_true", help="catch up to the head, then exit")
    index.set_defaults(func=_index)

    mig = sub.add_parser("migrate", help="apply Alembic migrations (default: to head)")
    mig.add_argument("--revision", default="head")
    mig.add_argument("--downgrade", action="store_true")
    mig.set_defaults(func=_migrate)

    rebuild = sub.add_parser(
        "rebuild-index", help="empty the index and re-read the chain from the deployment block"
    )
    rebuild.set_defaults(func=_rebuild)

    sweep = sub.add_parser(
        "sweep-expired",
        help="cancel expired personal points (cancel_expired, ≤200 holders per transaction)",
    )
    sweep.add_argument("--key", help="signing key (default: the first allowed to cancel_expired)")
    sweep.add_argument("--dry-run", action="store_true", help="report only, send nothing")
    sweep.set_defaults(func=_sweep_expired)

    # ---- signing half: registry_node/tx/cli.py provides register_tx_commands(subparsers) ----
    try:
        tx_cli = importlib.import_module("registry_node.tx.cli")
    except ModuleNotFoundError as exc:
        if exc.name not in ("registry_node.tx", "registry_node.tx.cli"):
            raise
    else:
        tx_cli.register_tx_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `registry-node` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
