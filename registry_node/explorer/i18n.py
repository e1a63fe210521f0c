# ruff: noqa: RUF001  (Chinese text uses full-width punctuation on purpose)
"""Every UI string of the explorer in Chinese and English (one table), plus region names."""

from __future__ import annotations

from typing import Final, Literal

from registry_node.plan.regions import REGION_NAMES

Lang = Literal["zh", "en"]
LANGS: Final[tuple[Lang, ...]] = ("zh", "en")
DEFAULT_LANG: Final[Lang] = "zh"

# key -> (zh, en). Enum labels use the key "<enum>.<MEMBER>"; CSV headers use the bare column key.
TEXT: Final[dict[str, tuple[str, str]]] = {
    "site.title": ("武汉碳普惠减排量登记簿", "Wuhan Carbon-Inclusive Credit Registry"),
    "site.tagline": (
        "公开浏览器：所有记录均来自链上事件，可独立核验",
        "Public explorer: every record is derived from chain events and can be verified",
    ),
    "lang.switch": ("English", "中文"),
    "nav.home": ("首页", "Home"),
    "nav.methodologies": ("方法学", "Methodologies"),
    "nav.projects": ("项目", "Projects"),
    "nav.batches": ("签发批次", "Batches"),
    "nav.accounts": ("碳账户", "Accounts"),
    "nav.retirements": ("核销", "Retirements"),
    "nav.cancellations": ("注销", "Cancellations"),
    "nav.events": ("大型活动", "Events"),
    "nav.compliance": ("履约衔接", "Compliance"),
    "nav.imports": ("跨平台导入", "Imports"),
    "nav.compensation": ("生态赔偿", "Compensation"),
    "nav.plan": ("核销方案", "Retirement plan"),
    "search.placeholder": (
        "序列号、交易哈希、地址、项目编号或证书编号",
        "Serial, tx hash, address, project id or certificate number",
    ),
    "search.button": ("搜索", "Search"),
    "search.title": ("搜索", "Search"),
    "search.results": ("搜索结果", "Search results"),
    "search.none": ("没有找到与此匹配的记录。", "Nothing matches this query."),
    "search.hint": (
        "可输入：序列号或证书编号（数字）、项目/批次/活动编号、"
        "0x 开头的地址（42 位）或交易哈希（66 位）。",
        "Enter a serial or certificate number (digits), a project/batch/event id, "
        "a 0x address (42 characters) or a transaction hash (66 characters).",
    ),
    "search.too_long": ("查询内容过长。", "The query is too long."),
    "match.certificate": ("核销证书", "Retirement certificate"),
    "match.serial_retirement": ("包含该序列号的核销", "Retirement holding this serial"),
    "match.serial_cancellation": ("包含该序列号的注销", "Cancellation holding this serial"),
    "match.serial_batch": ("包含该序列号的批次", "Batch holding this serial"),
    "match.project": ("项目", "Project"),
    "match.batch": ("批次", "Batch"),
    "match.event": ("大型活动", "Event"),
    "match.account": ("账户", "Account"),
    "match.tx": ("交易", "Transaction"),
    "home.totals": ("总量（吨二氧化碳当量）", "Totals (tCO2e)"),
    "home.by_sector": ("按行业", "By sector"),
    "home.by_region": ("按地区", "By region"),
    "home.by_vintage": ("按年份", "By vintage"),
    "home.indexed_block": ("已索引区块", "Indexed block"),
    "home.empty": ("暂无签发记录。", "Nothing has been issued yet."),
    "chart.issued": ("签发", "Issued"),
    "chart.retired": ("核销", "Retired"),
    "total.issued": ("已签发", "Issued"),
    "total.held": ("持有中", "Held"),
    "total.retired": ("已核销", "Retired"),
    "total.cancelled": ("已注销", "Cancelled"),
    "total.unclaimed": ("待领取", "Unclaimed"),
    "total.batches": ("批次数", "Batches"),
    "unit.t": ("吨", "t"),
    "list.csv": ("导出 CSV", "Export CSV"),
    "list.next": ("下一页", "Next page"),
    "list.prev": ("上一页", "Previous page"),
    "list.empty": ("暂无记录。", "No records."),
    "error.404": ("未找到", "Not found"),
    "error.400": ("请求无效", "Bad request"),
    "error.back": ("返回首页", "Back to the home page"),
    "error.not_found": ("索引中没有这条记录。", "This record is not in the index."),
    "error.bad_id": ("编号必须是非负整数。", "An id must be a non-negative integer."),
    "error.bad_address": (
        "地址必须是 0x 开头的 42 位十六进制地址。",
        "An address must be 0x followed by 40 hex digits.",
    ),
    "error.bad_hash": (
        "交易哈希必须是 0x 开头的 66 位十六进制。",
        "A transaction hash must be 0x followed by 64 hex digits.",
    ),
    # column keys (also CSV headers)
    "methodology_id": ("方法学编号", "Methodology id"),
    "code": ("代码", "Code"),
    "version": ("版本", "Version"),
    "sector": ("行业", "Sector"),
    "kind": ("类型", "Kind"),
    "status": ("状态", "Status"),
    "document_hash": ("文本哈希 (sha256)", "Document hash (sha256)"),
    "point_validity_days": ("积分有效期（天）", "Point validity (days)"),
    "project_id": ("项目编号", "Project id"),
    "proponent": ("项目业主", "Proponent"),
    "region": ("地区", "Region"),
    "notice_ends_at": ("公示截止", "Public notice ends"),
    "notice": ("公示期", "Public notice"),
    "notice.open": ("公示中，截止于", "In public notice until"),
    "notice.over": ("公示已结束", "Notice period over"),
    "metadata_uri": ("项目资料", "Project record"),
    "metadata_hash": ("资料哈希", "Record hash"),
    "report_id": ("报告编号", "Report id"),
    "period": ("监测期", "Monitoring period"),
    "quantity": ("数量 (t)", "Quantity (t)"),
    "signers": ("核证机构", "Verifiers"),
    "data_root": ("分配 Merkle 根", "Allocation Merkle root"),
    "evidence_hash": ("证据哈希", "Evidence hash"),
    "batch_id": ("批次编号", "Batch id"),
    "vintage": ("年份", "Vintage"),
    "serial_block": ("序列号区间", "Serial block"),
    "serial_start": ("起始序列号", "First serial"),
    "serial_end": ("末尾序列号", "Last serial"),
    "recipient": ("接收方", "Recipient"),
    "issued": ("签发量 (t)", "Issued (t)"),
    "held": ("持有 (t)", "Held (t)"),
    "retired": ("核销 (t)", "Retired (t)"),
    "cancelled": ("注销 (t)", "Cancelled (t)"),
    "claimed": ("已领取 (t)", "Claimed (t)"),
    "unclaimed": ("待领取 (t)", "Unclaimed (t)"),
    "locked": ("待出口锁定 (t)", "Locked for export (t)"),
    "buffer": ("缓冲 (t)", "Buffer (t)"),
    "claim_deadline": ("领取截止", "Claim deadline"),
    "expires_at": ("积分过期", "Points expire"),
    "distribution": ("Merkle 分配", "Merkle distribution"),
    "address": ("地址", "Address"),
    "record_hash": ("登记记录哈希", "Registration record hash"),
    "balance": ("余额 (t)", "Balance (t)"),
    "holder": ("持有方", "Holder"),
    "beneficiary": ("受益方", "Beneficiary"),
    "amount": ("数量 (t)", "Amount (t)"),
    "amount_grams": ("数量（克）", "Amount (grams)"),
    "purpose": ("用途", "Purpose"),
    "certificate_id": ("证书编号", "Certificate number"),
    "cancellation_id": ("注销编号", "Cancellation id"),
    "reason": ("原因", "Reason"),
    "reference_hash": ("参考哈希", "Reference hash"),
    "event_id": ("活动编号", "Event id"),
    "name": ("名称", "Name"),
    "organiser": ("组织方", "Organiser"),
    "dates": ("日期", "Dates"),
    "footprint": ("碳足迹 (t)", "Footprint (t)"),
    "outstanding": ("尚需抵消 (t)", "Outstanding (t)"),
    "neutral": ("碳中和", "Carbon-neutral"),
    "time": ("时间", "Time"),
    "block_number": ("区块号", "Block"),
    "tx_hash": ("交易哈希", "Tx hash"),
    "log_index": ("日志序号", "Log index"),
    "event_name": ("链上事件", "Chain event"),
    "contract": ("合约", "Contract"),
    "args": ("参数", "Arguments"),
    "history": ("状态历史", "Status history"),
    "previous": ("原状态", "Previous"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    # page titles and sections
    "page.methodology": ("方法学", "Methodology"),
    "page.project": ("项目", "Project"),
    "page.batch": ("签发批次", "Batch"),
    "page.account": ("碳账户", "Carbon account"),
    "page.certificate": ("核销证书", "Retirement certificate"),
    "page.event": ("大型活动碳中和证书", "Event carbon-neutrality certificate"),
    "page.tx": ("交易", "Transaction"),
    "section.reports": ("减排量核证报告", "Verified reports"),
    "section.batches": ("签发批次", "Batches"),
    "section.projects": ("项目", "Projects"),
    "section.supply": ("供应", "Supply"),
    "section.holders": ("持有方", "Holders"),
    "section.claims": ("个人领取", "Claims"),
    "section.retirements": ("核销记录", "Retirements"),
    "section.cancellations": ("注销记录", "Cancellations"),
    "section.balances": ("余额", "Balances"),
    "section.activity": ("链上记录", "Ledger history"),
    "section.provenance": ("来源", "Provenance"),
    "section.logs": ("事件日志", "Logs"),
    "section.verify": ("如何自行核验", "How to verify this yourself"),
    "account.pseudonymous": (
        "账户为假名：链上只保存地址、类型、地区和登记记录的哈希，不含个人信息。",
        "Accounts are pseudonymous: the chain keeps only the address, kind, region and a hash "
        "of the registration record, no personal data.",
    ),
    "account.unregistered": (
        "此地址不是已登记的碳账户（例如出口托管地址）。",
        "This address is not a registered carbon account (e.g. export custody).",
    ),
    "cert.print": ("打印版", "Printable version"),
    "cert.view_online": ("在线查看", "View online"),
    "cert.statement": (
        "兹证明以下碳普惠减排量已在武汉碳普惠登记簿中永久核销，不可再转让或重复使用。",
        "This certifies that the carbon-inclusive credits below were permanently retired in the "
        "Wuhan carbon-inclusive registry and can never be transferred or used again.",
    ),
    "cert.event_statement": (
        "兹证明以下大型活动的碳足迹已由下列核销记录抵消。",
        "This certifies that the footprint of the event below is offset by the retirements listed.",
    ),
    "cert.not_neutral": (
        "此活动尚未达到碳中和：核销量低于碳足迹。",
        "This event is not yet carbon-neutral: retirements are below its footprint.",
    ),
    "cert.neutral_at": ("达到碳中和的区块", "Carbon-neutral since block"),
    "cert.qr": ("扫码查看在线证书", "Scan to open the online certificate"),
    "cert.serials": ("核销序列号", "Retired serials"),
    "verify.intro": (
        "本页面只是链上数据的索引视图。审计工具不依赖本节点，直接从链上重放全部事件并检查所有不变量：",
        "This page is an indexed view of the chain. The auditor replays every event from the "
        "chain alone, independently of this node, and checks every invariant:",
    ),
    "verify.steps": (
        "审计通过（退出码 0）后，在报告中核对上表中的证书编号、交易哈希和区块号；也可以用 "
        "--node 参数让审计工具与本节点的 API 交叉核对。",
        "When the audit passes (exit code 0), look up the certificate numbers, transaction "
        "hashes and block numbers above in its report; add --node to cross-check this node's API.",
    ),
    "verify.rpc_note": (
        "把 RPC 地址换成你自己信任的任一链节点。",
        "Replace the RPC URL with any node of the chain you trust.",
    ),
    # market, accounts, plans, compensation
    "page.summary": ("企业碳账户报表", "Enterprise carbon account"),
    "page.points": ("个人碳积分", "Citizen carbon points"),
    "page.compliance_years": ("湖北碳市场履约衔接", "Hubei compliance market"),
    "page.compliance": ("履约年度", "Compliance year"),
    "page.imports": ("跨平台导入", "Imports from partner platforms"),
    "page.import": ("导入批次", "Imported batch"),
    "page.plan": ("核销方案（对口帮扶优先）", "Retirement plan (paired assistance first)"),
    "page.compensation": ("生态环境损害赔偿核销", "Ecological-damage compensation retirements"),
    "section.holdings": ("持有明细", "Holdings"),
    "section.years": ("年度汇总", "Yearly summary"),
    "section.compliance_uses": ("履约使用", "Compliance uses"),
    "section.imports": ("导入记录", "Imports received"),
    "section.movements": ("账户变动", "History"),
    "section.redemptions": ("积分兑换", "Redemptions"),
    "section.eligible": ("方法学资格", "Methodology eligibility"),
    "section.entities": ("控排企业", "Covered entities"),
    "section.years_list": ("履约年度", "Compliance years"),
    "section.plan_lines": ("核销明细", "Plan lines"),
    "section.plan_ops": ("签名请求（由持有方发送）", "Signing requests (sent by the holder)"),
    "section.skipped": ("不可使用的持有", "Holdings not usable"),
    "section.case": ("案件", "Court case"),
    "methodology": ("方法学", "Methodology"),
    "paired_assistance": ("对口帮扶", "Paired assistance"),
    "project_region": ("项目地区", "Project region"),
    "entity": ("控排企业", "Covered entity"),
    "imported": ("跨平台导入", "Imported"),
    "year": ("年度", "Year"),
    "held_total": ("持有合计 (t)", "Held in total (t)"),
    "share": ("对口帮扶地区占比", "Share from paired-assistance regions"),
    "y.received_issued": ("签发/领取 (t)", "Issued/claimed (t)"),
    "y.received_imported": ("导入 (t)", "Imported (t)"),
    "y.transferred_in": ("转入 (t)", "Transferred in (t)"),
    "y.released": ("解锁返还 (t)", "Released (t)"),
    "y.transferred_out": ("转出 (t)", "Transferred out (t)"),
    "y.redeemed": ("兑换 (t)", "Redeemed (t)"),
    "y.locked": ("锁定 (t)", "Locked (t)"),
    "y.retired": ("核销 (t)", "Retired (t)"),
    "y.cancelled": ("注销 (t)", "Cancelled (t)"),
    "y.exported": ("出口注销 (t)", "Exported (t)"),
    "y.used_for_compliance": ("履约使用 (t)", "Used for compliance (t)"),
    "y.net_change": ("净变化 (t)", "Net change (t)"),
    "y.balance_end": ("年末余额 (t)", "Balance at year end (t)"),
    "movement": ("变动", "Movement"),
    "counterparty": ("对方", "Counterparty"),
    "use_id": ("使用编号", "Use id"),
    "market_reference": ("市场参考号", "Market reference"),
    "requested_at": ("申请时间", "Requested"),
    "settled_at": ("结算时间", "Settled"),
    "import_id": ("导入编号", "Import id"),
    "partner": ("合作平台", "Partner platform"),
    "origin_serials": ("来源平台序列号", "Origin serials"),
    "digest": ("签署摘要 (EIP-712)", "Attested digest (EIP-712)"),
    "vintages": ("可用年份", "Eligible vintages"),
    "cap_bps": ("抵消上限比例", "Offset cap"),
    "closes_at": ("申请截止", "Requests close"),
    "verified_emissions": ("核定排放量 (t)", "Verified emissions (t)"),
    "cap": ("抵消上限 (t)", "Cap (t)"),
    "used": ("已使用 (t)", "Used (t)"),
    "available": ("可用 (t)", "Available (t)"),
    "eligible": ("可用于履约", "Eligible"),
    "redemption_id": ("兑换编号", "Redemption id"),
    "incentive_reference": ("激励参考哈希", "Incentive reference"),
    "aggregator": ("平台账户", "Aggregator"),
    "op": ("操作", "Operation"),
    "path": ("接口", "Endpoint"),
    "body": ("请求体 (JSON)", "Body (JSON)"),
    "case_text": ("案件", "Court case"),
    "case_status": ("核验", "Verification"),
    "move.issued": ("签发", "Issued"),
    "move.claimed": ("领取", "Claimed"),
    "move.imported": ("导入", "Imported"),
    "move.transfer_in": ("转入", "Transfer in"),
    "move.released": ("解锁返还", "Released"),
    "move.transfer_out": ("转出", "Transfer out"),
    "move.redeemed": ("兑换激励", "Redeemed"),
    "move.locked": ("锁定", "Locked"),
    "move.retired": ("核销", "Retired"),
    "move.cancelled": ("注销", "Cancelled"),
    "UseStatus.PENDING": ("待确认（已锁定）", "Pending (locked)"),
    "UseStatus.EXPORTED": ("已确认（出口注销）", "Exported (cancelled)"),
    "UseStatus.RELEASED": ("已退回", "Released"),
    "SkipReason.points": ("个人碳积分不可用于核销方案", "personal points"),
    "SkipReason.project_suspended": ("项目已暂停", "project suspended"),
    "cert.case_verified": (
        "已核验：案件原文的 keccak256 与链上参考哈希一致。",
        "verified: the keccak256 of the case text equals the on-chain reference hash.",
    ),
    "cert.case_unverified": (
        "未核验：本节点没有该哈希的原文，只显示链上哈希。",
        "not verified: this node holds no text for this hash; only the on-chain hash is shown.",
    ),
    "cert.paired_share": ("对口帮扶地区占比", "From paired-assistance regions"),
    "account.summary_link": (
        "企业碳账户报表（含年度汇总与 CSV）",
        "Account statement (yearly summary, CSV)",
    ),
    "account.points_link": ("个人碳积分页面", "Carbon points page"),
    "summary.all_years": ("全部年份", "All years"),
    "summary.csv": ("导出报表 CSV", "Export statement CSV"),
    "summary.note": (
        "年度按北京时间（UTC+8）划分；净变化 = 签发/领取 + 导入 + 转入 + 解锁返还"
        " − 转出 − 兑换 − 锁定 − 核销 − 注销。",
        "Years are calendar years in Beijing time (UTC+8); net change = issued/claimed + "
        "imported + transferred in + released - transferred out - redeemed - locked - retired "
        "- cancelled.",
    ),
    "points.note": (
        "碳积分只能转给平台账户或兑换激励，过期后由管理机构注销。",
        "Points move only to the platform's aggregator or are redeemed for incentives; the "
        "agency cancels them after they expire.",
    ),
    "compliance.none": ("尚无履约年度。", "No compliance year has been set."),
    "compliance.note": (
        "控排企业在抵消上限内锁定可用的减排量；管理机构凭碳市场参考号确认（出口注销）或退回。",
        "Covered entities lock eligible credits within their cap; the agency confirms with the "
        "market's reference (cancelled as exported) or releases them.",
    ),
    "compensation.note": (
        "用于生态环境损害赔偿的核销必须在链上记录案件参考哈希；本节点保存了原文的案件会显示原文并核验。",
        "A compensation retirement records the court case's reference hash on chain; cases "
        "whose text this node holds are shown and verified.",
    ),
    "plan.intro": (
        "按对口帮扶地区优先、再按年份由早到晚，从持有方的项目减排量中生成核销方案（不签名、不上链）。",
        "Plans a retirement from the holder's project credits, paired-assistance regions first, "
        "then the oldest vintage; nothing is signed or sent.",
    ),
    "plan.holder": ("持有方地址", "Holder address"),
    "plan.amount": ("数量（吨）", "Amount (t)"),
    "plan.event_id": ("活动编号（可选）", "Event id (optional)"),
    "plan.priority_first": ("对口帮扶地区优先", "Paired-assistance regions first"),
    "plan.submit": ("生成方案", "Make the plan"),
    "plan.regions": ("对口帮扶地区", "Paired-assistance regions"),
    "plan.bad_amount": (
        "数量必须是最多 6 位小数的正数（吨）。",
        "The amount must be a positive number of tonnes with up to 6 decimals.",
    ),
    "plan.bad_event": ("活动编号必须是正整数。", "The event id must be a positive integer."),
    "plan.missing": ("持有量不足，缺少（吨）：", "Holdings do not cover it; missing (t):"),
    # enums
    "AccountKind.AGENCY": ("管理机构", "Agency"),
    "AccountKind.VERIFIER": ("核证机构", "Verifier"),
    "AccountKind.ORACLE": ("预言机", "Oracle"),
    "AccountKind.ENTERPRISE": ("企业", "Enterprise"),
    "AccountKind.INDIVIDUAL": ("个人", "Individual"),
    "AccountKind.ORGANISER": ("活动组织方", "Event organiser"),
    "AccountKind.AUDITOR": ("审计方", "Auditor"),
    "AccountKind.PARTNER_REGISTRY": ("合作登记簿", "Partner registry"),
    "AccountKind.BUFFER": ("缓冲账户", "Buffer"),
    "AccountStatus.ACTIVE": ("正常", "Active"),
    "AccountStatus.FROZEN": ("冻结", "Frozen"),
    "AccountStatus.REVOKED": ("撤销", "Revoked"),
    "MethodologyKind.PROJECT": ("项目类", "Project"),
    "MethodologyKind.PERSONAL_SCENARIO": ("个人场景（碳积分）", "Personal scenario (points)"),
    "MethodologyStatus.ACTIVE": ("有效", "Active"),
    "MethodologyStatus.DEPRECATED": ("已废止", "Deprecated"),
    "ProjectStatus.PROPOSED": ("公示中", "Proposed"),
    "ProjectStatus.REGISTERED": ("已登记", "Registered"),
    "ProjectStatus.REJECTED": ("已驳回", "Rejected"),
    "ProjectStatus.SUSPENDED": ("已暂停", "Suspended"),
    "ProjectStatus.CLOSED": ("已关闭", "Closed"),
    "ReportStatus.VERIFIED": ("已核证", "Verified"),
    "ReportStatus.REJECTED": ("已驳回", "Rejected"),
    "RetirementPurpose.EVENT_NEUTRALITY": ("大型活动碳中和", "Event neutrality"),
    "RetirementPurpose.VOLUNTARY": ("自愿抵消", "Voluntary"),
    "RetirementPurpose.COMPLIANCE_OFFSET": ("履约抵消", "Compliance offset"),
    "RetirementPurpose.ECOLOGICAL_COMPENSATION": ("生态损害赔偿", "Ecological compensation"),
    "RetirementPurpose.INCENTIVE_REDEMPTION": ("激励兑换", "Incentive redemption"),
    "CancellationKind.INVALIDATION": ("作废", "Invalidation"),
    "CancellationKind.EXPORT": ("出口", "Export"),
    "CancellationKind.EXPIRY": ("过期", "Expiry"),
    "CancellationKind.UNCLAIMED": ("未领取余量", "Unclaimed remainder"),
    "sector.energy": ("能源", "Energy"),
    "sector.transport": ("交通", "Transport"),
    "sector.forestry": ("林业", "Forestry"),
    "sector.buildings": ("建筑", "Buildings"),
    "sector.waste": ("废弃物", "Waste"),
    "sector.agriculture": ("农业", "Agriculture"),
}

REGIONS: Final[dict[int, tuple[str, str]]] = REGION_NAMES


def pick(lang: str | None) -> Lang:
    """Return a supported language, the default for anything else."""
    return "en" if lang == "en" else DEFAULT_LANG


def text(lang: Lang, key: str) -> str:
    """Return the UI string for `key`; an unknown key shows as itself (and a test catches it)."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]


def label(lang: Lang, prefix: str, value: str) -> str:
    """Return the label of an enum member or sector, or the raw value when none is known."""
    pair = TEXT.get(f"{prefix}.{value}")
    if pair is None:
        return value
    return pair[0] if lang == "zh" else pair[1]


def region(lang: Lang, code: int | str) -> str:
    """Return "name (code)" for a GB/T 2260 code, or the code alone when unknown."""
    try:
        pair = REGIONS.get(int(code))
    except ValueError:
        pair = None
    if pair is None:
        return str(code)
    return f"{pair[0] if lang == 'zh' else pair[1]} ({code})"
