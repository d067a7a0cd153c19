#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard input read a line at a time, for line-oriented front ends (plain mode, passcode
/// prompts): on a terminal, secret lines are read with echo off.
public enum StandardInput {
    public static var isTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    /// The next line without its line break, nil at end of input. A `secret` line typed on a
    /// terminal is not echoed; the Enter that ends it is echoed as a line break on stdout.
    public static func readLine(secret: Bool) -> String? {
        guard secret, isTerminal else { return Swift.readLine(strippingNewline: true) }
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return Swift.readLine(strippingNewline: true) }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            // The Enter the user typed was not echoed either.
            _ = "\n".withCString { write(STDOUT_FILENO, $0, 1) }
        }
        return Swift.readLine(strippingNewline: true)
    }
}
