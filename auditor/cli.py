"""`auditor`: audit the registry from the chain alone, or prove one participant's allocation.

Exit codes: 0 clean, 1 findings, 2 could not run (the reason is printed).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from auditor.audit import AuditError, connect, deployment_from_addresses, run_audit
from auditor.participant import prove_allocation
from auditor.replay import stderr_progress
from auditor.report import build_report, terminal_summary, write_reports
from auditor.sources import DatasetSource
from carbon_chain.manifest import Deployment

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rpc", required=True, help="JSON-RPC URL of any node of the chain")
    parser.add_argument("--manifest", type=Path, help="deployment manifest (JSON)")
    parser.add_argument("--registry", help="CarbonRegistry address (instead of --manifest)")
    parser.add_argument("--ledger", help="CarbonLedger address (instead of --manifest)")
    parser.add_argument("--market", help="CarbonMarket address (instead of --manifest)")
    parser.add_argument(
        "--deploy-block", type=int, default=0, help="first block to replay without a manifest"
    )
    parser.add_argument(
        "--datasets", required=True, help="folder or HTTP base URL of the published datasets"
    )
    parser.add_argument("--block", type=int, help="audited block (default: the chain head)")


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(prog="auditor", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    audit = sub.add_parser("audit", help="replay and check the whole ledger (the default)")
    _common(audit)
    audit.add_argument("--out", type=Path, default=Path("audit"), help="report folder")
    audit.add_argument("--node", help="registry node base URL to cross-check against the chain")
    audit.add_argument("--quiet", action="store_true", help="no progress on stderr")
    part = sub.add_parser("participant", help="prove one account's allocation in a batch")
    _common(part)
    part.add_argument("--account", required=True, help="carbon-account address")
    part.add_argument("--batch", type=int, required=True, help="batch (ERC-1155 id)")
    return parser


def _deployment(args: argparse.Namespace) -> Deployment:
    w3 = connect(args.rpc)
    if args.manifest is not None:
        try:
            return Deployment.load(args.manifest)
        except (OSError, ValueError) as exc:
            raise AuditError(f"cannot read manifest {args.manifest}: {exc}") from exc
    if args.registry and args.ledger and args.market:
        return deployment_from_addresses(
            w3, args.registry, args.ledger, args.market, args.deploy_block
        )
    raise AuditError("give --manifest, or all of --registry, --ledger and --market")


def _audit(args: argparse.Namespace) -> int:
    progress = None if args.quiet else stderr_progress
    w3 = connect(args.rpc)
    deployment = _deployment(args)
    source = DatasetSource(args.datasets)
    outcome = run_audit(w3, deployment, source, args.block, progress, args.node)
    report = build_report(outcome)
    json_path, html_path = write_reports(report, args.out)
    print(terminal_summary(report))
    print(f"Reports: {json_path} {html_path}")
    return EXIT_CLEAN if outcome.clean else EXIT_FINDINGS


def _participant(args: argparse.Namespace) -> int:
    w3 = connect(args.rpc)
    doc = prove_allocation(
        w3, _deployment(args), DatasetSource(args.datasets), args.account, args.batch, args.block
    )
    print(json.dumps(doc, indent=2, sort_keys=True))
    return EXIT_CLEAN if doc["proven"] else EXIT_FINDINGS


def main(argv: list[str] | None = None) -> int:
    """Run the auditor; return (and exit with) 0 clean, 1 findings, 2 could not run."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in ("audit", "participant", "-h", "--help"):
        argv.insert(0, "audit")
    args = build_parser().parse_args(argv)
    try:
        code = _participant(args) if args.command == "participant" else _audit(args)
    except AuditError as exc:
        print(f"auditor: could not run: {exc}", file=sys.stderr)
        code = EXIT_ERROR
    return code


if __name__ == "__main__":
    sys.exit(main())
