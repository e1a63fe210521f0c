"""Bad input gets a 4xx JSON answer naming the field, never a 500 (FAULTS.md rows 30-32)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Column, MetaData, Table, insert, select
from sqlalchemy.engine import Engine
from test_node_support import (  # noqa: F401  (fixtures)
    client_fixture,
    engine_fixture,
    node_settings_fixture,
)

from registry_node.db import UINT256_MAX, Uint256

GOOD = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"

BAD_REQUESTS = [
    ("/v1/accounts/0x1234", 422, "address"),
    ("/v1/accounts/" + GOOD.lower()[:-1] + "z", 422, "address"),
    ("/v1/accounts/0x70997970c51812DC3A010C7d01b50e0d17dc79C8", 422, "address"),  # bad EIP-55
    ("/v1/accounts/0x0000000000000000000000000000000000000000", 422, "address"),
    ("/v1/accounts/' OR 1=1 --", 422, "address"),
    ("/v1/batches/-1", 422, "batch_id"),
    ("/v1/batches/99999999999999999999999", 422, "batch_id"),
    ("/v1/batches/1; DROP TABLE batches", 422, "batch_id"),
    ("/v1/batches?limit=100000", 422, "limit"),
    ("/v1/batches?limit=0", 422, "limit"),
    ("/v1/batches?offset=-5", 422, "offset"),
    ("/v1/batches?vintage=abc", 422, "vintage"),
    ("/v1/projects?status=' OR '1'='1", 422, "status"),
    ("/v1/retirements?purpose=ALL", 422, "purpose"),
    ("/v1/retirements?beneficiary=nobody", 422, "beneficiary"),
    ("/v1/totals?by=holder", 422, "by"),
    ("/v1/totals", 422, "by"),
    ("/v1/retirements/0", 422, "certificate_id"),
    ("/v1/claims/0xZZ", 422, "address"),
]


@pytest.mark.parametrize(("path", "status", "field"), BAD_REQUESTS)
def test_bad_input_is_a_4xx_json_naming_the_field(
    client: TestClient, path: str, status: int, field: str
) -> None:
    response = client.get(path)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == "invalid" and body["field"] == field


def test_missing_records_are_404_json(client: TestClient) -> None:
    for path in (
        "/v1/batches/42",
        "/v1/projects/7",
        "/v1/events/3",
        f"/v1/accounts/{GOOD}",
        "/v1/certificates/5",
        "/v1/reports/9",
        "/v1/methodologies/8",
        "/nope",
    ):
        response = client.get(path)
        assert response.status_code == 404 and response.json()["error"] == "not_found", path
    # A checksummed or lower-case address is accepted (and an unknown one has no balances).
    assert client.get(f"/v1/accounts/{GOOD.lower()}/balances").json()["items"] == []


def test_wrong_method_body_limit_and_junk_body(client: TestClient) -> None:
    response = client.post("/v1/batches", content=b"\xff\xfe not json")
    assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"
    big = client.post("/v1/batches", content=b"x" * 2_000_000)
    assert big.status_code == 413 and big.json()["error"] == "too_large"


def test_health_and_metrics(client: TestClient) -> None:
    health = client.get("/health")
    assert health.status_code == 200
    body = health.json()
    assert body["head"] is not None and body["indexer"] == "external"
    openapi = client.get("/openapi.json").json()
    assert "grams" in openapi["components"]["schemas"]["Amount"]["properties"]
    assert client.get("/metrics").status_code == 200


def test_uint256_round_trips_exactly(engine: Engine) -> None:
    table = Table("uint256_probe", MetaData(), Column("v", Uint256(), nullable=False))
    values = [0, 1, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1, 10**40 + 7, UINT256_MAX]
    with engine.begin() as conn:
        table.create(conn)
        conn.execute(insert(table), [{"v": v} for v in values])
        back = sorted(conn.execute(select(table.c.v)).scalars().all())
        table.drop(conn)
    assert back == sorted(values)
    assert all(type(v) is int for v in back)
