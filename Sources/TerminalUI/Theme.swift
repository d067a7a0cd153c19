/// A terminal colour, by the eight ANSI names plus the terminal's own default.
public enum TerminalColor: Sendable, Hashable {
    case defaultColor, black, red, green, yellow, blue, magenta, cyan, white
}

/// How one `StyleRole` looks: colours (ignored in monochrome) plus attributes.
public struct RoleAppearance: Sendable, Hashable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var bold: Bool
    public var dim: Bool
    public var underline: Bool
    public var reverse: Bool

    public init(foreground: TerminalColor = .defaultColor, background: TerminalColor = .defaultColor,
                bold: Bool = false, dim: Bool = false, underline: Bool = false, reverse: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.underline = underline
        self.reverse = reverse
    }
}

/// Maps semantic roles to appearances. `default` uses colour on the terminal's own background;
/// `monochrome` uses only bold/dim/underline/reverse, for terminals without colour and NO_COLOR.
public struct Theme: Sendable, Hashable {
    public var usesColor: Bool
    public var appearances: [StyleRole: RoleAppearance]

    public func appearance(of role: StyleRole) -> RoleAppearance {
        appearances[role] ?? RoleAppearance()
    }

    public static let standard = Theme(usesColor: true, appearances: [
        .normal: RoleAppearance(),
        .title: RoleAppearance(foreground: .cyan, bold: true),
        .subtle: RoleAppearance(dim: true),
        .accent: RoleAppearance(foreground: .cyan),
        .selected: RoleAppearance(foreground: .black, background: .cyan),
        .focused: RoleAppearance(foreground: .white, background: .blue),
        .error: RoleAppearance(foreground: .red, bold: true),
        .warning: RoleAppearance(foreground: .yellow),
        .success: RoleAppearance(foreground: .green, bold: true),
        .footer: RoleAppearance(foreground: .black, background: .white),
        .masked: RoleAppearance(foreground: .yellow),
    ])

    public static let monochrome = Theme(usesColor: false, appearances: [
        .normal: RoleAppearance(),
        .title: RoleAppearance(bold: true),
        .subtle: RoleAppearance(dim: true),
        .accent: RoleAppearance(bold: true),
        .selected: RoleAppearance(reverse: true),
        .focused: RoleAppearance(underline: true),
        .error: RoleAppearance(bold: true),
        .warning: RoleAppearance(bold: true),
        .success: RoleAppearance(bold: true),
        .footer: RoleAppearance(reverse: true),
        .masked: RoleAppearance(),
    ])

    /// The theme for this environment: monochrome when NO_COLOR is set to anything non-empty
    /// (https://no-color.org) or the terminal has no colours.
    public static func forEnvironment(_ environment: [String: String], terminalHasColors: Bool) -> Theme {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
        return terminalHasColors ? .standard : .monochrome
    }
}
