/// A `@liquid` template: parsed once when the mapping compiles, rendered per event.
///
/// Follows Segment's mapping-kit (`liquid-directive.ts`, liquidjs 10.27): the event is the
/// template's scope, the result is always a string, `""` renders `""`, templates are limited
/// to 1000 characters, and the tags and filters Segment disables are refused with Segment's
/// words. Error texts are liquidjs's, with its `, line:L, col:C`.
struct LiquidTemplate: Sendable {
    /// Segment's limit, counted as JavaScript counts (UTF-16 code units).
    static let maximumLength = 1000

    let source: String
    private let nodes: [LiquidNode]
    let limits: LiquidLimits

    /// Parses `source`; the error is the message mapping-kit would give for the template on
    /// any event (syntax, disabled tags and filters, length).
    init(_ source: String, limits: LiquidLimits = LiquidLimits()) throws(LiquidTemplateError) {
        self.source = source
        self.limits = limits
        let units = Array(source.utf16)
        if units.count > Self.maximumLength {
            throw LiquidTemplateError(message: "liquid template values are limited to \(Self.maximumLength) characters")
        }
        do { nodes = try LiquidParser.parse(units) } catch {
            throw LiquidTemplateError(error, in: units)
        }
    }

    /// The rendered text for `event` (the whole payload the directive sees).
    func render(_ event: JSONValue) throws(LiquidTemplateError) -> String {
        if nodes.isEmpty { return "" }
        do { return try LiquidRenderer.render(nodes, event: LiquidValue(event), limits: limits) } catch {
            throw LiquidTemplateError(error, in: Array(source.utf16))
        }
    }
}

/// A template that cannot be parsed or failed to render, worded as liquidjs words it.
struct LiquidTemplateError: Error, Sendable, Equatable {
    var message: String

    init(message: String) { self.message = message }

    /// Adds liquidjs's position (`, line:1, col:5`, counted in UTF-16 units, 1-based) when known.
    init(_ failure: LiquidFailure, in units: [UInt16]) {
        guard failure.offset >= 0 else {
            message = failure.message
            return
        }
        var line = 1, column = 1
        for unit in units.prefix(failure.offset) {
            if unit == 0x0A { line += 1; column = 1 } else { column += 1 }
        }
        message = "\(failure.message), line:\(line), col:\(column)"
    }
}
