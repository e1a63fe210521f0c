"""`registry-node tokens ...`, `registry-node keys ...`, `registry-node tx ...` commands."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from typing import Any

from registry_node.config import Settings


def _sessions(settings: Settings) -> Any:
    from registry_node import migrate
    from registry_node.db import make_engine, make_session_factory

    engine = make_engine(settings)
    if settings.migrate_on_startup:
        migrate.upgrade(engine)
    return make_session_factory(engine)


def _when(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _tokens_create(args: argparse.Namespace) -> int:
    from registry_node.tx.auth import TokenError, check_grant, create_token, parse_ops

    settings = Settings()
    try:
        ops = frozenset() if args.read_only else parse_ops(args.ops or "")
        if not args.read_only and not ops:
            raise TokenError("give --ops (comma-separated) or --read-only")
        check_grant(args.key, ops, settings.signing_keys)
    except TokenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    expires = args.expires_days * 86400 if args.expires_days else None
    sessions = _sessions(settings)
    with sessions() as session, session.begin():
        token, row = create_token(session, args.name, args.key, ops, expires)
    print(token)
    scope = ",".join(sorted(ops)) or "read-only"
    print(
        f"token {row.id} for {row.name!r}: key={row.key_name or '-'} ops={scope} "
        f"expires={_when(row.expires_at)} (shown once; store it now)",
        file=sys.stderr,
    )
    return 0


def _tokens_list(args: argparse.Namespace) -> int:
    from registry_node.tx import repository as repo

    sessions = _sessions(Settings())
    with sessions() as session:
        rows = repo.list_tokens(session)
    for row in rows:
        state = "revoked" if row.revoked_at else "active"
        print(
            f"{row.id}  {row.name:<20} key={row.key_name or '-':<12} ops={row.ops or 'read-only'}"
            f"  created={_when(row.created_at)} expires={_when(row.expires_at)} {state}"
        )
    return 0


def _tokens_revoke(args: argparse.Namespace) -> int:
    import time

    from registry_node.tx import repository as repo

    sessions = _sessions(Settings())
    with sessions() as session, session.begin():
        revoked = repo.revoke_token(session, args.token_id, int(time.time()))
    if not revoked:
        print(f"error: no active token {args.token_id}", file=sys.stderr)
        return 1
    print(f"token {args.token_id} revoked")
    return 0


def _keys_list(args: argparse.Namespace) -> int:
    settings = Settings()
    for name, spec in sorted(settings.signing_keys.items()):
        if spec.remote:
            where, address = f"remote {settings.remote_signer_url}", spec.address or "?"
        else:
            path = spec.keystore or settings.keystore_dir / f"{name}.json"
            try:  # keyfiles carry their address in clear; nothing is decrypted here
                address = "0x" + str(json.loads(path.read_text())["address"])
            except (OSError, ValueError, KeyError):
                address = "(unreadable)"
            where = str(path)
        print(f"{name:<12} role={spec.role:<10} {address}  {where}")
    return 0


def _keys_new(args: argparse.Namespace) -> int:
    from carbon_chain.signer import SignerError, write_keystore
    from registry_node.tx.keys import password_for
    from registry_node.tx.settings import SigningKeySpec

    settings = Settings()
    spec = settings.signing_keys.get(args.name) or SigningKeySpec(role="holder")
    path = spec.keystore or settings.keystore_dir / f"{args.name}.json"
    if path.exists():
        print(f"error: {path} exists; refusing to overwrite a key", file=sys.stderr)
        return 1
    try:
        password = password_for(args.name, spec, settings)
    except SignerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    address = write_keystore(os.urandom(32), path, password)
    print(f"{args.name}: {address} written to {path}")
    return 0


def _reconcile(args: argparse.Namespace) -> int:
    from carbon_chain.signer import SignerError
    from registry_node.tx.builder import build_service

    settings = Settings()
    try:
        service = build_service(settings, _sessions(settings))  # start() reconciles every key
    except SignerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if service is None:
        print("error: no deployment manifest; nothing to reconcile", file=sys.stderr)
        return 1
    try:
        for key in service.keyring.all():
            if args.key and key.name != args.key:
                continue
            print(f"{key.name} {key.address}: {service.reconcile(key)}")
    finally:
        service.close()
    return 0


def _audit(args: argparse.Namespace) -> int:
    from registry_node.tx import repository as repo

    sessions = _sessions(Settings())
    with sessions() as session:
        lines = repo.audit_lines(session, args.limit)
    for a in reversed(lines):
        when = dt.datetime.fromtimestamp(a.at / 1000, dt.UTC).isoformat(timespec="milliseconds")
        print(
            f"{when} {a.http_status} {a.outcome:<14} op={a.op} token={a.token_id or '-'} "
            f"key={a.key_name or '-'} request={a.request_id or '-'} tx={a.tx_hash or '-'}"
            f"{' ' + a.detail if a.detail else ''}"
        )
    return 0


def register_tx_commands(sub: Any) -> None:
    """Add the signing service's sub-commands to `registry-node`."""
    tokens = sub.add_parser("tokens", help="API tokens of the signing service")
    tsub = tokens.add_subparsers(dest="tokens_command", required=True)
    create = tsub.add_parser("create", help="create a token and print it once")
    create.add_argument("--name", required=True, help="who holds it (a label)")
    create.add_argument("--key", help="signing key it uses (see `keys list`)")
    create.add_argument("--ops", help="comma-separated operations, e.g. issue,retire,relay")
    create.add_argument("--read-only", action="store_true", help="status reads only (auditors)")
    create.add_argument("--expires-days", type=int, help="expire after this many days")
    create.set_defaults(func=_tokens_create)
    tsub.add_parser("list", help="list tokens (never their secrets)").set_defaults(
        func=_tokens_list
    )
    revoke = tsub.add_parser("revoke", help="revoke a token by id")
    revoke.add_argument("token_id")
    revoke.set_defaults(func=_tokens_revoke)

    keys = sub.add_parser("keys", help="signing keys (encrypted keystores, remote signer)")
    ksub = keys.add_subparsers(dest="keys_command", required=True)
    ksub.add_parser("list", help="configured keys, roles and addresses").set_defaults(
        func=_keys_list
    )
    new = ksub.add_parser("new", help="generate a key into an encrypted keystore")
    new.add_argument("--name", required=True, help="key name: writes <keystore_dir>/<name>.json")
    new.set_defaults(func=_keys_new)

    tx = sub.add_parser("tx", help="signing service maintenance")
    xsub = tx.add_subparsers(dest="tx_command", required=True)
    rec = xsub.add_parser("reconcile", help="repair nonces against the chain (gaps, re-sends)")
    rec.add_argument("--key", help="only this key")
    rec.set_defaults(func=_reconcile)
    audit = xsub.add_parser("audit", help="print the latest audit lines")
    audit.add_argument("--limit", type=int, default=50)
    audit.set_defaults(func=_audit)
