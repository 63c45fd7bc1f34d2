// swift-tools-version: 6.2
//
// Benchmarks, kept in their own package so users of the library never resolve
// package-benchmark. Run from this directory:
//
//   swift package --disable-sandbox benchmark
//   swift package --disable-sandbox benchmark --target EventLogBenchmarks
//
// Adding a suite: put `Benchmarks/<Suite>/<Suite>.swift` (defining `let benchmarks`) next to
// this file and add one line to `suites` below.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// One package-benchmark suite: an executable target in `<name>/` run by the BenchmarkPlugin.
func benchmarkSuite(_ name: String, dependencies: [Target.Dependency], exclude: [String] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.product(name: "Benchmark", package: "benchmark")] + dependencies,
        path: name,
        exclude: exclude,
        swiftSettings: swiftSettings,
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

/// The suites. One line per suite.
let suites: [Target] = [
    benchmarkSuite(
        "ReplayBenchmarks",
        dependencies: [
            .product(name: "EventLog", package: "synclog"), .product(name: "SyncDomain", package: "synclog"),
            .product(name: "SyncStore", package: "synclog"), .product(name: "SyncWorkloads", package: "synclog"),
            "HeapStats",
        ]
    ),
    benchmarkSuite(
        "PlannerBenchmarks",
        dependencies: [.product(name: "SyncDomain", package: "synclog"), .product(name: "SyncWorkloads", package: "synclog"), "HeapStats"],
        exclude: ["HeapStats"]
    ),
    benchmarkSuite(
        "EmulatorBenchmarks",
        dependencies: [
            .product(name: "SalesforceEmulator", package: "synclog"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]
    ),
    benchmarkSuite("DispatchBenchmarks", dependencies: [.product(name: "EndToEndLoad", package: "synclog")]),
    benchmarkSuite("CodecBenchmarks", dependencies: [.product(name: "SyncDomain", package: "synclog")]),
    benchmarkSuite(
        "EventLogBenchmarks",
        dependencies: [.product(name: "EventLog", package: "synclog"), "LMDBBaseline"],
        exclude: ["LMDBBaseline"]
    ),
]

/// Helpers the suites measure against (raw baselines).
let baselines: [Target] = [
    // The raw LMDB baseline for EventLogBenchmarks, in C so it calls LMDB exactly as a C
    // program would (and so its module does not clash with the root package's CLMDB).
    .target(
        name: "LMDBBaseline",
        path: "EventLogBenchmarks/LMDBBaseline",
        linkerSettings: [.linkedLibrary("lmdb")]
    ),
    // The heap in use (glibc's mallinfo2) for the state-size metrics of PlannerBenchmarks and
    // ReplayBenchmarks.
    .target(name: "HeapStats", path: "PlannerBenchmarks/HeapStats"),
]

let package = Package(
    name: "synclog-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "synclog", path: ".."),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.21.0"),
        // Only the malloc interposer trait: the default traits also pull in
        // swift-runtime-interposer on Linux with Swift 6.3, which is not available here.
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: suites + baselines
)
