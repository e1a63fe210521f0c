"""Hypothesis properties of the node API (FAULTS.md rows 13, 30-32): amounts, addresses,
pagination and injection strings, over an index of a real lifecycle on the session anvil."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from eth_utils.address import to_checksum_address
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_node_support import lifecycle

from carbon_chain.devchain import DevRegistry
from registry_node import migrate
from registry_node.app import create_app
from registry_node.common.types import Amount
from registry_node.config import Settings
from registry_node.db import make_engine
from registry_node.indexer.scanner import Scanner

pytestmark = pytest.mark.chain
FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True
)
UINT256 = st.integers(min_value=0, max_value=2**256 - 1)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, deployed: DevRegistry) -> Iterator[TestClient]:
    """The query API over an index of one lifecycle (chain snapshot around the module)."""
    w3 = deployed.w3
    snap = w3.provider.make_request("evm_snapshot", [])["result"]  # type: ignore[arg-type]
    tmp: Path = tmp_path_factory.mktemp("props")
    try:
        manifest = tmp / "deployment.json"
        deployed.deployment.save(manifest)
        node = Settings(
            database_url=f"sqlite:///{tmp / 'index.db'}",
            rpc_url=w3.provider.endpoint_uri,  # type: ignore[attr-defined]
            manifest_path=manifest,
            datasets_dir=tmp / "datasets",
            run_indexer=False,
            page_max_limit=100,
        )
        lifecycle(deployed, node.datasets_dir)
        engine = make_engine(node)
        migrate.upgrade(engine)
        Scanner(w3, engine, deployed.deployment, node).sync()
        with TestClient(create_app(node), raise_server_exceptions=False) as client:
            yield client
        engine.dispose()
    finally:
        w3.provider.make_request("evm_revert", [snap])  # type: ignore[arg-type]


@FAST
@given(grams=UINT256)
def test_amounts_are_exact_for_any_uint256(grams: int) -> None:
    amount = Amount.of(grams)
    assert int(amount.grams) == grams
    whole, _, frac = amount.tonnes.partition(".")
    assert len(frac) == 6 and int(whole + frac) == grams  # exact: no float, no rounding


@FAST
@given(raw=st.binary(min_size=20, max_size=20))
def test_any_valid_address_is_accepted_in_any_case(api: TestClient, raw: bytes) -> None:
    address = "0x" + raw.hex()
    if int(address, 16) == 0:
        return
    answers = set()
    for form in (address.lower(), "0x" + raw.hex().upper(), to_checksum_address(address)):
        r = api.get(f"/v1/accounts/{form}/balances")
        assert r.status_code == 200, (form, r.text)
        answers.add(r.text)
    assert len(answers) == 1  # one account whatever the case


@FAST
@given(raw=st.binary(min_size=20, max_size=20), data=st.data())
def test_bad_addresses_are_422_naming_the_field(api: TestClient, raw: bytes, data: Any) -> None:
    good = to_checksum_address("0x" + raw.hex())
    letters = [i for i, c in enumerate(good) if i > 1 and c.isalpha()]
    bad = [
        good[:-1],  # too short
        good + "0",  # too long
        good[:5] + "g" + good[6:],  # not hex
        "0x" + "0" * 40,  # zero
    ]
    if len(letters) >= 2:  # flip one letter's case: a wrong EIP-55 checksum
        i = data.draw(st.sampled_from(letters))
        bad.append(good[:i] + good[i].swapcase() + good[i + 1 :])
    for value in bad:
        r = api.get(f"/v1/accounts/{value}")
        assert r.status_code == 422, (value, r.status_code, r.text)
        assert r.json()["error"] == "invalid"


@pytest.mark.parametrize("path", ["/v1/accounts", "/v1/retirements", "/v1/batches"])
def test_pagination_walk_returns_every_item_once(api: TestClient, path: str) -> None:
    everything = api.get(path, params={"limit": 100}).json()["items"]
    assert everything

    @FAST
    @given(limit=st.integers(min_value=1, max_value=100))
    def walk(limit: int) -> None:
        seen: list[Any] = []
        offset: int | None = 0
        while offset is not None:
            page = api.get(path, params={"limit": limit, "offset": offset}).json()
            assert len(page["items"]) <= limit
            seen += page["items"]
            offset = page["next_offset"]
        assert seen == everything

    walk()


@FAST
@given(limit=st.integers(), offset=st.integers())
def test_out_of_range_paging_is_422_never_500(api: TestClient, limit: int, offset: int) -> None:
    r = api.get("/v1/accounts", params={"limit": limit, "offset": offset})
    ok = 1 <= limit <= 100 and 0 <= offset
    assert r.status_code in ((200,) if ok else (422,)) or (ok and r.status_code == 422), r.text


INJECTIONS = st.sampled_from(
    [
        "1 OR 1=1",
        "1; DROP TABLE balances; --",
        "' OR ''='",
        "1 UNION SELECT * FROM signing_tokens",
        "%27%20OR%201=1--",
        "0x0000000000000000000000000000000000000001' OR '1'='1",
    ]
)


@FAST
@given(payload=INJECTIONS | st.text(min_size=1, max_size=40).filter(lambda t: t.strip()))
def test_injection_strings_are_404_or_422_with_no_extra_rows(api: TestClient, payload: str) -> None:
    baseline = len(api.get("/v1/accounts", params={"limit": 100}).json()["items"])
    for path in ("/v1/batches/{}", "/v1/accounts/{}", "/v1/retirements/{}"):
        r = api.get(path.format(quote(payload, safe="")))
        assert r.status_code in (200, 404, 405, 422), (path, payload, r.status_code)
        assert r.status_code != 200 or payload.strip().isdigit()
    for field in ("status", "region", "proponent", "methodology_id"):
        r = api.get("/v1/projects", params={field: payload})
        assert r.status_code in (200, 422), (field, r.status_code, r.text)
        if r.status_code == 200:  # only rows that really match the (typed) filter
            assert all(str(p[field]) == payload.strip() for p in r.json()["items"]), r.text
    after = len(api.get("/v1/accounts", params={"limit": 100}).json()["items"])
    assert after == baseline
