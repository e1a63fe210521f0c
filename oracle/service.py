"""The oracle's steps over one run, each idempotent and resumable from the stored state.

``open_run → ingest* → compute → publish → collect_signatures → submit``; a step that already
happened returns its stored result, so re-running any command after a crash at any point ends
with exactly one report on chain.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eth_utils.address import is_address, to_checksum_address
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carbon_chain.eip712 import Domain, ReportPayload, report_digest
from carbon_chain.manifest import Deployment
from carbon_chain.merkle import AllocationTree
from carbon_chain.signer import Signer
from oracle.allocate import aggregate, build_tree, proof_of
from oracle.attest import (
    REQUEST_FILE,
    Collected,
    SigningRequest,
    collect,
    load_request,
    request_folder,
    write_request,
)
from oracle.config import OracleSettings
from oracle.crash import crash_point
from oracle.errors import ConfigError, NotFoundError, SignatureError, StateError
from oracle.ingest import IngestSummary, ingest_bytes, pseudonymize
from oracle.methodologies import get
from oracle.models import (
    RUN_ORDER,
    Allocation,
    Input,
    Participant,
    Project,
    Quarantine,
    Record,
    Run,
    RunStatus,
    table_of,
)
from oracle.publish import build_evidence, quarantine_bytes, records_bytes, write_evidence
from oracle.sources import InputFormat, feed
from oracle.store import Store
from oracle.submit import ChainGateway, submit_report

log = logging.getLogger(__name__)


@dataclass
class Oracle:
    """The oracle operator's service: store, deployment, optional chain and oracle key."""

    settings: OracleSettings
    store: Store
    deployment: Deployment
    gateway: ChainGateway | None = None
    signer: Signer | None = None

    # ---- registration -------------------------------------------------------------------

    def add_project(
        self, project_id: int, code: str | None = None, version: int | None = None
    ) -> None:
        """Record a project the oracle reports for; read from chain when connected.

        Raises:
            ConfigError: the on-chain methodology differs from the one given, or is unknown.
        """
        if self.gateway is not None:
            chain_code, chain_version, _status = self.gateway.project(project_id)
            if chain_code == "" or (code, version) not in (
                (None, None),
                (chain_code, chain_version),
            ):
                raise ConfigError(
                    f"project {project_id} on chain uses {chain_code or 'nothing'} "
                    f"v{chain_version}, not {code} v{version}"
                )
            code, version = chain_code, chain_version
        if code is None or version is None:
            raise ConfigError("without a chain connection, give the methodology code and version")
        get(code, version)
        with self.store.session() as session:
            existing = session.get(Project, project_id)
            if existing is None:
                session.add(
                    Project(
                        project_id=project_id, methodology_code=code, methodology_version=version
                    )
                )
            elif (existing.methodology_code, existing.methodology_version) != (code, version):
                raise ConfigError(f"project {project_id} is already known with another methodology")

    def enroll(self, source: str, links: list[tuple[str, str]]) -> int:
        """Link partner user ids to carbon accounts (stored as pseudonym → account).

        Returns:
            How many links were new or changed.

        Raises:
            ConfigError: an account is not a 0x address.
        """
        salt = self.settings.salt()
        wanted: dict[str, str] = {}
        for user_id, account in links:
            if not is_address(account):
                raise ConfigError(f"{account[:44]!r} is not an address")
            wanted[pseudonymize(salt, source, user_id)] = to_checksum_address(account)
        changed = 0
        with self.store.session() as session:
            pseudonyms = sorted(wanted)
            current: dict[str, Participant] = {}
            for start in range(0, len(pseudonyms), 500):
                chunk = pseudonyms[start : start + 500]
                current.update(
                    (p.pseudonym, p)
                    for p in session.scalars(
                        select(Participant).where(Participant.pseudonym.in_(chunk))
                    )
                )
            new_rows = []
            for pseudonym, address in wanted.items():
                row = current.get(pseudonym)
                if row is None:
                    new_rows.append({"pseudonym": pseudonym, "source": source, "account": address})
                elif row.account != address:
                    row.account = address
                    changed += 1
            if new_rows:
                session.execute(table_of(Participant).insert(), new_rows)
        return changed + len(new_rows)

    def open_run(self, project_id: int, period_start: int, period_end: int) -> int:
        """Return the run of a project's period, creating it if new.

        Raises:
            NotFoundError: the project is unknown to the oracle.
            StateError: the period is empty or overlaps another run of the project.
        """
        if period_start >= period_end:
            raise StateError(f"empty period [{period_start}, {period_end})")
        with self.store.session() as session:
            if session.get(Project, project_id) is None:
                raise NotFoundError(f"project {project_id} is unknown; add it first")
            runs = session.scalars(select(Run).where(Run.project_id == project_id)).all()
            for run in runs:
                if (run.period_start, run.period_end) == (period_start, period_end):
                    return run.id
                if run.period_start < period_end and period_start < run.period_end:
                    raise StateError(
                        f"period overlaps run {run.id} [{run.period_start}, {run.period_end})"
                    )
            run = Run(project_id=project_id, period_start=period_start, period_end=period_end)
            session.add(run)
            session.flush()
            return run.id

    # ---- ingest -------------------------------------------------------------------------

    def ingest(
        self,
        run_id: int,
        feed_name: str,
        data: bytes,
        fmt: InputFormat,
        name: str,
        source: str | None = None,
        *,
        pseudonymized: bool = False,
    ) -> IngestSummary:
        """Ingest one input's bytes into a run and commit (see ``oracle.ingest``)."""
        spec = feed(feed_name)
        salt = self.settings.salt()
        with self.store.session() as session:
            run = self._run(session, run_id)
            project = session.get(Project, run.project_id)
            assert project is not None
            if (project.methodology_code, project.methodology_version) != (
                spec.methodology_code,
                spec.methodology_version,
            ):
                raise StateError(
                    f"feed {spec.name} computes {spec.methodology_code}; project "
                    f"{project.project_id} uses {project.methodology_code}"
                )
            summary = ingest_bytes(
                session,
                run,
                spec,
                source or spec.name,
                data,
                fmt,
                name,
                salt,
                pseudonymized=pseudonymized,
                workers=self.settings.ingest_workers,
            )
            crash_point("ingest-stored")
        crash_point("ingested")
        log.info("ingested %s", json.dumps(summary.as_dict()))
        return summary

    def ingest_file(
        self, run_id: int, feed_name: str, path: Path, source: str | None = None
    ) -> IngestSummary:
        """Ingest a CSV (``.csv``) or JSONL (any other suffix) file."""
        fmt = InputFormat.CSV if path.suffix.lower() == ".csv" else InputFormat.JSONL
        return self.ingest(run_id, feed_name, path.read_bytes(), fmt, path.name, source)

    # ---- compute, publish ---------------------------------------------------------------

    def compute(self, run_id: int) -> RunStatus:
        """Fix a run's allocations and Merkle root; no more records after this.

        Raises:
            StateError: the run has no positive reduction.
        """
        with self.store.session() as session:
            run = self._run(session, run_id)
            if run.status != RunStatus.OPEN:
                return RunStatus(run.status)
            rows = session.execute(
                select(Record.account, func.sum(Record.grams))
                .where(Record.run_id == run_id)
                .group_by(Record.account)
            )
            allocations = aggregate((account, int(total)) for account, total in rows)
            if not allocations:
                raise StateError(f"run {run_id} has no positive reduction to report")
            tree = build_tree(allocations)
            session.execute(
                table_of(Allocation).insert(),
                [{"run_id": run_id, "account": a, "grams": g} for a, g in allocations],
            )
            run.quantity = sum(grams for _, grams in allocations)
            run.data_root = "0x" + tree.root.hex()
            run.status = RunStatus.COMPUTED
        crash_point("computed")
        return RunStatus.COMPUTED

    def publish(self, run_id: int) -> Path:
        """Write the run's evidence folder and signing request; fix the payload's deadline.

        Returns:
            The published folder.
        """
        with self.store.session() as session:
            run = self._run(session, run_id)
            self._require(run, RunStatus.COMPUTED)
            evidence = self._evidence(session, run)
            folder = write_evidence(evidence, self.settings.publish_dir)
            crash_point("publish-written")
            if run.status == RunStatus.COMPUTED:
                now = self.gateway.now() if self.gateway is not None else int(time.time())
                run.deadline = max(run.period_end, now) + self.settings.report_validity_seconds
                run.evidence_hash = "0x" + evidence.evidence_hash.hex()
            elif run.evidence_hash != "0x" + evidence.evidence_hash.hex():
                raise StateError(f"run {run_id}: recomputed evidence differs from the stored hash")
            request = SigningRequest.of(self.domain, self._payload(run))
            write_request(self.settings.signatures_dir, request)
            run.digest = request.digest
            if run.status == RunStatus.COMPUTED:
                run.status = RunStatus.PUBLISHED
        crash_point("published")
        return folder

    def request_path(self, run_id: int) -> Path:
        """Return the path of a published run's ``request.json``."""
        with self.store.session() as session:
            run = self._run(session, run_id)
            self._require(run, RunStatus.PUBLISHED)
            assert run.digest is not None
            return (
                request_folder(self.settings.signatures_dir, bytes.fromhex(run.digest[2:]))
                / REQUEST_FILE
            )

    # ---- signatures, submission ---------------------------------------------------------

    def collect_signatures(self, run_id: int) -> Collected:
        """Check the verifiers' signature files; move to SIGNED with at least k valid ones.

        Raises:
            SignatureError: fewer than k valid signatures (the message lists refused files).
        """
        path = self.request_path(run_id)
        request = load_request(path)
        check = self.gateway.is_active_verifier if self.gateway is not None else None
        collected = collect(path.parent, request, check)
        threshold = self.gateway.threshold() if self.gateway is not None else 1
        if len(collected.signatures) < threshold:
            refused = "; ".join(collected.refused) or "none refused"
            raise SignatureError(
                f"run {run_id}: {len(collected.signatures)} valid signature(s), need {threshold} "
                f"in {path.parent} ({refused})"
            )
        with self.store.session() as session:
            run = self._run(session, run_id)
            if run.status == RunStatus.PUBLISHED:
                run.status = RunStatus.SIGNED
        crash_point("collected")
        return collected

    def submit(self, run_id: int) -> int:
        """Put the run's report on chain (once) and return its report id.

        Raises:
            ConfigError: no chain connection or no oracle key.
        """
        if self.gateway is None or self.signer is None:
            raise ConfigError("submitting needs a chain connection and the oracle's keystore")
        with self.store.session() as session:
            run = self._run(session, run_id)
            if run.status == RunStatus.SUBMITTED and run.report_id is not None:
                return run.report_id
            self._require(run, RunStatus.PUBLISHED)
            known_tx = run.tx_hash
        collected = self.collect_signatures(run_id)
        request = load_request(self.request_path(run_id))

        def record_tx(tx_hash: str) -> None:
            with self.store.session() as session:
                self._run(session, run_id).tx_hash = tx_hash
            crash_point("tx-recorded")

        report_id = submit_report(
            self.gateway,
            self.signer,
            request.payload,
            bytes.fromhex(request.digest[2:]),
            collected.signatures,
            known_tx,
            record_tx,
        )
        with self.store.session() as session:
            run = self._run(session, run_id)
            run.report_id = report_id
            run.status = RunStatus.SUBMITTED
        crash_point("submitted")
        return report_id

    # ---- queries ------------------------------------------------------------------------

    def status(self, run_id: int) -> dict[str, Any]:
        """Return a run's state, counts and quarantine breakdown."""
        with self.store.session() as session:
            run = self._run(session, run_id)
            inputs = session.execute(
                select(func.count(), func.sum(Input.accepted), func.sum(Input.quarantined)).where(
                    Input.run_id == run_id
                )
            ).one()
            problems = session.execute(
                select(Quarantine.code, func.count())
                .where(Quarantine.run_id == run_id)
                .group_by(Quarantine.code)
            )
            return {
                "run_id": run.id,
                "project_id": run.project_id,
                "period": [run.period_start, run.period_end],
                "status": run.status,
                "inputs": inputs[0],
                "accepted": int(inputs[1] or 0),
                "quarantined": int(inputs[2] or 0),
                "quarantine_by_reason": dict(sorted((code, n) for code, n in problems)),
                "quantity_grams": run.quantity,
                "data_root": run.data_root,
                "evidence_hash": run.evidence_hash,
                "deadline": run.deadline,
                "digest": run.digest,
                "tx_hash": run.tx_hash,
                "report_id": run.report_id,
            }

    def quarantine(self, run_id: int) -> list[dict[str, Any]]:
        """Return a run's quarantined lines with their located reasons."""
        with self.store.session() as session:
            rows = session.scalars(
                select(Quarantine)
                .where(Quarantine.run_id == run_id)
                .order_by(Quarantine.input_sha256, Quarantine.line)
            )
            return [
                {
                    "input": q.input_sha256,
                    "source": q.source,
                    "line": q.line,
                    "code": q.code,
                    "reason": q.reason,
                }
                for q in rows
            ]

    def tree(self, run_id: int) -> AllocationTree:
        """Rebuild a computed run's allocation tree from the stored allocations."""
        with self.store.session() as session:
            run = self._run(session, run_id)
            self._require(run, RunStatus.COMPUTED)
            rows = session.execute(
                select(Allocation.account, Allocation.grams).where(Allocation.run_id == run_id)
            ).all()
        return build_tree(aggregate((a, g) for a, g in rows))

    def proof(self, run_id: int, account: str) -> dict[str, object]:
        """Return an account's claim (grams, proof, root) in a computed run.

        Raises:
            NotFoundError: the account has no allocation.
        """
        try:
            return proof_of(self.tree(run_id), account)
        except KeyError:
            raise NotFoundError(f"{account} has no allocation in run {run_id}") from None

    # ---- helpers ------------------------------------------------------------------------

    @property
    def domain(self) -> Domain:
        """Return the EIP-712 domain of the deployment."""
        return Domain(self.deployment.chain_id, self.deployment.registry)

    def _payload(self, run: Run) -> ReportPayload:
        project = self._project_of(run)
        assert run.quantity and run.data_root and run.evidence_hash and run.deadline
        return ReportPayload(
            project_id=run.project_id,
            period_start=run.period_start,
            period_end=run.period_end,
            quantity=run.quantity,
            data_root=bytes.fromhex(run.data_root[2:]),
            evidence_hash=bytes.fromhex(run.evidence_hash[2:]),
            methodology_code=project[0],
            methodology_version=project[1],
            deadline=run.deadline,
        )

    def digest(self, run_id: int) -> bytes:
        """Return a published run's EIP-712 digest."""
        with self.store.session() as session:
            run = self._run(session, run_id)
            self._require(run, RunStatus.PUBLISHED)
            return report_digest(self.domain, self._payload(run))

    def _project_of(self, run: Run) -> tuple[str, int]:
        with self.store.session() as session:
            project = session.get(Project, run.project_id)
            assert project is not None
            return project.methodology_code, project.methodology_version

    def _evidence(self, session: Session, run: Run) -> Any:
        code, version = self._project_of(run)
        allocations = [
            (a, g)
            for a, g in session.execute(
                select(Allocation.account, Allocation.grams).where(Allocation.run_id == run.id)
            )
        ]
        allocations = aggregate(allocations)
        records = records_bytes(
            session.execute(
                select(Record.input_sha256, Record.line, Record.account, Record.grams).where(
                    Record.run_id == run.id
                )
            )
        )
        quarantine = quarantine_bytes(
            session.execute(
                select(Quarantine.input_sha256, Quarantine.line, Quarantine.code).where(
                    Quarantine.run_id == run.id
                )
            )
        )
        inputs = session.execute(
            select(Input.source, Input.sha256, Input.accepted).where(Input.run_id == run.id)
        )
        assert run.data_root is not None
        return build_evidence(
            chain_id=self.deployment.chain_id,
            registry=self.deployment.registry,
            project_id=run.project_id,
            period_start=run.period_start,
            period_end=run.period_end,
            methodology_code=code,
            methodology_version=version,
            allocations=allocations,
            merkle_root=bytes.fromhex(run.data_root[2:]),
            inputs=list(inputs),
            records=records,
            quarantine=quarantine,
        )

    @staticmethod
    def _run(session: Session, run_id: int) -> Run:
        run = session.get(Run, run_id)
        if run is None:
            raise NotFoundError(f"run {run_id} does not exist")
        return run

    @staticmethod
    def _require(run: Run, at_least: RunStatus) -> None:
        if RUN_ORDER.index(RunStatus(run.status)) < RUN_ORDER.index(at_least):
            raise StateError(f"run {run.id} is {run.status}; this step needs {at_least.value}")
