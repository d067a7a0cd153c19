// Termination signals are caught before anything else runs (and before any thread starts), so a
// SIGTERM at any moment after launch is honoured; see TerminationSignals.
TerminationSignals.install()
await CleverTapActions.launch()
