// Hardhat 2 network for the portability test (tests/reliability/test_reliability_portability.py):
// a second, independent EVM node. Chain id 31337 and anvil's public dev mnemonic, 20 accounts,
// so the dev keys (`LocalSigner.dev`) and the deployment code run unchanged. Nothing anvil-only.
module.exports = {
  networks: {
    hardhat: {
      chainId: 31337,
      accounts: {
        mnemonic: "test test test test test test test test test test test junk",
        count: 20,
        accountsBalance: "10000000000000000000000",
      },
      mining: { auto: true },
    },
  },
};
