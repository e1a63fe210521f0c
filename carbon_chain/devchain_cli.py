"""`dev-chain`: a local anvil with the registry deployed and its roles seeded, for a shell session.

Prints the RPC URL, chain id, contract addresses and every actor's address and key (anvil's public
dev keys: dev mode only), then serves until Ctrl-C. With `--state`, the chain is kept in a file and
a re-run reuses the deployment named in the manifest.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from eth_account import Account
from web3 import Web3

from carbon_chain.anvil import Anvil
from carbon_chain.devchain import DEV_ACCOUNTS, Actors, DevRegistry, reusable_deployment
from carbon_chain.signer import DEV_MNEMONIC, LocalSigner

DEFAULT_PORT = 8545
DEFAULT_MANIFEST = Path("data/dev-chain/deployment.json")
POLL_SECONDS = 1.0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dev-chain",
        description="Start anvil with the registry deployed and roles seeded (dev keys only).",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help="RPC port on 127.0.0.1")
    p.add_argument(
        "--state", type=Path, help="keep the chain in this file; a re-run reuses the deployment"
    )
    p.add_argument(
        "--manifest", type=Path, default=DEFAULT_MANIFEST, help="where to write the manifest"
    )
    p.add_argument("--exit", action="store_true", help="stop after printing (for scripts/tests)")
    return p


def _dev_keys() -> dict[str, str]:
    """Map each of anvil's dev addresses to its (public, well-known) private key."""
    keys: dict[str, str] = {}
    for index in range(DEV_ACCOUNTS):
        account = Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
        keys[account.address] = "0x" + bytes(account.key).hex()
    return keys


def _named_actors(actors: Actors) -> list[tuple[str, LocalSigner]]:
    named = [("agency", actors.agency), ("oracle", actors.oracle)]
    named += [(f"verifier {i + 1}", v) for i, v in enumerate(actors.verifiers)]
    named += [
        ("proponent", actors.proponent),
        ("organiser", actors.organiser),
        ("buffer", actors.buffer),
        ("aggregator", actors.aggregator),
        ("enterprise", actors.enterprise),
    ]
    named += [(f"citizen {i + 1}", c) for i, c in enumerate(actors.citizens)]
    return named


def _summary(anvil: Anvil, dev: DevRegistry, manifest: Path, reused: bool) -> str:
    d, keys = dev.deployment, _dev_keys()
    lines = [
        "Wuhan carbon-inclusive registry: dev chain",
        f"RPC URL     {anvil.url}",
        f"Chain id    {d.chain_id}",
        f"Registry    {d.registry}",
        f"Ledger      {d.ledger}",
        f"Manifest    {manifest}" + ("  (reused)" if reused else ""),
        "",
        "Actors: anvil's public dev keys, never use them on a real chain",
        f"  {'role':<12} {'address':<42}  private key",
    ]
    named = _named_actors(dev.actors)
    lines += [f"  {n:<12} {s.address}  {keys[s.address]}" for n, s in named]
    used = {s.address for _, s in named}
    spare = [a for a in keys if a not in used]
    lines += ["", "Spare dev keys (ETH only, no carbon account):"]
    lines += [f"  {'spare':<12} {a}  {keys[a]}" for a in spare]
    return "\n".join(lines)


def _serve(w3: Web3) -> int:
    """Block until Ctrl-C or SIGTERM (0), or until anvil stops answering (1)."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print("Serving; press Ctrl-C to stop.", flush=True)
    try:
        while w3.is_connected():
            time.sleep(POLL_SECONDS)
    except KeyboardInterrupt:
        return 0
    print("anvil stopped answering", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run `dev-chain`; return the exit status."""
    args = _parser().parse_args(argv)
    anvil = Anvil(
        port=args.port, state_path=args.state, extra_args=["--accounts", str(DEV_ACCOUNTS)]
    )
    try:
        anvil.start()
    except RuntimeError as exc:
        print(f"dev-chain: {exc} (is port {args.port} in use?)", file=sys.stderr)
        return 1
    try:
        w3 = Web3(Web3.HTTPProvider(anvil.url, request_kwargs={"timeout": 30}))
        deployment = reusable_deployment(w3, args.manifest) if args.state else None
        if deployment is not None:
            dev = DevRegistry(w3, deployment, Actors.from_dev_keys(deployment.chain_id))
        else:
            print("Deploying the registry from source and seeding roles...", flush=True)
            dev = DevRegistry.create(w3)
            dev.deployment.save(args.manifest)
        print(_summary(anvil, dev, args.manifest, deployment is not None), flush=True)
        return 0 if args.exit else _serve(w3)
    finally:
        anvil.stop()  # SIGTERM: anvil writes its --state file


if __name__ == "__main__":
    sys.exit(main())
