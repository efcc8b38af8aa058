#if canImport(Glibc)
import Glibc
#endif
import NDVectorKernels

/// Whether the engine may use NDVectorKernels: the processor has AVX2 and FMA (what that
/// module is compiled for), and its exp gives the C library's bits here. Otherwise, or
/// with ND_SCALAR_KERNELS set in the environment, the scalar loops run; either way the
/// spikes are the same.
public enum VectorSupport {
    public static let exact: Bool = {
        #if arch(x86_64) && os(Linux)
        guard getenv("ND_SCALAR_KERNELS") == nil, processorSupportsKernels else { return false }
        return VectorExp.agreesWithLibm()
        #else
        return false
        #endif
    }()

    /// The processor runs what NDVectorKernels is compiled for (AVX2 and FMA).
    public static let processorSupportsKernels: Bool = {
        #if arch(x86_64) && os(Linux)
        return processorHas(["avx2", "fma"])
        #else
        return false
        #endif
    }()

    /// The flags line of /proc/cpuinfo names every one of `features`.
    static func processorHas(_ features: [String]) -> Bool {
        guard let file = fopen("/proc/cpuinfo", "r") else { return false }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>? = nil, capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line)
            guard text.hasPrefix("flags") else { continue }
            let flags = Set(text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == ":" }).map(String.init))
            return features.allSatisfy(flags.contains)
        }
        return false
    }
}
