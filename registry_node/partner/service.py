"""Credit imports: the index's view, and the node's checks before it signs an import."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from eth_abi.abi import decode, encode
from eth_account import Account as EthAccount
from eth_account.messages import encode_typed_data
from eth_utils.crypto import keccak
from sqlalchemy.orm import Session

from carbon_chain.eip712 import Domain, ImportPayload, import_typed_data, market_domain
from registry_node.common.pagination import Page, PageParams
from registry_node.common.types import Amount
from registry_node.errors import Invalid, NotFound, Unavailable
from registry_node.models.index import Account, CreditImport
from registry_node.partner import repository
from registry_node.partner.schemas import ImportOut, OriginOut
from registry_node.tx.ops import ImportCredits, OpRequest
from registry_node.tx.rpc import RpcClient, RpcError, RpcUnavailable

if TYPE_CHECKING:
    from registry_node.tx.service import SigningService

_IMPORTED_RANGE = keccak(text="importedRange(address,uint256)")[:4]


def to_out(row: CreditImport, partner: Account | None) -> ImportOut:
    """Build the response model."""
    origin = OriginOut(
        partner=row.partner,
        partner_record_hash=partner.record_hash if partner is not None else None,
        partner_region=partner.region if partner is not None else None,
        serial_start=str(row.origin_serial_start),
        serial_end=str(row.origin_serial_end),
        quantity=Amount.of(row.origin_serial_end - row.origin_serial_start),
    )
    return ImportOut(
        import_id=row.import_id,
        batch_id=row.batch_id,
        origin=origin,
        project_id=row.project_id,
        period_start=row.period_start,
        period_end=row.period_end,
        vintage=row.vintage,
        recipient=row.recipient,
        evidence_hash=row.evidence_hash,
        deadline=row.deadline,
        attestation_digest=row.digest,
        imported_at=row.imported_at,
        block_number=row.block_number,
        tx_hash=row.tx_hash,
    )


def get(session: Session, import_id: int) -> ImportOut:
    """Return one import.

    Raises:
        NotFound: no such import indexed.
    """
    row = repository.get(session, import_id)
    if row is None:
        raise NotFound(f"import {import_id} not found", field="import_id")
    return to_out(*row)


def search(
    session: Session,
    page: PageParams,
    partner: str | None,
    project_id: int | None,
    batch_id: int | None,
) -> Page[ImportOut]:
    """Return a page of imports, by id."""
    rows = repository.search(session, page, partner, project_id, batch_id)
    return Page[ImportOut].build([to_out(i, a) for i, a in rows], page)


# ---------------------------------------------------------------------- before signing


def payload_of(request: ImportCredits) -> ImportPayload:
    """Return the attested payload of an import request."""
    return ImportPayload(
        partner=request.partner,
        origin_serial_start=request.origin_serial_start,
        origin_serial_end=request.origin_serial_end,
        project_id=request.project_id,
        period_start=request.period_start,
        period_end=request.period_end,
        vintage=request.vintage,
        recipient=request.recipient,
        evidence_hash=bytes.fromhex(request.evidence_hash[2:]),
        deadline=request.deadline,
    )


def check_attestation(domain: Domain, request: ImportCredits) -> None:
    """Check that the attestation recovers to the partner it names.

    Raises:
        Invalid: not a valid signature, or signed by another key (422 naming `attestation`).
    """
    message = encode_typed_data(full_message=import_typed_data(domain, payload_of(request)))
    try:
        signer = EthAccount.recover_message(
            message, signature=bytes.fromhex(request.attestation[2:])
        )
    except Exception:  # eth_keys raises several types for malformed signatures
        raise Invalid("the attestation is not a valid signature", field="attestation") from None
    if signer != request.partner:
        raise Invalid(
            f"the attestation was signed by {signer}, not by the partner {request.partner}",
            field="attestation",
            signer=signer,
        )


def imported_range(rpc: RpcClient, market: str, partner: str, start: int) -> tuple[int, int]:
    """Return (end, next start) of `partner`'s imported origin range at `start`, on chain."""
    data = _IMPORTED_RANGE + encode(["address", "uint256"], [partner, start])
    reply = rpc.call("eth_call", [{"to": market, "data": "0x" + data.hex()}, "latest"])
    end, nxt = decode(["uint256", "uint256"], bytes.fromhex(str(reply)[2:]))
    return int(end), int(nxt)


def walk_hint(rpc: RpcClient, market: str, partner: str, start: int, hint: int) -> int:
    """Move the index's hint to the chain's answer: the start of the range just below `start`.

    With a current index this is one call; after imports the index has not seen yet it walks
    on from there. If the index's answer cannot be right (a range the chain does not know after
    a reorg, or one not below `start`, as SQLite's text-stored serials above 2^63 may give) it
    walks from 0.
    """
    if hint >= start:
        hint = 0
    end, nxt = imported_range(rpc, market, partner, hint)
    if hint != 0 and end == 0:
        hint = 0
        end, nxt = imported_range(rpc, market, partner, 0)
    while nxt != 0 and nxt < start:
        hint = nxt
        end, nxt = imported_range(rpc, market, partner, hint)
    return hint


def import_preparer(service: SigningService) -> Callable[[OpRequest], OpRequest]:
    """Return the check run before an import is signed: attestation, then the serial hint."""
    market = service.address_of("market")
    domain = market_domain(service.chain_id, market)

    def prepare(request: OpRequest) -> OpRequest:
        if not isinstance(request, ImportCredits):  # pragma: no cover - registered per op
            return request
        check_attestation(domain, request)
        with service.sessions() as session:
            hint = repository.previous_start(session, request.partner, request.origin_serial_start)
        try:
            hint = walk_hint(
                service.rpc, market, request.partner, request.origin_serial_start, hint
            )
        except RpcUnavailable as exc:
            raise Unavailable(f"chain RPC unavailable: {exc.reason}", retry_after=5) from None
        except RpcError as exc:
            raise Unavailable(f"importedRange call failed: {exc.message[:200]}") from None
        return request.with_hint(hint)

    return prepare
