// swift-tools-version: 6.2
import PackageDescription

/// Settings every target shares (as Hummingbird does): explicit existentials,
/// imports visible only where declared, internal imports unless marked public.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "synclog",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "synclog", targets: ["synclog"]),
        .library(name: "EventLog", targets: ["EventLog"]),
        .library(name: "SyncDomain", targets: ["SyncDomain"]),
        .library(name: "SyncStore", targets: ["SyncStore"]),
        .library(name: "SyncWorkloads", targets: ["SyncWorkloads"]),
        .library(name: "SalesforceEmulator", targets: ["SalesforceEmulator"]),
        .library(name: "EndToEndLoad", targets: ["EndToEndLoad"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.16.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.27.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.1.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.0.0"),
    ],
    targets: [
        // LMDB from Debian's liblmdb-dev. Only EventLog imports it.
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        // The append-only, durable, group-committed event log. Knows nothing of the domain.
        .target(
            name: "EventLog",
            dependencies: ["CLMDB"],
            swiftSettings: swiftSettings
        ),
        // Pure: events and their codecs, projectors, the planner, reasons. No I/O, no clock.
        .target(
            name: "SyncDomain",
            swiftSettings: swiftSettings
        ),
        // Deterministic generated workspaces, org records and activities (seeded): tests, benchmarks, the demo.
        .target(
            name: "SyncWorkloads",
            dependencies: ["SyncDomain"],
            swiftSettings: swiftSettings
        ),
        // The data directory: the event log with the domain codec, ingest, dead letters, replay, stats.
        .target(
            name: "SyncStore",
            dependencies: ["EventLog", "SyncDomain"],
            swiftSettings: swiftSettings
        ),
        // A local org that behaves like the Salesforce REST API (Hummingbird 2).
        .target(
            name: "SalesforceEmulator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // The Salesforce REST client: pure request builders and response parsers, auth, budget, a thin transport.
        .target(name: "Salesforce", dependencies: [.product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "Logging", package: "swift-log"), .product(name: "JWTKit", package: "jwt-kit")], swiftSettings: swiftSettings),
        // The worker's conversations with Salesforce: the outbox dispatcher, the reader (poll, audit, sweep, describe).
        .target(name: "SyncWorker", dependencies: ["Salesforce", "SyncStore", "SyncDomain", "EventLog", .product(name: "Logging", package: "swift-log")], swiftSettings: swiftSettings),
        // `synclog run`: the worker's configuration, HTTP endpoints (ingest, real-time, metrics, health),
        // logging and metrics, and the service group that runs every workspace's pipeline.
        .target(
            name: "WorkerService",
            dependencies: [
                "SyncWorker", "SyncStore", "SyncDomain", "Salesforce",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // A paced load of activities through the real worker against the emulator, with the latency
        // from offered to Task visible (Benchmarks/DispatchBenchmarks, issue 5's end-to-end figures).
        .target(
            name: "EndToEndLoad",
            dependencies: [
                "WorkerService", "SalesforceEmulator", "SyncStore", "SyncDomain", "SyncWorkloads",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The command-line tool: one file per subcommand, logic lives in the libraries.
        .executableTarget(
            name: "synclog",
            dependencies: [
                "EventLog", "SyncDomain", "SyncStore", "SalesforceEmulator", "SyncWorker", "WorkerService", "Salesforce",
                "SyncWorkloads",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // A child process for the crash-safety test: appends and acknowledges until killed.
        .executableTarget(
            name: "EventLogTorture",
            dependencies: ["EventLog"],
            swiftSettings: swiftSettings
        ),

        .testTarget(
            name: "EventLogTests",
            dependencies: ["EventLog", "EventLogTorture"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SyncDomainTests",
            dependencies: [
                "SyncDomain", "SyncWorkloads",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SyncStoreTests",
            dependencies: ["SyncStore", "EventLog", "SyncDomain", "synclog"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SalesforceEmulatorTests",
            dependencies: [
                "SalesforceEmulator",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SalesforceTests", dependencies: ["Salesforce", "SalesforceEmulator"], swiftSettings: swiftSettings),
        .testTarget(
            name: "WorkerServiceTests",
            dependencies: [
                "WorkerService", "SyncWorker", "SalesforceEmulator", "SyncStore", "SyncWorkloads", "synclog",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "EndToEndLoadTests", dependencies: ["EndToEndLoad"], swiftSettings: swiftSettings),
        .testTarget(name: "SyncWorkerTests", dependencies: ["SyncWorker", "SalesforceEmulator", "SyncStore", "SyncWorkloads"], swiftSettings: swiftSettings),
        // Checks Schemas/ against the contract's examples with Python's jsonschema,
        // and against the Swift decoders, so the two never drift apart.
        .testTarget(
            name: "SchemaTests",
            dependencies: ["SyncDomain"],
            swiftSettings: swiftSettings
        ),
    ]
)
