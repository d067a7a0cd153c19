/// Where `serve` listens unless told otherwise, and how a Segment library is pointed at it: one
/// place for `serve`'s default and the wizard's "point your library here" lines.
public enum IntakeDefaults {
    /// `serve --listen`'s default.
    public static let listen = "127.0.0.1:8788"
    /// The intake's base URL with the default `--listen`.
    public static let baseURL = "http://" + listen
    /// analytics-python's option (spec: segment-http-api.md, client libraries).
    public static let pythonSetting = "host=\"\(baseURL)\""
    /// analytics.js's Segment.io integration settings: `apiHost` is host:port/v1, without a scheme.
    public static let analyticsJSSetting = "apiHost \"\(listen)/v1\", protocol \"http\""
}
