"""GET /v1/accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from registry_node.account import service
from registry_node.account.schemas import AccountOut, BalanceOut
from registry_node.common.deps import DbSession
from registry_node.common.enums import AccountKind, AccountStatus, names
from registry_node.common.pagination import Page, Paging
from registry_node.common.types import Address
from registry_node.retirement import service as retirements
from registry_node.retirement.schemas import RetirementOut

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])

AddressPath = Annotated[Address, Path(description="0x address; EIP-55 checksum checked")]


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
