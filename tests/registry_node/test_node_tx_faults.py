"""Signer and RPC faults (FAULTS rows 19-22): bad keystores refuse start-up, keys never reach
logs or answers, the guard refuses anything off its allowlist, RPC faults retry then answer 503
with Retry-After, a remote (Web3Signer) key works and is checked, a stuck tx is replaced."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from eth_account import Account
from test_node_tx_support import (  # noqa: F401  (fixtures)
    KEYS,
    PASSWORD,
    KeyFiles,
    auth,
    base_settings,
    dev_key,
    methodology_body,
    open_client,
    sessions_of,
    token,
    tx_keyfiles_fixture,
)

from carbon_chain.anvil import free_port
from carbon_chain.devchain import DevRegistry
from carbon_chain.signer import LocalSigner, RemoteSigner, SignerError, write_keystore
from registry_node.tx.keys import SignerRefused
from registry_node.tx.models import SigningRequest
from registry_node.tx.rpc import RpcClient, RpcUnavailable


# ---------------------------------------------------------------------- keystores
def _one_key(tmp_path: Path, **spec: Any) -> tuple[Path, Path]:
    directory = tmp_path / "keys"
    write_keystore(dev_key(0), directory / "agency.json", PASSWORD)
    password = tmp_path / "password"
    password.write_text(PASSWORD)
    return directory, password


def _start(settings: Any) -> None:
    with open_client(settings, None):
        pass


def test_bad_keystores_refuse_to_start(
    tmp_path: Path, dev: DevRegistry, tx_keyfiles: KeyFiles
) -> None:
    directory, password = _one_key(tmp_path)
    one = {"agency": {"role": "agency"}}
    common = {"keystore_dir": directory, "signing_keys": one}
    wrong = tmp_path / "wrong"
    wrong.write_text("hunter2")
    tampered = tmp_path / "tampered"
    keyfile = json.loads((directory / "agency.json").read_text())
    keyfile["crypto"]["ciphertext"] = "00" + keyfile["crypto"]["ciphertext"][2:]
    (tampered / "agency.json").parent.mkdir()
    (tampered / "agency.json").write_text(json.dumps(keyfile))
    cases: list[tuple[dict[str, Any], str]] = [
        ({"keystore_password_file": wrong}, "wrong password or tampered"),
        ({"keystore_password_file": password, "keystore_dir": tampered}, "tampered"),
        ({"keystore_password_file": password, "keystore_dir": tmp_path}, "not found"),
        (
            {"keystore_password_file": None, "keystore_password_env": "NO_SUCH_VARIABLE_X"},
            "NO_SUCH_VARIABLE_X is not set",
        ),
        ({"keystore_password_file": None}, "no password source"),
        (
            {
                "keystore_password_file": password,
                "signing_keys": {"agency": {"role": "agency", "address": "0x" + "12" * 20}},
            },
            "another address",
        ),
    ]
    for extra, message in cases:
        settings = base_settings(tmp_path, dev, tx_keyfiles, **{**common, **extra})
        with pytest.raises(SignerError, match=message) as err:
            _start(settings)
        assert "agency" in str(err.value)
        assert "hunter2" not in str(err.value) and PASSWORD not in str(err.value)
    # The same configuration with the right password starts.
    _start(base_settings(tmp_path, dev, tx_keyfiles, keystore_password_file=password, **common))


def test_no_key_password_or_token_secret_in_logs_or_answers(
    tmp_path: Path, dev: DevRegistry, tx_keyfiles: KeyFiles, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    directory, password = _one_key(tmp_path)
    settings = base_settings(
        tmp_path,
        dev,
        tx_keyfiles,
        keystore_dir=directory,
        keystore_password_file=password,
        signing_keys={"agency": {"role": "agency"}},
    )
    tok = token(settings, "agency", "register_methodology,issue")
    answers: list[str] = []
    with open_client(settings, None) as client:  # decrypts through the settings
        for body in (methodology_body("WHCI-LOG-01"), methodology_body("WHCI-LOG-01")):
            answers.append(
                client.post("/v1/tx/register_methodology", json=body, headers=auth(tok)).text
            )
        answers.append(client.post("/v1/tx/issue", json={"report_id": 1}, headers=auth(tok)).text)
        answers.append(client.get("/v1/tx/ops", headers=auth(tok[:-2] + "00")).text)
        service = client.app.state.signing  # type: ignore[attr-defined]
        reprs = [repr(service.keyring), *(repr(k.signer) for k in service.keyring.all())]
    key = dev_key(0).hex()
    secret = tok.split("_")[2]
    with sessions_of(settings)() as session:
        stored = [repr(r.__dict__) for r in session.query(SigningRequest)]
    haystacks = {"logs": caplog.text, "answers": "".join(answers), "reprs": "".join(reprs)}
    haystacks["db"] = "".join(stored)
    assert "signing key agency (agency) loaded" in caplog.text
    for where, text in haystacks.items():
        for needle in (key, key.upper(), PASSWORD, secret):
            assert needle not in text, f"secret material in {where}"


# ---------------------------------------------------------------------- guard
def test_guard_signs_only_allowlisted_calls(tx_keyfiles: KeyFiles, dev: DevRegistry) -> None:
    agency = tx_keyfiles.keyring.get("agency")
    holder = tx_keyfiles.keyring.get("proponent")
    assert agency is not None and holder is not None
    reg, led = dev.reg.registry, dev.reg.ledger
    base = {"chainId": dev.deployment.chain_id, "nonce": 0, "gas": 100_000, "gasPrice": 1}
    ok = {**base, "to": reg.address, "data": reg.encode_abi("registerProject", args=[1])}
    agency.signer.sign_transaction(ok)
    agency.signer.sign_transaction({**base, "to": agency.address, "data": b"", "value": 0})
    grant = reg.encode_abi("grantRole", args=[b"\x00" * 32, holder.address])
    refused = [
        (agency, {**base, "to": reg.address, "data": grant}, "not allowed"),
        (agency, {**ok, "chainId": 1}, "chain id"),
        (agency, {**ok, "value": 1}, "value"),
        (agency, {**base, "to": holder.address, "data": b""}, "not allowed"),  # pay someone
        (agency, {**ok, "to": led.address}, "not allowed"),  # right selector, wrong contract
        (
            holder,
            {
                **base,
                "to": led.address,
                "data": led.encode_abi("issueToProponent", args=[1, 1, 2026, 0]),
            },
            "not allowed",
        ),
    ]
    for key, tx, message in refused:
        with pytest.raises(SignerRefused, match=message):
            key.signer.sign_transaction(tx)
    with pytest.raises(SignerRefused, match="typed data"):
        agency.signer.sign_typed_data({"types": {}, "primaryType": "X", "domain": {}})


# ---------------------------------------------------------------------- RPC faults
class _Proxy:
    """A JSON-RPC proxy in front of anvil that can fail requests (HTTP 502) on demand."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.fail_next = 0
        self.fail_methods: set[str] = set()
        self.failed = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                request = json.loads(body)
                methods = {
                    r["method"] for r in (request if isinstance(request, list) else [request])
                }
                if proxy.fail_next > 0 or methods & proxy.fail_methods:
                    proxy.fail_next = max(0, proxy.fail_next - 1)
                    proxy.failed += 1
                    self.send_response(502)
                    self.end_headers()
                    return
                reply = httpx.post(
                    proxy.upstream, content=body, headers={"Content-Type": "application/json"}
                )
                self.send_response(reply.status_code)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(reply.content)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy(dev: DevRegistry) -> Iterator[_Proxy]:
    p = _Proxy(dev.w3.provider.endpoint_uri)  # type: ignore[attr-defined]
    yield p
    p.close()


def test_rpc_client_retries_with_bounded_backoff(proxy: _Proxy) -> None:
    delays: list[float] = []
    rpc = RpcClient(proxy.url, attempts=4, backoff=0.1, backoff_cap=0.3, sleep=delays.append)
    proxy.fail_next = 3
    assert rpc.chain_id() == 31337
    assert proxy.failed == 3 and len(delays) == 3 and all(0 <= d <= 0.3 for d in delays)
    proxy.fail_next = 10
    with pytest.raises(RpcUnavailable, match="HTTP 502 after 4 attempts"):
        rpc.chain_id()
    dead = RpcClient(f"http://127.0.0.1:{free_port()}", attempts=2, sleep=lambda _: None)
    with pytest.raises(RpcUnavailable, match="ConnectError"):
        dead.chain_id()


def test_rpc_down_is_503_with_retry_after_and_nothing_kept(
    tmp_path: Path, dev: DevRegistry, tx_keyfiles: KeyFiles
) -> None:
    settings = base_settings(
        tmp_path, dev, tx_keyfiles, tx_rpc_backoff=0.01, rpc_url=f"http://127.0.0.1:{free_port()}"
    )
    tok = token(settings, "agency", "register_methodology")
    with open_client(settings, tx_keyfiles) as client:  # starts: the RPC is only needed on use
        r = client.post(
            "/v1/tx/register_methodology", json=methodology_body("WHCI-RPC-1"), headers=auth(tok)
        )
        assert r.status_code == 503 and r.headers["Retry-After"] == "2"
        assert r.json()["error"] == "unavailable"
    with sessions_of(settings)() as session:
        assert session.query(SigningRequest).count() == 0


def test_flaky_rpc_is_retried_and_a_failed_send_is_resumed_with_the_same_key(
    tmp_path: Path, dev: DevRegistry, tx_keyfiles: KeyFiles, proxy: _Proxy
) -> None:
    settings = base_settings(tmp_path, dev, tx_keyfiles, rpc_url=proxy.url, tx_rpc_backoff=0.01)
    tok = token(settings, "agency", "register_methodology")
    with open_client(settings, tx_keyfiles) as client:
        proxy.fail_next = 2  # transient: absorbed by the retry
        r = client.post(
            "/v1/tx/register_methodology", json=methodology_body("WHCI-RPC-2"), headers=auth(tok)
        )
        assert r.status_code == 200 and proxy.failed == 2
        proxy.fail_methods = {"eth_sendRawTransaction"}  # the node is down while sending
        body = methodology_body("WHCI-RPC-3")
        down = client.post("/v1/tx/register_methodology", json=body, headers=auth(tok, "k"))
        assert down.status_code == 503 and "same Idempotency-Key" in down.json()["detail"]
        with sessions_of(settings)() as session:
            (kept,) = session.query(SigningRequest).filter_by(idempotency_key="k").all()
            assert kept.state == "signed" and kept.nonce == r.json()["nonce"] + 1
        proxy.fail_methods = set()
        up = client.post("/v1/tx/register_methodology", json=body, headers=auth(tok, "k"))
        assert up.status_code == 200, up.json()
        assert (up.json()["tx_hash"], up.json()["nonce"]) == (kept.tx_hash, kept.nonce)


# ---------------------------------------------------------------------- remote signer
class _FakeWeb3Signer:
    """A Web3Signer-compatible eth1 endpoint holding one key (eth_accounts, eth_signTransaction)."""

    def __init__(self, key: bytes) -> None:
        self.signer = LocalSigner(Account.from_key(key))
        self.mode = "honest"
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if fake.mode == "slow":
                    time.sleep(1.5)
                result: Any
                if req["method"] == "eth_accounts":
                    result = [fake.signer.address.lower()]
                else:
                    params = dict(req["params"][0])
                    tx: dict[str, Any] = {
                        k: int(v, 16) for k, v in params.items() if k not in ("from", "to", "data")
                    }
                    tx["to"], tx["data"] = params["to"], params["data"]
                    if fake.mode == "evil":
                        tx["data"] = "0xdeadbeef"
                    result = "0x" + fake.signer.sign_transaction(tx).hex()
                out = json.dumps({"jsonrpc": "2.0", "id": req["id"], "result": result}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(out)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_remote_signer_key_signs_and_is_checked(
    tmp_path: Path, dev: DevRegistry, tx_keyfiles: KeyFiles
) -> None:
    remote = _FakeWeb3Signer(dev_key(KEYS["agency"][0]))
    try:
        spec = {"role": "agency", "remote": True, "address": dev.actors.agency.address}
        settings = base_settings(
            tmp_path,
            dev,
            tx_keyfiles,
            remote_signer_url=remote.url,
            remote_signer_timeout=0.5,
            signing_keys={"agency": spec},
        )
        tok = token(settings, "agency", "register_methodology")
        with open_client(settings, None) as client:
            service = client.app.state.signing  # type: ignore[attr-defined]
            assert "RemoteSigner" in repr(service.keyring.get("agency").signer._inner)
            ok = client.post(
                "/v1/tx/register_methodology", json=methodology_body("WHCI-RS-1"), headers=auth(tok)
            )
            assert ok.status_code == 200 and ok.json()["from"] == dev.actors.agency.address
            remote.mode = "evil"  # answers with a transaction for other calldata
            evil = client.post(
                "/v1/tx/register_methodology", json=methodology_body("WHCI-RS-2"), headers=auth(tok)
            )
            assert evil.status_code == 503 and "differs in data" in evil.json()["detail"]
            remote.mode = "slow"
            slow = client.post(
                "/v1/tx/register_methodology", json=methodology_body("WHCI-RS-3"), headers=auth(tok)
            )
            assert slow.status_code == 503 and "ReadTimeout" in slow.json()["detail"]
            remote.mode = "honest"
            again = client.post(
                "/v1/tx/register_methodology", json=methodology_body("WHCI-RS-4"), headers=auth(tok)
            )
            assert again.status_code == 200
            assert again.json()["nonce"] == ok.json()["nonce"] + 1  # refusals used no nonce
        wrong = {**spec, "address": dev.actors.oracle.address}
        with pytest.raises(SignerError, match="does not hold"):
            _start(
                base_settings(
                    tmp_path,
                    dev,
                    tx_keyfiles,
                    remote_signer_url=remote.url,
                    signing_keys={"agency": wrong},
                )
            )
    finally:
        remote.close()
    direct = RemoteSigner(remote.url, dev.actors.agency.address, timeout=0.2)
    with pytest.raises(SignerError, match="ConnectError"):
        direct.sign_transaction({"to": dev.reg.registry.address, "nonce": 0, "gas": 1})


# ---------------------------------------------------------------------- stuck transaction
def test_stuck_transaction_is_replaced_with_a_bumped_fee(
    tmp_path: Path, dev: DevRegistry, tx_keyfiles: KeyFiles
) -> None:
    settings = base_settings(tmp_path, dev, tx_keyfiles, tx_receipt_timeout=0.3)
    tok = token(settings, "agency", "register_methodology")
    provider = dev.w3.provider
    with open_client(settings, tx_keyfiles) as client:
        provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
        try:
            r = client.post(
                "/v1/tx/register_methodology", json=methodology_body("WHCI-ST-1"), headers=auth(tok)
            )
            assert r.status_code == 202 and r.json()["status"] == "pending"
            service = client.app.state.signing  # type: ignore[attr-defined]
            with sessions_of(settings)() as session:
                record = session.get(SigningRequest, r.json()["id"])
            assert record is not None and record.raw_tx is not None
            from carbon_chain.signer import decode_signed_transaction

            old = decode_signed_transaction(record.raw_tx)
            new_hash = service.replace(record, service.keyring.get("agency"))
            provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        finally:
            provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]
        status = client.get(f"/v1/tx/{r.json()['id']}", headers=auth(tok)).json()
        assert status["status"] == "mined" and status["tx_hash"] == new_hash != r.json()["tx_hash"]
        with sessions_of(settings)() as session:
            record = session.get(SigningRequest, r.json()["id"])
        assert record is not None and record.raw_tx is not None
        new = decode_signed_transaction(record.raw_tx)
        assert new.nonce == old.nonce
        for field in ("maxFeePerGas", "maxPriorityFeePerGas"):
            assert new.fees[field] >= old.fees[field] * 110 // 100 + 1  # >= geth/Besu 10 % bump


# ---------------------------------------------------------------------- reorg
def test_reorged_out_transaction_is_pending_again_then_resent(
    tmp_path: Path, dev: DevRegistry, tx_keyfiles: KeyFiles
) -> None:
    """FAULTS 23: the receipt disappears in a reorg; status returns to pending and the signer
    re-sends the same signed transaction, which lands again."""
    settings = base_settings(tmp_path, dev, tx_keyfiles)
    tok = token(settings, "agency", "register_methodology")
    with open_client(settings, tx_keyfiles) as client:
        mined = client.post(
            "/v1/tx/register_methodology",
            json=methodology_body("WHCI-RO-1"),
            headers=auth(tok),
        ).json()
        assert mined["status"] == "mined"
        provider = dev.w3.provider
        provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
        try:
            reply = provider.make_request("anvil_reorg", [1, []])  # type: ignore[arg-type]
            assert "error" not in reply, reply
            again = client.get(f"/v1/tx/{mined['id']}", headers=auth(tok)).json()
            assert again["status"] == "pending" and again["block_number"] is None
        finally:
            provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]
        provider.make_request("evm_mine", [])  # type: ignore[arg-type]
        final = client.get(f"/v1/tx/{mined['id']}", headers=auth(tok)).json()
        assert final["status"] == "mined" and final["tx_hash"] == mined["tx_hash"]
        assert final["block_hash"] != mined["block_hash"]
