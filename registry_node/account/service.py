"""Account queries."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from registry_node.account import repository
from registry_node.account.schemas import AccountOut, BalanceOut, LedgerEntryOut
from registry_node.common.enums import AccountKind, AccountStatus, name_of, parse_name
from registry_node.common.pagination import Page, PageParams
from registry_node.common.types import Amount
from registry_node.errors import NotFound
from registry_node.models.index import Account, EventLog
from registry_node.project.service import history


def to_out(row: Account) -> AccountOut:
    """Build the response model."""
    return AccountOut(
        address=row.address,
        kind=name_of(AccountKind, row.kind),
        status=name_of(AccountStatus, row.status),
        region=row.region,
        record_hash=row.record_hash,
        block_number=row.block_number,
        tx_hash=row.tx_hash,
    )


def get(session: Session, address: str) -> AccountOut:
    """Return one account with its status history.

    Raises:
        NotFound: the address is not a registered carbon account.
    """
    row = repository.get(session, address)
    if row is None:
        raise NotFound(f"account {address} is not registered", field="address")
    out = to_out(row)
    out.history = history(session, "account", address, AccountStatus)
    return out


def search(
    session: Session,
    page: PageParams,
    kind: str | None,
    status: str | None,
    region: int | None,
) -> Page[AccountOut]:
    """Return a page of accounts.

    Raises:
        Invalid: unknown kind or status name.
    """
    rows = repository.search(
        session,
        page,
        parse_name(AccountKind, kind, "kind"),
        parse_name(AccountStatus, status, "status"),
        region,
    )
    return Page[AccountOut].build([to_out(r) for r in rows], page)


def balances(session: Session, address: str, page: PageParams) -> Page[BalanceOut]:
    """Return an address's positive balances per batch (any address: custody too)."""
    rows = repository.balances(session, address, page)
    items = [
        BalanceOut(batch_id=b, project_id=p, vintage=v, balance=Amount.of(a)) for b, p, v, a in rows
    ]
    return Page[BalanceOut].build(items, page)


def ledger_entry(row: EventLog) -> LedgerEntryOut:
    """Build the response model of one stored log."""
    return LedgerEntryOut(
        contract=row.contract,
        name=row.name,
        args=json.loads(row.args),
        block_number=row.block_number,
        tx_hash=row.tx_hash,
        log_index=row.log_index,
    )


def activity(session: Session, address: str, limit: int = 200) -> list[LedgerEntryOut]:
    """Return the newest logs that name the (checksummed) address."""
    return [ledger_entry(r) for r in repository.activity(session, address, limit)]
