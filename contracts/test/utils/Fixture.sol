// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {Test} from "./Test.sol";
import {CarbonRegistry} from "../../src/CarbonRegistry.sol";
import {CarbonLedger} from "../../src/CarbonLedger.sol";
import {Roles} from "../../src/libraries/Roles.sol";
import {
    AccountKind, MethodologyKind, Project, ProjectStatus, ReportInput
} from "../../src/types/RegistryTypes.sol";

/// @notice Shared base of the registry and ledger tests: both contracts deployed and connected, the
/// agency's role keys granted, three verifier keys, the usual carbon accounts registered, and helpers
/// for methodologies, projects and k-of-n signed reports.
/// @dev Override one of the `_setUp*` steps to start from a different state (e.g. no buffer account).
abstract contract RegistryFixture is Test {
    uint48 internal constant ADMIN_DELAY = 1 days;
    uint256 internal constant THRESHOLD = 2;
    uint256 internal constant NOTICE_PERIOD = 7 days;
    /// @dev 2025-01-01T00:00:00Z: tests start at a realistic time so past monitoring periods exist.
    uint256 internal constant START_TIME = 1_735_689_600;
    uint32 internal constant WUHAN = 420100;
    uint32 internal constant WUCHANG = 420106;
    uint32 internal constant ENSHI = 422800;

    string internal constant PROJECT_CODE = "WHCI-PV-001";
    string internal constant SCENARIO_CODE = "WHCI-GT-001";
    uint32 internal constant METHODOLOGY_VERSION = 1;
    uint64 internal constant POINT_VALIDITY = 365 days;
    bytes32 internal constant DOCUMENT_HASH = keccak256("methodology text");
    bytes32 internal constant METADATA_HASH = keccak256("project metadata");
    string internal constant METADATA_URI = "ipfs://project-metadata";
    bytes32 internal constant DATA_ROOT = keccak256("allocation root");
    bytes32 internal constant EVIDENCE_HASH = keccak256("published dataset");
    uint64 internal constant SIGNATURE_VALIDITY = 1 days;

    CarbonRegistry internal registry;
    CarbonLedger internal ledger;

    // ---- agency keys (one per role) ----
    address internal admin;
    address internal registrar;
    address internal issuer;
    address internal oracle;
    address internal pauser;

    // ---- verifiers, sorted by ascending address (verifiers[i] = vm.addr(verifierKeys[i])) ----
    address[] internal verifiers;
    uint256[] internal verifierKeys;

    // ---- carbon accounts ----
    address internal proponent;
    address internal enterprise;
    address internal individual;
    address internal individual2;
    address internal organiser;
    address internal bufferAccount;
    address internal aggregator;
    /// @dev Holds no role and no account.
    address internal stranger;

    uint256 private _projectMethodologyId;
    uint256 private _scenarioMethodologyId;

    function setUp() public virtual {
        vm.warp(START_TIME);
        _setUpKeys();
        _setUpContracts();
        _setUpRoles();
        _setUpAccounts();
        _setUpLedgerConfig();
    }

    // ================================================================ set-up steps

    function _setUpKeys() internal virtual {
        admin = makeAddr("admin");
        registrar = makeAddr("registrar");
        issuer = makeAddr("issuer");
        oracle = makeAddr("oracle");
        pauser = makeAddr("pauser");
        proponent = makeAddr("proponent");
        enterprise = makeAddr("enterprise");
        individual = makeAddr("individual");
        individual2 = makeAddr("individual2");
        organiser = makeAddr("organiser");
        bufferAccount = makeAddr("buffer");
        aggregator = makeAddr("aggregator");
        stranger = makeAddr("stranger");
    }

    function _setUpContracts() internal virtual {
        registry = new CarbonRegistry(ADMIN_DELAY, admin, THRESHOLD, NOTICE_PERIOD);
        ledger = new CarbonLedger(address(registry), "");
        vm.prank(admin);
        registry.setLedger(address(ledger));
    }

    function _setUpRoles() internal virtual {
        vm.startPrank(admin);
        registry.grantRole(Roles.REGISTRAR, registrar);
        registry.grantRole(Roles.ISSUER, issuer);
        registry.grantRole(Roles.ORACLE, oracle);
        registry.grantRole(Roles.PAUSER, pauser);
        vm.stopPrank();
    }

    function _setUpAccounts() internal virtual {
        _addVerifier("verifier-1");
        _addVerifier("verifier-2");
        _addVerifier("verifier-3");
        _registerAccount(oracle, AccountKind.ORACLE, WUHAN);
        _registerAccount(proponent, AccountKind.ENTERPRISE, WUCHANG);
        _registerAccount(enterprise, AccountKind.ENTERPRISE, WUHAN);
        _registerAccount(individual, AccountKind.INDIVIDUAL, WUHAN);
        _registerAccount(individual2, AccountKind.INDIVIDUAL, ENSHI);
        _registerAccount(organiser, AccountKind.ORGANISER, WUHAN);
        _registerAccount(bufferAccount, AccountKind.BUFFER, WUHAN);
        _registerAccount(aggregator, AccountKind.ENTERPRISE, WUHAN);
    }

    function _setUpLedgerConfig() internal virtual {
        vm.startPrank(admin);
        ledger.setBufferAccount(bufferAccount);
        ledger.setAggregator(aggregator);
        vm.stopPrank();
    }

    // ================================================================ accounts and verifiers

    function _registerAccount(address account, AccountKind kind, uint32 region) internal {
        vm.prank(registrar);
        ledger.registerAccount(account, kind, region, keccak256(abi.encode("record", account)));
    }

    /// @notice Make a verifier key, grant it VERIFIER, register its VERIFIER account; keep the list sorted.
    function _addVerifier(string memory name) internal returns (address verifier, uint256 key) {
        (verifier, key) = makeKey(name);
        vm.prank(admin);
        registry.grantRole(Roles.VERIFIER, verifier);
        _registerAccount(verifier, AccountKind.VERIFIER, WUHAN);
        verifiers.push(verifier);
        verifierKeys.push(key);
        for (uint256 i = verifiers.length - 1; i > 0 && verifiers[i - 1] > verifiers[i]; --i) {
            (verifiers[i - 1], verifiers[i]) = (verifiers[i], verifiers[i - 1]);
            (verifierKeys[i - 1], verifierKeys[i]) = (verifierKeys[i], verifierKeys[i - 1]);
        }
    }

    /// @notice The first `count` verifier keys (ascending by address).
    function _verifierKeys(uint256 count) internal view returns (uint256[] memory keys) {
        keys = new uint256[](count);
        for (uint256 i = 0; i < count; ++i) {
            keys[i] = verifierKeys[i];
        }
    }

    // ================================================================ methodologies and projects

    function _registerMethodology(string memory code, uint32 version, MethodologyKind kind, uint64 pointValidity)
        internal
        returns (uint256 methodologyId)
    {
        vm.prank(registrar);
        methodologyId = registry.registerMethodology(code, version, "energy", kind, DOCUMENT_HASH, pointValidity);
    }

    /// @notice The default PROJECT methodology (registered on first use).
    function _projectMethodology() internal returns (uint256) {
        if (_projectMethodologyId == 0) {
            _projectMethodologyId =
                _registerMethodology(PROJECT_CODE, METHODOLOGY_VERSION, MethodologyKind.PROJECT, 0);
        }
        return _projectMethodologyId;
    }

    /// @notice The default PERSONAL_SCENARIO methodology (registered on first use).
    function _scenarioMethodology() internal returns (uint256) {
        if (_scenarioMethodologyId == 0) {
            _scenarioMethodologyId = _registerMethodology(
                SCENARIO_CODE, METHODOLOGY_VERSION, MethodologyKind.PERSONAL_SCENARIO, POINT_VALIDITY
            );
        }
        return _scenarioMethodologyId;
    }

    function _proposeProject(uint256 methodologyId, address proponent_) internal returns (uint256 projectId) {
        vm.prank(registrar);
        projectId = registry.proposeProject(methodologyId, proponent_, WUCHANG, METADATA_HASH, METADATA_URI);
    }

    /// @notice Propose a project, wait out its public-notice period and register it.
    function _registerProject(uint256 methodologyId, address proponent_) internal returns (uint256 projectId) {
        projectId = _proposeProject(methodologyId, proponent_);
        vm.warp(registry.getProject(projectId).noticeEndsAt);
        vm.prank(registrar);
        registry.registerProject(projectId);
    }

    /// @notice A REGISTERED project under the default PROJECT methodology, owned by `proponent`.
    function _registeredProject() internal returns (uint256) {
        return _registerProject(_projectMethodology(), proponent);
    }

    /// @notice A REGISTERED project under the default PERSONAL_SCENARIO methodology.
    function _registeredScenarioProject() internal returns (uint256) {
        return _registerProject(_scenarioMethodology(), proponent);
    }

    // ================================================================ reports

    /// @notice A ReportInput for `projectId` carrying its methodology's code and version.
    function _reportInput(uint256 projectId, uint64 periodStart, uint64 periodEnd, uint256 quantity)
        internal
        view
        returns (ReportInput memory input)
    {
        Project memory p = registry.getProject(projectId);
        input = ReportInput({
            projectId: projectId,
            periodStart: periodStart,
            periodEnd: periodEnd,
            quantity: quantity,
            dataRoot: DATA_ROOT,
            evidenceHash: EVIDENCE_HASH,
            methodologyCode: registry.getMethodology(p.methodologyId).code,
            methodologyVersion: registry.getMethodology(p.methodologyId).version,
            deadline: uint64(block.timestamp) + SIGNATURE_VALIDITY
        });
    }

    /// @notice The next report of a project: from its last period end (or 30 days ago) until now.
    function _nextReportInput(uint256 projectId, uint256 quantity) internal returns (ReportInput memory) {
        uint64 start = registry.getProject(projectId).lastPeriodEnd;
        if (start == 0) start = uint64(block.timestamp - 30 days);
        if (start >= block.timestamp) vm.warp(start + 1 days);
        return _reportInput(projectId, start, uint64(block.timestamp), quantity);
    }

    function _signature(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// @notice Signatures of `keys` over `input`, in the order given.
    function _signaturesInOrder(ReportInput memory input, uint256[] memory keys)
        internal
        view
        returns (bytes[] memory signatures)
    {
        bytes32 digest = registry.reportDigest(input);
        signatures = new bytes[](keys.length);
        for (uint256 i = 0; i < keys.length; ++i) {
            signatures[i] = _signature(keys[i], digest);
        }
    }

    /// @notice Signatures of `keys` over `input`, sorted by ascending signer address.
    function _signReport(ReportInput memory input, uint256[] memory keys) internal view returns (bytes[] memory) {
        return _signaturesInOrder(input, _sortKeys(keys));
    }

    function _sortKeys(uint256[] memory keys) internal pure returns (uint256[] memory sorted) {
        sorted = new uint256[](keys.length);
        for (uint256 i = 0; i < keys.length; ++i) {
            sorted[i] = keys[i];
            for (uint256 j = i; j > 0 && vm.addr(sorted[j - 1]) > vm.addr(sorted[j]); --j) {
                (sorted[j - 1], sorted[j]) = (sorted[j], sorted[j - 1]);
            }
        }
    }

    /// @notice Submit `input` as the oracle with `signatures`.
    function _submit(ReportInput memory input, bytes[] memory signatures) internal returns (uint256 reportId) {
        vm.prank(oracle);
        reportId = registry.submitReport(input, signatures);
    }

    /// @notice Sign `input` with `keys` (sorted) and submit it as the oracle.
    /// @dev Signing calls `registry.reportDigest` first, so to expect a revert, sign with
    /// `_signReport` before `vm.expectRevert` and then call `_submit`.
    function _submitReport(ReportInput memory input, uint256[] memory keys) internal returns (uint256) {
        return _submit(input, _signReport(input, keys));
    }

    /// @notice Sign `input` with the first k verifiers and submit it.
    function _submitReport(ReportInput memory input) internal returns (uint256) {
        return _submitReport(input, _verifierKeys(registry.verifierThreshold()));
    }

    /// @notice Submit the next report of `projectId` for `quantity` grams, signed by k verifiers.
    function _verifiedReport(uint256 projectId, uint256 quantity) internal returns (uint256) {
        return _submitReport(_nextReportInput(projectId, quantity));
    }

    /// @notice A registered PROJECT-kind project and a verified report of `quantity` grams on it.
    function _projectWithReport(uint256 quantity) internal returns (uint256 projectId, uint256 reportId) {
        projectId = _registeredProject();
        reportId = _verifiedReport(projectId, quantity);
    }

    /// @notice A registered PERSONAL_SCENARIO project and a verified report of `quantity` grams on it.
    function _scenarioWithReport(uint256 quantity) internal returns (uint256 projectId, uint256 reportId) {
        projectId = _registeredScenarioProject();
        reportId = _verifiedReport(projectId, quantity);
    }

    // ================================================================ events

    /// @notice Register a large event as the organiser; returns its id.
    function _registerEvent(uint256 footprint) internal returns (uint256 eventId) {
        vm.prank(organiser);
        eventId = registry.registerEvent(
            "Wuhan Marathon",
            WUHAN,
            uint40(block.timestamp),
            uint40(block.timestamp + 1 days),
            footprint,
            keccak256("event footprint evidence")
        );
    }
}
