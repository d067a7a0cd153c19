/// The directives a mapping may use, as Segment's mapping-kit defines them.
public enum MappingDirective: String, Sendable, Hashable, CaseIterable {
    case path = "@path"
    case template = "@template"
    case literal = "@literal"
    case `if` = "@if"
    case arrayPath = "@arrayPath"
    case `case` = "@case"
    case replace = "@replace"
    case json = "@json"
    case flatten = "@flatten"
    case merge = "@merge"
    case transform = "@transform"
    case excludeWhenNull = "@excludeWhenNull"
    case liquid = "@liquid"

    /// `@path, @template, …` for error messages.
    static let knownList = allCases.map(\.rawValue).joined(separator: ", ")
}
