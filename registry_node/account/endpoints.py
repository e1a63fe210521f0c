"""GET /v1/accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from registry_node.account import service, summary
from registry_node.account.schemas import AccountOut, AccountSummaryOut, BalanceOut
from registry_node.common.deps import DbSession
from registry_node.common.enums import AccountKind, AccountStatus, names
from registry_node.common.pagination import Page, Paging
from registry_node.common.types import Address
from registry_node.retirement import service as retirements
from registry_node.retirement.schemas import RetirementOut

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])

AddressPath = Annotated[Address, Path(description="0x address; EIP-55 checksum checked")]
Year = Annotated[
    int | None,
    Query(ge=2000, le=2200, description="Limit lists and summary to this calendar year (UTC+8)"),
]


@router.get("", response_model=Page[AccountOut], summary="List carbon accounts")
def list_accounts(
    session: DbSession,
    page: Paging,
    kind: Annotated[str | None, Query(description=names(AccountKind))] = None,
    status: Annotated[str | None, Query(description=names(AccountStatus))] = None,
    region: Annotated[int | None, Query(ge=100000, le=999999)] = None,
) -> Page[AccountOut]:
    """List registered accounts by address."""
    return service.search(session, page, kind, status, region)


@router.get("/{address}", response_model=AccountOut, summary="One carbon account")
def get_account(session: DbSession, address: AddressPath) -> AccountOut:
    """Return a registered account with its status history."""
    return service.get(session, address)


@router.get("/{address}/balances", response_model=Page[BalanceOut], summary="Balances per batch")
def get_balances(session: DbSession, page: Paging, address: AddressPath) -> Page[BalanceOut]:
    """Return the address's positive balances, one per batch."""
    return service.balances(session, address, page)


@router.get(
    "/{address}/retirements", response_model=Page[RetirementOut], summary="Account retirements"
)
def get_retirements(
    session: DbSession,
    page: Paging,
    address: AddressPath,
    role: Annotated[
        str, Query(pattern="^(holder|beneficiary)$", description="holder or beneficiary")
    ] = "holder",
) -> Page[RetirementOut]:
    """Return retirements the address made (holder) or that were made for it (beneficiary)."""
    if role == "beneficiary":
        return retirements.search(session, page, beneficiary=address)
    return retirements.search(session, page, holder=address)


@router.get(
    "/{address}/summary", response_model=AccountSummaryOut, summary="Carbon-account statement"
)
def get_summary(session: DbSession, address: AddressPath, year: Year = None) -> AccountSummaryOut:
    """Return holdings by batch (project, methodology, vintage, region, paired assistance),
    retirements, cancellations, compliance uses, imports received and a yearly summary
    (received by issuance/import, transferred in/out, locked/released, retired, cancelled, used
    for compliance) derived from the chain's transfer logs, in grams and tCO2e."""
    return summary.summary(session, address, year)


@router.get(
    "/{address}/summary.csv",
    summary="Carbon-account statement as CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "CSV, UTF-8 with BOM"}},
)
def get_summary_csv(session: DbSession, address: AddressPath, year: Year = None) -> Response:
    """Return the statement as one CSV table: columns section, year, item, batch_id, project_id,
    methodology, vintage, region, paired_assistance, grams, tonnes, time, reference, tx_hash
    (docs/node.md explains each section)."""
    text = summary.to_csv(summary.summary(session, address, year))
    name = f"account-{address}{'-' + str(year) if year else ''}.csv"
    return Response(
        "\ufeff" + text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
