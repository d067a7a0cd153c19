import CleverTapCore

/// One sandbox for a whole interactive session, started on first use and kept, so a test
/// delete removes what a test identify made. Restarted when other credentials need it.
/// (The wizard's "Send to the local sandbox" uses it through the executable.)
public actor ReusableSandbox {
    private var handle: SandboxHandle?
    private var account: SandboxAccount?

    public init() {}

    /// A running sandbox that accepts `account` (and the demo account).
    public func handle(accepting account: SandboxAccount) async throws(SandboxConfigurationError) -> SandboxHandle {
        if let handle, self.account == account { return handle }
        if let handle { await handle.stop() }
        handle = nil
        let started = try await SandboxServer(configuration: SandboxConfiguration(port: 0, accounts: [account, .demo])).start()
        self.handle = started
        self.account = account
        return started
    }

    /// True when the running sandbox holds a profile for `identity`.
    public func holds(identity: String) async -> Bool {
        await handle?.profile(identity: identity) != nil
    }

    public func stop() async {
        await handle?.stop()
        handle = nil
    }
}
