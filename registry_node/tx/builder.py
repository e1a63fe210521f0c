"""Assemble the signing service from settings (used by the app's start-up and the CLI)."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session, sessionmaker

from carbon_chain.manifest import Deployment
from carbon_chain.signer import SignerError
from registry_node.config import Settings
from registry_node.partner.service import import_preparer
from registry_node.tx.keys import KeyRing
from registry_node.tx.rpc import RpcClient
from registry_node.tx.service import SigningService

log = logging.getLogger(__name__)


def make_rpc(settings: Settings) -> RpcClient:
    """Return the signing service's JSON-RPC client (bounded retry per settings)."""
    return RpcClient(
        settings.rpc_url,
        timeout=settings.rpc_timeout,
        attempts=settings.tx_rpc_attempts,
        backoff=settings.tx_rpc_backoff,
        backoff_cap=settings.tx_rpc_backoff_cap,
    )


def build_service(
    settings: Settings, sessions: sessionmaker[Session], keyring: KeyRing | None = None
) -> SigningService | None:
    """Load the keys and start the signing service; None when there is no deployment.

    Args:
        keyring: already loaded keys (an embedding process that loaded them itself).

    Raises:
        SignerError: a key cannot be loaded (wrong password, tampered or missing keystore,
            remote signer without the key) or keys are configured without a manifest.
    """
    if not settings.manifest_path.exists():
        if settings.signing_keys:
            raise SignerError(
                f"signing keys are configured but the manifest {settings.manifest_path} is missing"
            )
        log.warning("no manifest at %s: signing service disabled", settings.manifest_path)
        return None
    deployment = Deployment.load(settings.manifest_path)
    if keyring is None:
        keyring = KeyRing.load(
            settings, deployment.chain_id, deployment.registry, deployment.ledger, deployment.market
        )
    service = SigningService(settings, sessions, make_rpc(settings), keyring, deployment)
    service.preparers["import_credits"] = import_preparer(service)
    service.start()
    return service
