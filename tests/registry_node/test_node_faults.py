"""Indexer faults (FAULTS.md rows 23, 25-27, 29): crash mid-chunk, reorgs, replaced chain."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from test_node_support import (  # noqa: F401  (fixtures)
    engine_fixture,
    lifecycle,
    node_settings_fixture,
    scanner,
    snapshot,
)

from carbon_chain.devchain import DevRegistry
from registry_node.config import Settings
from registry_node.errors import IndexerHalted
from registry_node.indexer import cursor as cur
from registry_node.models.index import Balance, EventLog


class Crash(RuntimeError):
    pass


def _wipe(engine: Engine) -> None:
    with engine.begin() as conn:
        cur.reset_index(conn)


def _state(engine: Engine) -> dict[str, Any]:
    return {k: v for k, v in snapshot(engine).items() if k not in ("index_blocks", "index_cursor")}


def test_crash_mid_chunk_then_resume_gives_the_same_index(
    dev: DevRegistry, node_settings: Settings, engine: Engine
) -> None:
    lifecycle(dev, node_settings.datasets_dir)
    calls = {"n": 0}

    def crash(point: str) -> None:
        if point == "before_cursor":
            calls["n"] += 1
            if calls["n"] == 3:
                raise Crash("killed after writing rows, before the cursor")

    with pytest.raises(Crash):
        scanner(dev, engine, node_settings, fail_hook=crash).sync()
    with engine.connect() as conn:
        position = cur.load_cursor(conn)
        assert position is not None
        beyond = conn.execute(
            select(func.count())
            .select_from(EventLog)
            .where(EventLog.block_number > position.block_number)
        ).scalar_one()
    assert beyond == 0  # the crashed chunk's rows went with its transaction
    scanner(dev, engine, node_settings).sync()
    resumed = _state(engine)
    _wipe(engine)
    scanner(dev, engine, node_settings).sync()
    assert _state(engine) == resumed


def test_anvil_reorg_rolls_back_to_the_common_ancestor(
    dev: DevRegistry, node_settings: Settings, engine: Engine
) -> None:
    ids = lifecycle(dev, node_settings.datasets_dir)
    a, led = dev.actors, dev.reg.ledger.functions
    scan = scanner(dev, engine, node_settings)
    scan.sync()
    # Three more blocks: transfers the reorg will drop.
    for _ in range(3):
        dev.send(
            a.proponent,
            led.safeTransferFrom(a.proponent.address, a.organiser.address, ids["batch"], 1000, b""),
        )
    scan.sync()
    before = _balance(engine, ids["batch"], a.organiser.address)
    # Replace the last 3 blocks; one transfer of 7 g is re-mined in the new branch.
    nonce = dev.w3.eth.get_transaction_count(a.proponent.address) - 3
    tx = led.safeTransferFrom(
        a.proponent.address, a.organiser.address, ids["batch"], 7, b""
    ).build_transaction(
        {
            "from": a.proponent.address,
            "nonce": nonce,
            "gas": 300_000,
            "chainId": dev.deployment.chain_id,
        }
    )
    raw = a.proponent.sign_transaction(dict(tx))
    response = dev.w3.provider.make_request("anvil_reorg", [3, [["0x" + raw.hex(), 0]]])  # type: ignore[arg-type]
    assert "error" not in response, response
    scan.sync()
    chain = led.balanceOf(a.organiser.address, ids["batch"]).call()
    assert chain == before - 3000 + 7
    assert _balance(engine, ids["batch"], a.organiser.address) == chain
    rolled = _state(engine)
    _wipe(engine)
    scanner(dev, engine, node_settings).sync()
    assert _state(engine) == rolled


def test_reorg_deeper_than_the_window_halts(
    dev: DevRegistry, node_settings: Settings, engine: Engine
) -> None:
    lifecycle(dev, node_settings.datasets_dir)
    settings = node_settings.model_copy(update={"reorg_window": 2})
    scan = scanner(dev, engine, settings)
    scan.sync()
    response = dev.w3.provider.make_request("anvil_reorg", [6, []])  # type: ignore[arg-type]
    assert "error" not in response, response
    with pytest.raises(IndexerHalted, match="deeper than"):
        scan.sync()


def test_index_of_another_deployment_halts(
    dev: DevRegistry, node_settings: Settings, engine: Engine
) -> None:
    scanner(dev, engine, node_settings).sync()
    other = dev.deployment.model_copy(update={"deploy_block_hash": "0x" + "ab" * 32})
    with pytest.raises(IndexerHalted, match="replaced"):
        scanner_for(dev, engine, node_settings, other).sync()
    moved = dev.deployment.model_copy(update={"chain_id": 1})
    with pytest.raises(IndexerHalted, match="chain id"):
        scanner_for(dev, engine, node_settings, moved).sync()


def scanner_for(dev: DevRegistry, engine: Engine, settings: Settings, deployment: Any) -> Any:
    from registry_node.indexer.scanner import Scanner

    return Scanner(dev.w3, engine, deployment, settings)


def _balance(engine: Engine, batch_id: int, holder: str) -> int:
    with engine.connect() as conn:
        value = conn.execute(
            select(Balance.amount).where(Balance.batch_id == batch_id, Balance.holder == holder)
        ).scalar_one_or_none()
    return int(value or 0)
