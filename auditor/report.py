"""The audit's outputs: a deterministic JSON report (with its sha256), HTML, and a terminal summary.

Same ledger at the same block → byte-identical JSON: sorted keys, canonical ordering of checks
and findings, and nothing about the run itself (no time, no paths, no durations).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from auditor.audit import AuditOutcome, summary
from carbon_chain.dataset import canonical_json

FORMAT = "whci-audit-v1"


def build_report(outcome: AuditOutcome) -> dict[str, Any]:
    """Return the report document: `audit` (the content) and `sha256` (of its canonical JSON)."""
    d = outcome.deployment
    audit: dict[str, Any] = {
        "format": FORMAT,
        "chain": {
            "chain_id": d.chain_id,
            "registry": d.registry,
            "ledger": d.ledger,
            "market": d.market,
            "deploy_block": d.deploy_block,
            "deploy_block_hash": d.deploy_block_hash.lower(),
            "audited_block": outcome.block,
            "audited_block_hash": outcome.block_hash.lower(),
        },
        "verdict": "clean" if outcome.clean else "findings",
        "finding_count": sum(len(r.findings) for r in outcome.results),
        "summary": summary(outcome),
        "checks": [
            {
                "name": r.name,
                "title": r.title,
                "invariant": r.invariant,
                "status": "pass" if r.passed else "fail",
                "checked": r.checked,
                "findings": [{"subject": f.subject, "message": f.message} for f in r.findings],
                "notes": list(r.notes),
            }
            for r in outcome.results
        ],
        "datasets": {
            str(rid): {
                "evidence_hash": "0x" + outcome.state.reports[rid].evidence_hash.hex(),
                "published": loaded is not None,
                "sha256": ("0x" + loaded.sha256.hex()) if loaded is not None else None,
            }
            for rid, loaded in sorted(outcome.datasets.items())
        },
    }
    return {"audit": audit, "sha256": hashlib.sha256(canonical_json(audit)).hexdigest()}


def report_bytes(report: dict[str, Any]) -> bytes:
    """Serialize the report deterministically (sorted keys, fixed indentation)."""
    return (json.dumps(report, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()


HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Registry audit at block {{ a.chain.audited_block }}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem .5rem;
text-align:left;vertical-align:top}.pass{color:#176117}.fail{color:#a11}code{font-size:.9em}
</style></head><body>
<h1>Wuhan carbon-inclusive registry: independent audit</h1>
<p class="{{ 'pass' if a.verdict == 'clean' else 'fail' }}">
<strong>Verdict: {{ a.verdict }}</strong>
({{ a.finding_count }} finding{{ '' if a.finding_count == 1 else 's' }})</p>
<p>Report sha256 <code>{{ sha256 }}</code></p>
<table>
<tr><th>chain id</th><td>{{ a.chain.chain_id }}</td></tr>
<tr><th>registry</th><td><code>{{ a.chain.registry }}</code></td></tr>
<tr><th>ledger</th><td><code>{{ a.chain.ledger }}</code></td></tr>
<tr><th>market</th><td><code>{{ a.chain.market }}</code></td></tr>
<tr><th>blocks</th><td>{{ a.chain.deploy_block }} … {{ a.chain.audited_block }}
(<code>{{ a.chain.audited_block_hash }}</code>)</td></tr>
</table>
<h2>Ledger</h2>
<table>{% for k, v in a.summary.items() if k != 'events_by_name' %}
<tr><th>{{ k }}</th><td>{{ v }}</td></tr>{% endfor %}
</table>
<h2>Checks</h2>
<table><tr><th>check</th><th>invariant</th><th>status</th><th>checked</th><th>findings</th></tr>
{% for c in a.checks %}<tr><td><code>{{ c.name }}</code><br>{{ c.title }}</td>
<td>{{ c.invariant }}</td><td class="{{ c.status }}">{{ c.status }}</td><td>{{ c.checked }}</td>
<td>{% for f in c.findings %}
<div><strong>{{ f.subject }}</strong>: {{ f.message }}</div>{% endfor %}
{% for n in c.notes %}<div><em>note</em>: {{ n }}</div>{% endfor %}</td></tr>
{% endfor %}</table>
</body></html>
"""


def report_html(report: dict[str, Any]) -> str:
    """Render the report as a standalone HTML page."""
    env = Environment(autoescape=select_autoescape(default=True), keep_trailing_newline=True)
    return env.from_string(HTML).render(a=report["audit"], sha256=report["sha256"])


def write_reports(report: dict[str, Any], out: Path) -> tuple[Path, Path]:
    """Write `audit.json` and `audit.html` into `out`; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out / "audit.json", out / "audit.html"
    json_path.write_bytes(report_bytes(report))
    html_path.write_text(report_html(report), encoding="utf-8")
    return json_path, html_path


def terminal_summary(report: dict[str, Any], max_findings: int = 20) -> str:
    """Return the human summary printed at the end of a run."""
    a = report["audit"]
    s = a["summary"]
    lines = [
        f"Audit of registry {a['chain']['registry']} on chain {a['chain']['chain_id']} "
        f"at block {a['chain']['audited_block']}",
        f"  {s['events']:,} events replayed: {s['accounts']} accounts, {s['reports']} reports, "
        f"{s['batches']} batches, {s['retirements']} retirements, "
        f"{s['cancellations']} cancellations, {s['claims']} claims",
        f"  issued {_tonnes(s['issued_grams'])} t, retired {_tonnes(s['retired_grams'])} t, "
        f"cancelled {_tonnes(s['cancelled_grams'])} t",
        f"  market: {s['compliance_uses']} compliance uses "
        f"({_tonnes(s['compliance_exported_grams'])} t exported), {s['imports']} imports "
        f"({_tonnes(s['imported_grams'])} t), {s['redemptions']} redemptions "
        f"({_tonnes(s['redeemed_grams'])} t)",
        "",
    ]
    for c in a["checks"]:
        mark = "ok  " if c["status"] == "pass" else "FAIL"
        lines.append(f"  [{mark}] {c['name']:<24} {c['title']} ({c['checked']} checked)")
        for f in c["findings"][:max_findings]:
            lines.append(f"         - {f['subject']}: {f['message']}")
        if len(c["findings"]) > max_findings:
            lines.append(f"         … {len(c['findings']) - max_findings} more in the JSON report")
    lines += ["", f"Verdict: {a['verdict'].upper()} — report sha256 {report['sha256']}"]
    return "\n".join(lines)


def _tonnes(grams: int) -> str:
    return f"{grams // 1_000_000:,}.{grams % 1_000_000:06d}"
