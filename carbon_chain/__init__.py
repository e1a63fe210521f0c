"""Shared chain library of the Wuhan carbon-inclusive registry.

The one place that the node, the oracle and the auditor share: contract ABIs (generated from the
forge build), the EIP-712 report type, the Merkle allocation tree, the Signer protocol, gram/tonne
units, the deployment manifest and a small transaction sender.
"""
