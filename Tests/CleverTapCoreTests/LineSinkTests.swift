import Foundation
import Testing
@testable import CleverTapCore

/// `LineSink.file` replaces an earlier run's output: a large regular file is unlinked and released
/// in the background, anything else is truncated in place. Either way the path then holds exactly
/// the new lines.
@Suite(.timeLimit(.minutes(1))) struct LineSinkTests {
    let oldText = String(repeating: "an earlier run's request line\n", count: (LineSink.backgroundReleaseBytes / 30) + 10)

    /// The mode tells the two ways apart: a new file is made 0600, a truncated one keeps its own.
    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? 0
    }

    func writeNew(to path: String) throws {
        let sink = try LineSink.file(path)
        sink.writeLine(Array("new".utf8))
        #expect(sink.flush() == nil)
    }

    /// A large old output is released in the background (a new file, 0600, takes the name); a
    /// small one is truncated in place (it keeps its mode).
    @Test(arguments: [(oldLines: LineSink.backgroundReleaseBytes / 30 + 10, mode: 0o600), (oldLines: 1, mode: 0o644)])
    func anOldOutputIsReplacedByTheNewLines(oldLines: Int, mode expected: Int) throws {
        let directory = try DeliveryTempDirectory()
        let path = try directory.write("requests.ndjson", String(repeating: "an earlier run's request line\n", count: oldLines))
        #expect(chmod(path, 0o644) == 0)
        try writeNew(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
        #expect(try mode(path) == expected)
    }

    /// A name that is not the file's only one keeps pointing at what was written: a symlink is
    /// followed and a hard-linked file truncated, never unlinked.
    @Test func linksKeepTheirTarget() throws {
        let directory = try DeliveryTempDirectory()
        let target = try directory.write("target.ndjson", oldText)
        let symlink = directory.path + "/symlink.ndjson"
        try FileManager.default.createSymbolicLink(atPath: symlink, withDestinationPath: target)
        try writeNew(to: symlink)
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: symlink) == target)

        let other = directory.path + "/hard-link.ndjson"
        try directory.write("target.ndjson", oldText).withCString { source in #expect(link(source, other) == 0) }
        try writeNew(to: target)
        #expect(try String(contentsOfFile: other, encoding: .utf8) == "new\n", "both names still name one file")
    }
}
