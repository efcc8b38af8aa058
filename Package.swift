// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "ndtools",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "nd-rebalance", targets: ["nd-rebalance"]),
        .executable(name: "nd-stats", targets: ["nd-stats"]),
        .executable(name: "nd-mpi-check", targets: ["nd-mpi-check"]),
        .executable(name: "nd-circuit", targets: ["nd-circuit"]),
        .executable(name: "nd-instantiate", targets: ["nd-instantiate"]),
        .executable(name: "nd-estimate", targets: ["nd-estimate"]),
        .executable(name: "nd-allocate", targets: ["nd-allocate"]),
        .executable(name: "nd-core", targets: ["nd-core"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C libraries at the edges: module map + shim header, one Swift importer each.
        .systemLibrary(name: "CJansson", pkgConfig: "jansson",
                       providers: [.apt(["libjansson-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c",
                       providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),

        .target(name: "NDModel"),
        .target(name: "NDFormats", dependencies: ["NDModel", "CJansson", "CZlib"]),
        .target(name: "NDSonata", dependencies: ["NDModel", "NDFormats", "CHDF5"]),
        .target(name: "NDComm", dependencies: ["NDModel", "CMPI"]),
        .target(name: "NDBalance", dependencies: ["NDModel"]),
        // The simulator and its mechanism table: a CoreNEURON dataset in, spikes out.
        .target(name: "NDEngine", dependencies: ["NDModel", "NDComm"]),
        // SONATA simulation -> model groups -> CoreNEURON dataset.
        .target(name: "NDBuild", dependencies: ["NDModel", "NDSonata", "NDEngine", "NDFormats"]),
        .target(name: "NDCLI", dependencies: [
            "NDModel", "NDFormats", "NDBalance", "NDComm",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .executableTarget(name: "nd-rebalance", dependencies: [
            "NDCLI", "NDFormats", "NDBalance", "NDModel",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "nd-stats", dependencies: [
            "NDCLI", "NDFormats", "NDBalance", "NDModel",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "nd-circuit", dependencies: [
            "NDCLI", "NDFormats", "NDSonata", "NDModel",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "nd-allocate", dependencies: [
            "NDCLI", "NDFormats", "NDBalance", "NDSonata", "NDModel",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "nd-estimate", dependencies: [
            "NDCLI", "NDFormats", "NDBuild", "NDEngine", "NDSonata", "NDBalance", "NDModel",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "nd-instantiate", dependencies: [
            "NDCLI", "NDFormats", "NDBuild", "NDEngine", "NDSonata", "NDComm", "NDModel",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "nd-core", dependencies: [
            "NDCLI", "NDFormats", "NDEngine", "NDComm", "NDModel",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "nd-mpi-check", dependencies: [
            "NDComm", "NDCLI", "NDModel",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "NDFormatsTests", dependencies: ["NDFormats", "NDModel"], exclude: ["Fixtures"]),
        .testTarget(name: "NDBalanceTests", dependencies: ["NDBalance", "NDModel"]),
        .testTarget(name: "NDSonataTests", dependencies: ["NDSonata", "NDModel", "NDFormats"], exclude: ["Fixtures"]),
        .testTarget(name: "NDEngineTests", dependencies: ["NDEngine", "NDBuild", "NDModel", "NDSonata", "NDFormats"], exclude: ["Fixtures"]),
        .testTarget(name: "NDCommTests", dependencies: ["NDComm", "NDModel"]),
        .testTarget(name: "NDCLITests", dependencies: ["NDCLI", "NDModel", "NDBalance", "NDFormats"]),
        // Runs the built executables (bin/ or the build folder); reads Fixtures/ in place.
        .testTarget(name: "EndToEndTests", exclude: ["Fixtures", "AllocationFixtures"]),
    ],
    swiftLanguageModes: [.v5]
)
