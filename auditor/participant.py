"""The participant check: prove one account's allocation is published and under the on-chain root.

Privacy-preserving: the output names only that account's leaf and its proof, never another
participant's allocation.
"""

from __future__ import annotations

from typing import Any

from eth_utils.address import is_address, to_checksum_address
from web3 import Web3

from auditor.audit import AuditError, verify_deployment
from auditor.sources import DatasetSource, load_dataset
from auditor.views import CallFailed, ViewCaller
from carbon_chain.manifest import Deployment
from carbon_chain.merkle import AllocationTree, leaf_hash


def prove_allocation(
    w3: Web3,
    deployment: Deployment,
    datasets: DatasetSource,
    account: str,
    batch_id: int,
    block: int | None = None,
) -> dict[str, Any]:
    """Return the proof document for `account` in `batch_id`; `proven` says whether it holds.

    Raises:
        AuditError: the check could not run (bad address, unknown batch, unreachable chain).
    """
    if not is_address(account):
        raise AuditError(f"--account {account!r} is not an address")
    account = to_checksum_address(account)
    audited, _ = verify_deployment(w3, deployment, block)
    caller = ViewCaller(w3, deployment, audited)
    (batch,) = caller.call_many([("ledger", "getBatch", (batch_id,))])
    if isinstance(batch, CallFailed):
        raise AuditError(f"batch {batch_id} does not exist at block {audited}")
    report_id = int(batch["reportId"])
    report, claimed = caller.call_many(
        [("registry", "getReport", (report_id,)), ("ledger", "hasClaimed", (batch_id, account))]
    )
    if isinstance(report, CallFailed):
        raise AuditError(f"report {report_id} of batch {batch_id} does not exist")
    onchain_root: bytes = batch["merkleRoot"]
    evidence: bytes = report["evidenceHash"]
    doc: dict[str, Any] = {
        "account": account,
        "batch": batch_id,
        "report": report_id,
        "block": audited,
        "batch_merkle_root": "0x" + onchain_root.hex(),
        "report_data_root": "0x" + report["dataRoot"].hex(),
        "evidence_hash": "0x" + evidence.hex(),
        "claimed": claimed is True,
        "problems": [],
    }
    problems: list[str] = doc["problems"]
    if onchain_root == bytes(32):
        problems.append("the batch was issued to its proponent, not as a Merkle distribution")
    loaded = load_dataset(datasets, evidence)
    if loaded is None or loaded.dataset is None:
        problems.append("the report's dataset is not published (or not valid)")
        doc["proven"] = False
        return doc
    doc["dataset_sha256_matches"] = loaded.sha256 == evidence
    if loaded.sha256 != evidence:
        problems.append("the published dataset's sha256 is not the report's evidenceHash")
    mine = [a for a in loaded.dataset.allocations if a.account.lower() == account.lower()]
    if not mine:
        problems.append("the account has no allocation in the published dataset")
        doc["proven"] = False
        return doc
    amount = mine[0].grams
    tree = AllocationTree([(a.account, a.grams) for a in loaded.dataset.allocations])
    proof = tree.proof(account)
    doc["leaf"] = {
        "account": account,
        "grams": amount,
        "hash": "0x" + leaf_hash(account, amount).hex(),
    }
    doc["proof"] = ["0x" + p.hex() for p in proof]
    doc["proof_valid_under_batch_root"] = AllocationTree.verify(
        onchain_root, account, amount, proof
    )
    doc["proof_valid_under_report_root"] = AllocationTree.verify(
        report["dataRoot"], account, amount, proof
    )
    if not doc["proof_valid_under_batch_root"]:
        problems.append("the proof does not verify under the batch's on-chain Merkle root")
    if not doc["proof_valid_under_report_root"]:
        problems.append("the proof does not verify under the report's dataRoot")
    doc["proven"] = not problems
    return doc
