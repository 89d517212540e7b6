// swift-tools-version:6.0
import PackageDescription

/// fapiao: a nightly batch pipeline that reconciles branch invoice exports with the tax authority's record.
///
/// Module graph (one way): fapiao → FapiaoPipeline → FapiaoExtract | FapiaoTransform | FapiaoLoad
/// → FapiaoIO → FapiaoCore. FapiaoSamples writes sample chains for tests, demos and benchmarks.
let propertyBased: Target.Dependency = .product(name: "PropertyBased", package: "swift-property-based")

let package = Package(
    name: "fapiao",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fapiao", targets: ["fapiao"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(
            name: "CFapiaoZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CFapiaoXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        .target(
            name: "FapiaoCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "FapiaoIO",
            dependencies: ["FapiaoCore", "CFapiaoZlib", .product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "FapiaoExtract",
            dependencies: ["FapiaoCore", "FapiaoIO", "CFapiaoXML2", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "FapiaoTransform", dependencies: ["FapiaoCore", "FapiaoIO"]),
        .target(
            name: "FapiaoLoad",
            dependencies: [
                "FapiaoCore", "FapiaoIO", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        .target(name: "FapiaoSamples", dependencies: ["FapiaoCore", "FapiaoIO"]),
        .target(
            name: "FapiaoPipeline",
            dependencies: [
                "FapiaoCore", "FapiaoIO", "FapiaoExtract", "FapiaoTransform", "FapiaoLoad", "FapiaoSamples",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "fapiao",
            dependencies: [
                "FapiaoPipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(name: "FapiaoTestSupport", dependencies: ["FapiaoCore", "FapiaoIO"], path: "Tests/FapiaoTestSupport"),
        .testTarget(name: "FapiaoCoreTests", dependencies: ["FapiaoCore", "FapiaoTestSupport", propertyBased]),
        .testTarget(name: "FapiaoIOTests", dependencies: ["FapiaoIO", "FapiaoTestSupport"]),
        .testTarget(name: "FapiaoExtractTests", dependencies: ["FapiaoExtract", "FapiaoTestSupport"]),
        .testTarget(name: "FapiaoTransformTests", dependencies: ["FapiaoTransform", "FapiaoTestSupport", propertyBased]),
        .testTarget(name: "FapiaoLoadTests", dependencies: ["FapiaoLoad", "FapiaoTestSupport"]),
        .testTarget(name: "FapiaoSamplesTests", dependencies: ["FapiaoSamples", "FapiaoTestSupport"]),
        .testTarget(name: "FapiaoPipelineTests", dependencies: ["FapiaoPipeline", "FapiaoTestSupport"]),
        .testTarget(name: "fapiaoCLITests", dependencies: ["FapiaoTestSupport"]),
    ],
    swiftLanguageModes: [.v5]
)
