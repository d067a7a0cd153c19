import Foundation
@testable import SetupWizard
import Testing
import TerminalUI

/// Keys are declared once (`Wizard.keyHints`): the README's list and every footer come from it.
@Suite(.timeLimit(.minutes(1))) struct WizardKeyReferenceTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md")

    @Test func theReadmeListsTheDeclaredKeys() throws {
        let text = try String(contentsOf: Self.readme, encoding: .utf8)
        let begin = "<!-- wizard-keys:begin (generated from Wizard.keyReference; a test keeps it equal) -->\n"
        let end = "\n<!-- wizard-keys:end -->"
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex) else {
            Issue.record("README has no wizard key list; insert:\n\(begin)\(Wizard.keyReference)\(end)")
            return
        }
        let listed = String(text[start.upperBound..<stop.lowerBound])
        #expect(listed == Wizard.keyReference, "README's key list drifted; replace it with:\n\(Wizard.keyReference)")
    }

    @Test(arguments: KeyScreen.allCases)
    func everyFooterFitsEightyColumns(screen: KeyScreen) {
        for editing in [false, true] {
            let footer = Wizard.footer(for: screen, editingText: editing)
            #expect(DisplayWidth.of(" " + footer) <= 80, "\(screen): \(footer)")
        }
    }
}
