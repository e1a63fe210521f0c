"""``oracle`` command line: ingest, compute, publish, verify, submit, status, run, serve.

Settings come from ``ORACLE_*`` environment variables (see ``oracle.config``). Every failure is
a typed ``OracleError`` printed as one line on stderr with its exit code; nothing prints a key,
a salt or a partner's user id.
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from web3 import Web3

from carbon_chain.chain import Registry
from carbon_chain.manifest import Deployment
from carbon_chain.signer import LocalSigner, SignerError
from oracle.attest import dump_json, load_request, sign_request
from oracle.config import OracleSettings
from oracle.crash import crash_point
from oracle.errors import ConfigError, OracleError
from oracle.service import Oracle
from oracle.store import Store
from oracle.submit import ChainGateway
from oracle.verify import index_inputs, verify_published

EXIT_SIGNER = 2


def build_oracle(settings: OracleSettings, *, chain: bool = True, key: bool = False) -> Oracle:
    """Assemble the service from settings.

    Args:
        settings: The oracle's settings.
        chain: Connect to the JSON-RPC endpoint.
        key: Load the oracle's transaction key from its keystore.

    Raises:
        ConfigError: the manifest or keystore is missing.
    """
    try:
        deployment = Deployment.load(settings.manifest)
    except FileNotFoundError:
        raise ConfigError(f"deployment manifest {settings.manifest} not found") from None
    gateway = None
    if chain:
        w3 = Web3(Web3.HTTPProvider(settings.rpc_url, request_kwargs={"timeout": 30}))
        gateway = ChainGateway(
            Registry.of(w3, deployment),
            retries=settings.rpc_retries,
            backoff=settings.rpc_backoff_seconds,
        )
    signer = None
    if key:
        if settings.keystore is None:
            raise ConfigError("ORACLE_KEYSTORE is not set (the oracle's encrypted key)")
        signer = LocalSigner.from_keystore_env(settings.keystore, settings.keystore_password_env)
    return Oracle(settings, Store(settings.database_url), deployment, gateway, signer)


def parse_time(text: str) -> int:
    """Parse unix seconds or an ISO 8601 date/time (UTC if no offset is given)."""
    if text.isdigit():
        return int(text)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oracle", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("project", help="add a project the oracle reports for (read from chain)")
    p.add_argument("project_id", type=int)
    p.add_argument("--methodology", help="code, when not connected to a chain")
    p.add_argument("--version", type=int, help="methodology version, when offline")
    p.add_argument("--offline", action="store_true", help="do not read the chain")

    p = sub.add_parser(
        "enroll", help="link partner user ids to carbon accounts (CSV user_id,account)"
    )
    p.add_argument("file", type=Path)
    p.add_argument("--source", required=True, help="partner name")

    p = sub.add_parser("open", help="open (or find) the run of a project's monitoring period")
    _period_args(p)

    p = sub.add_parser("ingest", help="ingest CSV/JSONL files into an open run")
    p.add_argument("--run", type=int, required=True)
    p.add_argument("--feed", required=True)
    p.add_argument("--source", help="partner name (default: the feed name)")
    p.add_argument("files", type=Path, nargs="+")

    for name, text in (
        ("compute", "fix allocations and the Merkle root"),
        ("publish", "write the dataset folder and the signing request"),
        ("submit", "submit the signed report on chain (idempotent)"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("--run", type=int, required=True)

    p = sub.add_parser("status", help="show a run's state and counts")
    p.add_argument("--run", type=int, required=True)
    p.add_argument("--quarantine", action="store_true", help="also list quarantined lines")

    p = sub.add_parser("proof", help="print an account's Merkle proof in a computed run")
    p.add_argument("--run", type=int, required=True)
    p.add_argument("--account", required=True)

    p = sub.add_parser("verify", help="(verification body) recompute a dataset and sign it")
    p.add_argument("--request", type=Path, required=True, help="request.json from the oracle")
    p.add_argument("--inputs", type=Path, nargs="+", required=True, help="input files/folders")
    p.add_argument("--published-dir", type=Path, help="dataset root (default: settings)")
    p.add_argument("--keystore", type=Path, required=True, help="verifier's encrypted keystore")
    p.add_argument("--password-env", default="VERIFIER_KEYSTORE_PASSWORD")
    p.add_argument("--out", type=Path, help="signature folder (default: the request's folder)")

    p = sub.add_parser("run", help="the whole pipeline for one period")
    _period_args(p)
    p.add_argument("--feed", required=True)
    p.add_argument("--source")
    p.add_argument("files", type=Path, nargs="+")
    p.add_argument(
        "--sign-with",
        type=Path,
        action="append",
        default=[],
        help="verifier keystore to verify and sign with locally (repeat; dev/test)",
    )
    p.add_argument("--password-env", default="VERIFIER_KEYSTORE_PASSWORD")

    p = sub.add_parser("serve", help="serve the authenticated HTTP push API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8600)
    return parser


def _period_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--project", type=int, required=True)
    p.add_argument("--start", type=parse_time, required=True, help="unix s or ISO (inclusive)")
    p.add_argument("--end", type=parse_time, required=True, help="unix s or ISO (exclusive)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        result = _dispatch(args, OracleSettings())
    except OracleError as error:
        print(f"oracle {args.command}: {error}", file=sys.stderr)
        return error.exit_code
    except SignerError as error:
        print(f"oracle {args.command}: {error}", file=sys.stderr)
        return EXIT_SIGNER
    if result is not None:
        print(dump_json(result))
    return 0


def _dispatch(args: argparse.Namespace, settings: OracleSettings) -> object:
    command = args.command
    if command == "verify":
        return _verify(args, settings)
    if command == "serve":
        return _serve(args, settings)
    needs_chain = command in ("project", "publish", "submit", "run") and not getattr(
        args, "offline", False
    )
    oracle = build_oracle(settings, chain=needs_chain, key=command in ("submit", "run"))
    if command == "project":
        oracle.add_project(args.project_id, args.methodology, args.version)
        return {"project_id": args.project_id}
    if command == "enroll":
        text = args.file.read_text(encoding="utf-8")
        links = [(row["user_id"], row["account"]) for row in csv.DictReader(io.StringIO(text))]
        return {"enrolled": oracle.enroll(args.source, links), "rows": len(links)}
    if command == "open":
        return {"run_id": oracle.open_run(args.project, args.start, args.end)}
    if command == "ingest":
        return [
            oracle.ingest_file(args.run, args.feed, f, args.source).as_dict() for f in args.files
        ]
    if command == "compute":
        oracle.compute(args.run)
        return oracle.status(args.run)
    if command == "publish":
        folder = oracle.publish(args.run)
        return {"published": str(folder), "request": str(oracle.request_path(args.run))}
    if command == "submit":
        return {"report_id": oracle.submit(args.run)}
    if command == "status":
        status = oracle.status(args.run)
        if args.quarantine:
            status["quarantine"] = oracle.quarantine(args.run)
        return status
    if command == "proof":
        return oracle.proof(args.run, args.account)
    if command == "run":
        return _run(oracle, args, settings)
    raise ConfigError(f"unknown command {command}")  # pragma: no cover


def _verify(args: argparse.Namespace, settings: OracleSettings) -> object:
    request = load_request(args.request)
    dataset = verify_published(
        request, args.published_dir or settings.publish_dir, index_inputs(args.inputs)
    )
    signer = LocalSigner.from_keystore_env(args.keystore, args.password_env)
    path = sign_request(request, signer, args.out or args.request.parent)
    return {
        "verified": request.evidence_hash,
        "quantity_grams": dataset.quantity,
        "allocations": len(dataset.allocations),
        "signer": signer.address,
        "signature": str(path),
    }


def _run(oracle: Oracle, args: argparse.Namespace, settings: OracleSettings) -> object:
    run_id = oracle.open_run(args.project, args.start, args.end)
    summaries = [
        oracle.ingest_file(run_id, args.feed, f, args.source).as_dict() for f in args.files
    ]
    oracle.compute(run_id)
    oracle.publish(run_id)
    request_path = oracle.request_path(run_id)
    for keystore in args.sign_with:
        request = load_request(request_path)
        verify_published(request, settings.publish_dir, index_inputs(args.files))
        signer = LocalSigner.from_keystore_env(keystore, args.password_env)
        sign_request(request, signer, request_path.parent)
    if args.sign_with:
        crash_point("signed")
    report_id = oracle.submit(run_id)
    return {
        "run_id": run_id,
        "ingested": summaries,
        "report_id": report_id,
        "status": oracle.status(run_id),
    }


def _serve(args: argparse.Namespace, settings: OracleSettings) -> object:
    import uvicorn

    from oracle.sources.push import create_app

    oracle = build_oracle(settings, chain=False)
    uvicorn.run(create_app(oracle), host=args.host, port=args.port)
    return None


if __name__ == "__main__":
    sys.exit(main())
