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
        // serve: the embedded durable queue, metrics, gzip bodies, lifecycle (already under hummingbird).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // ncurses with the wide-character API; the shim header defines what SwiftPM drops.
        .systemLibrary(
            name: "CNCurses",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"])]
        ),
        // jemalloc as the process's allocator (Linux): the delivery threads make and free many
        // small objects on different threads, where glibc's arenas contend (measured in the README).
        .systemLibrary(
            name: "CJemalloc",
            pkgConfig: "jemalloc",
            providers: [.apt(["libjemalloc-dev"])]
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
        // The setup wizard as pure state + update + view; effects are injected by the executable.
        .target(name: "SetupWizard", dependencies: ["CleverTapCore", "TerminalUI"]),
        // serve: a durable queue of intake events per destination (protocol; SQLite and PostgreSQL), no HTTP.
        .target(
            name: "EventQueue",
            dependencies: [
                "CleverTapCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // serve: workers that take records from the queue through the subscriptions to CleverTap.
        .target(
            name: "QueueDelivery",
            dependencies: [
                "CleverTapCore", "EventQueue",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // serve: the Segment-compatible HTTP intake (routes, write keys, limits, enrichment).
        .target(
            name: "Intake",
            dependencies: [
                "CleverTapCore", "EventQueue",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "clevertap-actions",
            dependencies: [
                "CleverTapCore", "Sandbox", "SetupWizard", "TerminalUI",
                "EventQueue", "QueueDelivery", "Intake",
                .target(name: "CJemalloc", condition: .when(platforms: [.linux])),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // The Swift runtime and Foundation linked in (Linux): a run starts ~5 ms sooner (no
            // symbol lookups across two dozen shared libraries) and calls into the runtime
            // (retain/release) are direct; `deliver --dry-run` on 200,000 events measured ~10 ms
            // faster on one core and on two (README, "Speed"). Foundation's static archives need
            // their own support libraries named; `-static-stdlib` alone leaves ICU unresolved.
            linkerSettings: [
                .unsafeFlags([
                    "-static-stdlib",
                    "-lCoreFoundation", "-l_FoundationICU", "-l_FoundationCShims", "-l_FoundationCollections",
                ], .when(platforms: [.linux])),
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
        .testTarget(name: "EventQueueTests", dependencies: [
            "EventQueue",
            // Each test gets a database of its own on the PostgreSQL cluster .ci/run starts.
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "ServeTests", dependencies: ["Intake", "EventQueue", "QueueDelivery", "CleverTapCore", "Sandbox"]),
        .testTarget(name: "EndToEndTests", dependencies: [
            "CleverTapCore", "Sandbox", "EventQueue", "QueueDelivery",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
    ]
)
