"""Deploy the registry from source: compile, deploy, connect its contracts, write a manifest."""

from __future__ import annotations

from dataclasses import dataclass

from eth_utils.address import to_checksum_address
from web3 import Web3

from carbon_chain.build import abi_hash, compile_contracts
from carbon_chain.chain import Registry
from carbon_chain.manifest import Deployment
from carbon_chain.signer import Signer

RECEIPT_POLL_SECONDS = 0.005


@dataclass(frozen=True)
class DeployParams:
    """Constructor parameters of the registry."""

    verifier_threshold: int = 2
    notice_period: int = 7 * 24 * 3600  # 公示 default: 7 days
    admin_delay: int = 24 * 3600  # two-step admin hand-over waits this long
    uri: str = ""


def _deploy(
    w3: Web3, signer: Signer, abi: list[dict[str, object]], bytecode: str, *args: object
) -> tuple[str, int]:
    factory = w3.eth.contract(abi=abi, bytecode=bytecode)
    tx = factory.constructor(*args).build_transaction(
        {
            "from": signer.address,
            "nonce": w3.eth.get_transaction_count(signer.address, "pending"),
            "chainId": w3.eth.chain_id,
        }
    )
    tx_hash = w3.eth.send_raw_transaction(signer.sign_transaction(dict(tx)))
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, poll_latency=RECEIPT_POLL_SECONDS)
    if receipt["status"] != 1 or receipt["contractAddress"] is None:
        raise RuntimeError(f"deployment transaction {tx_hash.hex()} failed")
    return to_checksum_address(receipt["contractAddress"]), int(receipt["blockNumber"])


def deploy(w3: Web3, admin: Signer, params: DeployParams | None = None) -> Deployment:
    """Deploy CarbonRegistry, CarbonLedger and CarbonMarket, connect them, return the manifest.

    Args:
        w3: connection to the target chain.
        admin: the agency's admin key (DEFAULT_ADMIN_ROLE).
        params: constructor parameters.
    """
    p = params or DeployParams()
    artifacts = compile_contracts()
    reg, led = artifacts["CarbonRegistry"], artifacts["CarbonLedger"]
    mkt = artifacts["CarbonMarket"]
    registry_address, first_block = _deploy(
        w3,
        admin,
        reg.abi,
        reg.bytecode,
        p.admin_delay,
        admin.address,
        p.verifier_threshold,
        p.notice_period,
    )
    ledger_address, _ = _deploy(w3, admin, led.abi, led.bytecode, registry_address, p.uri)
    market_address, _ = _deploy(w3, admin, mkt.abi, mkt.bytecode, registry_address, ledger_address)
    bound = Registry.at(w3, registry_address, ledger_address, market_address)
    bound.transact(admin, bound.registry.functions.setLedger(ledger_address))
    bound.transact(admin, bound.ledger.functions.setMarket(market_address))
    block = w3.eth.get_block(first_block)
    return Deployment(
        chain_id=w3.eth.chain_id,
        registry=registry_address,
        ledger=ledger_address,
        market=market_address,
        deploy_block=first_block,
        deploy_block_hash=block["hash"].to_0x_hex(),
        compiler=reg.compiler,
        abi_hashes={name: abi_hash(a.abi) for name, a in artifacts.items()},
    )
