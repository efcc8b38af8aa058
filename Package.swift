// swift-tools-version:6.0
import PackageDescription

#if arch(x86_64)
let vectorKernelSettings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let vectorKernelSettings: [SwiftSetting] = []
#endif

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
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate",
                       providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5",
                       providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c",
                       providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),

        // glibc's malloc.h (no library: mallopt and malloc_trim are in libc).
        .systemLibrary(name: "CMalloc"),

        .target(name: "NDModel"),
        .target(name: "NDFormats", dependencies: ["NDModel", "CJansson", "CZlib", "CDeflate"]),
        .target(name: "NDSonata", dependencies: ["NDModel", "NDFormats", "CHDF5"]),
        .target(name: "NDComm", dependencies: ["NDModel", "CMPI"]),
        .target(name: "NDBalance", dependencies: ["NDModel"]),
        // Hot loops four lanes wide with fused multiply-adds (AVX2 + FMA): the engine
        // calls them only where the processor has both and they give the scalar code's
        // bits (checked at run time), so the rest of the build stays generic x86-64.
        .target(name: "NDVectorKernels", swiftSettings: vectorKernelSettings),
        // The simulator and its mechanism table: a CoreNEURON dataset in, spikes out.
        .target(name: "NDEngine", dependencies: ["NDModel", "NDComm", "NDVectorKernels"]),
        // SONATA simulation -> model groups -> CoreNEURON dataset.
        .target(name: "NDBuild", dependencies: ["NDModel", "NDSonata", "NDEngine", "NDFormats", "NDComm"]),
        // nd-core's run (parameters, loading, outputs): above NDEngine and NDFormats, and
        // apart from NDCLI so that the tools that use NDCLI link no MPI and no engine.
        .target(name: "NDCoreRun", dependencies: ["NDModel", "NDFormats", "NDEngine", "NDComm", "NDCLI", "CMalloc"]),
        .target(name: "NDCLI", dependencies: [
            "NDModel", "NDFormats", "NDBalance",
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
            "NDCLI", "NDFormats", "NDBalance", "NDModel", "CMalloc",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "nd-estimate", dependencies: [
            "NDCLI", "NDFormats", "NDBuild", "NDEngine", "NDSonata", "NDBalance", "NDModel",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "nd-instantiate", dependencies: [
            "NDCLI", "NDBuild", "NDComm", "NDModel",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Linked with the Swift runtime and Foundation static: the simulator's floor of
        // resident memory is then a third smaller (those libraries' relocated pages), which
        // on small networks is most of what it holds.
        .executableTarget(name: "nd-core", dependencies: [
            "NDCoreRun", "NDCLI", "NDComm", "NDModel", "CMalloc",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], linkerSettings: [.unsafeFlags(["-static-stdlib", "-l_FoundationCShims", "-l_FoundationCollections", "-lswiftSynchronization"], .when(platforms: [.linux]))]),
        .executableTarget(name: "nd-mpi-check", dependencies: [
            "NDComm", "NDCLI", "NDModel",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // The fuzzer over the parsers (scripts/fuzz.sh, `make fuzz`): a development tool,
        // built with the others but not a product.
        .executableTarget(name: "nd-fuzz", dependencies: [
            "NDCLI", "NDFormats", "NDSonata", "NDEngine", "NDModel",
        ]),

        .testTarget(name: "NDModelTests", dependencies: ["NDModel"]),
        .testTarget(name: "NDFormatsTests", dependencies: ["NDFormats", "NDModel"], exclude: ["Fixtures"]),
        .testTarget(name: "NDBalanceTests", dependencies: ["NDBalance", "NDModel"]),
        .testTarget(name: "NDSonataTests", dependencies: ["NDSonata", "NDModel", "NDFormats", "CHDF5"], exclude: ["Fixtures"]),
        .testTarget(name: "NDEngineTests", dependencies: ["NDEngine", "NDBuild", "NDModel", "NDSonata", "NDFormats"], exclude: ["Fixtures"]),
        .testTarget(name: "NDBuildTests", dependencies: ["NDBuild", "NDSonata", "NDModel", "NDFormats", "NDComm"]),
        .testTarget(name: "NDVectorKernelsTests", dependencies: ["NDVectorKernels", "NDEngine"]),
        .testTarget(name: "NDCommTests", dependencies: ["NDComm", "NDModel"]),
        .testTarget(name: "NDCoreRunTests", dependencies: ["NDCoreRun", "NDCLI", "NDComm", "NDModel"]),
        .testTarget(name: "NDCLITests", dependencies: ["NDCLI", "NDModel", "NDBalance", "NDFormats"]),
        // Runs the built executables (bin/ or the build folder); reads Fixtures/ in place.
        .testTarget(name: "EndToEndTests", exclude: ["Fixtures", "AllocationFixtures"]),
    ],
    swiftLanguageModes: [.v5]
)
