// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "clevertap-actions",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "clevertap-actions", targets: ["clevertap-actions"]),
        .library(name: "CleverTapCore", targets: ["CleverTapCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // ncurses with the wide-character API; the shim header defines what SwiftPM drops.
        .systemLibrary(
            name: "CNCurses",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        // Everything the tool does, with no UI: config, regions, JSON, triggers, mappings,
        // actions, the CleverTap client, delivery and test events.
        .target(
            name: "CleverTapCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                // NIOConnectionError (DNS vs refused) lives here; the client tells them apart.
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // A local CleverTap-compatible server for tests and offline rehearsal.
        .target(
            name: "Sandbox",
            dependencies: [
                "CleverTapCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Terminal layer: pure screen buffer, keys and widgets, plus a thin ncurses backend.
        .target(name: "TerminalUI", dependencies: ["CNCurses"]),
        // The setup wizard as pure state + update + view; effects go through CleverTapCore.
        .target(name: "SetupWizard", dependencies: ["CleverTapCore", "TerminalUI", "Sandbox"]),
        .executableTarget(
            name: "clevertap-actions",
            dependencies: [
                "CleverTapCore", "Sandbox", "SetupWizard", "TerminalUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "CleverTapCoreTests", dependencies: [
            // The client is tested over real loopback HTTP against the sandbox.
            "CleverTapCore", "Sandbox",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "SandboxTests", dependencies: [
            "Sandbox", "CleverTapCore",
            // Raw requests the client refuses to make (both delete keys, broken bodies).
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI"]),
        .testTarget(name: "SetupWizardTests", dependencies: ["SetupWizard", "CleverTapCore", "TerminalUI", "Sandbox"]),
        .testTarget(name: "EndToEndTests", dependencies: [
            "CleverTapCore", "Sandbox",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
    ]
)
