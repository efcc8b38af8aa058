import CHDF5
import Foundation
import NDModel
import NDSonata
import Testing

extension SonataSuite {
    /// Reads of row selections (`readDoubles` / `readInt64(_:selection:)`, what the edge
    /// blocks read) against reads of each row range through HDF5: a contiguous column is
    /// copied straight from the file's mapping and converted from its stored type
    /// (`readMapped`), a chunked and compressed one is read by HDF5 — the same values
    /// either way.
    @Suite struct HDF5SelectedReadTests {
        static let rows = 5000
        static let f64 = (0..<rows).map { Double($0) * 0.37 - 100 }
        static let f32 = (0..<rows).map { Float($0) * 0.5 + 0.25 }
        static let i64 = (0..<rows).map { Int64($0) * 1_000_003 - 7_000_000 }
        /// Past Int32.max: the conversion must keep them unsigned.
        static let u32 = (0..<rows).map { UInt32(4_000_000_000) + UInt32($0) * 7 }
        /// Single rows, empty ranges, neighbours, a long run, the last rows.
        static let ranges = [0..<1, 5..<17, 17..<18, 100..<100, 1000..<1500, 2047..<2049, 4990..<5000]

        func scratch() -> String { NSTemporaryDirectory() + "nd-hdf5-selected-\(UUID().uuidString).h5" }

        func expectSelectedReadsAsRangeReads(_ file: HDF5File, _ name: String, asDoubles expected: [Double],
                                             sourceLocation: SourceLocation = #_sourceLocation) throws {
            let selection = try HDF5RowSelection(Self.ranges, extent: Self.rows)
            let byRange = try Self.ranges.flatMap { try file.readDoubles(name, rows: $0) }
            #expect(byRange == Self.ranges.flatMap { expected[$0] }, "\(name)", sourceLocation: sourceLocation)
            #expect(try file.readDoubles(name, selection: selection) == byRange, "\(name)", sourceLocation: sourceLocation)
            // The same selection again (its HDF5 dataspace, once made, is kept).
            #expect(try file.readDoubles(name, selection: selection) == byRange, "\(name)", sourceLocation: sourceLocation)
        }

        @Test func contiguousColumnsOfEveryStoredType() throws {
            let path = scratch()
            defer { try? FileManager.default.removeItem(atPath: path) }
            do {
                let file = try HDF5File(creating: path)
                try file.write(Self.f64, to: "columns/f64")
                try file.write(Self.f32, to: "columns/f32")
                try file.write(Self.i64, to: "columns/i64")
                try file.write(Self.u32, to: "columns/u32")
            }
            let file = try HDF5File(reading: path)
            try expectSelectedReadsAsRangeReads(file, "columns/f64", asDoubles: Self.f64)
            try expectSelectedReadsAsRangeReads(file, "columns/f32", asDoubles: Self.f32.map(Double.init))
            try expectSelectedReadsAsRangeReads(file, "columns/i64", asDoubles: Self.i64.map(Double.init))
            try expectSelectedReadsAsRangeReads(file, "columns/u32", asDoubles: Self.u32.map(Double.init))
            let selection = try HDF5RowSelection(Self.ranges, extent: Self.rows)
            for (name, values) in [("columns/i64", Self.i64), ("columns/u32", Self.u32.map(Int64.init))] {
                let byRange = try Self.ranges.flatMap { try file.readInt64(name, rows: $0) }
                #expect(byRange == Self.ranges.flatMap { values[$0] })
                #expect(try file.readInt64(name, selection: selection) == byRange, "\(name)")
            }
            // No rows selected: nothing read.
            #expect(try file.readDoubles("columns/f32", selection: try HDF5RowSelection([], extent: Self.rows)).isEmpty)
            // A selection made for another extent is an error naming the column.
            let other = #expect(throws: NDError.self) { try file.readDoubles("columns/f64", selection: try HDF5RowSelection([0..<1], extent: 10)) }
            #expect(other?.kind == .malformed)
            #expect(other?.description.contains("columns/f64") == true)
        }

        /// Written with libhdf5 itself (ndtools' writer makes contiguous datasets only):
        /// 256-row chunks, deflated, so that the selected read goes through HDF5.
        @Test func aChunkedCompressedColumnReadsTheSame() throws {
            let path = scratch()
            defer { try? FileManager.default.removeItem(atPath: path) }
            // Under the lock ndtools holds around libhdf5 (other suites use it meanwhile).
            HDF5File.withLibraryLock {
                let file = H5Fcreate(path, nd_H5F_ACC_TRUNC(), nd_H5P_DEFAULT(), nd_H5P_DEFAULT())
                #expect(file >= 0)
                var dims = [hsize_t(Self.rows)], chunk = [hsize_t(256)]
                let space = H5Screate_simple(1, &dims, nil)
                let dcpl = H5Pcreate(nd_H5P_DATASET_CREATE())
                #expect(H5Pset_chunk(dcpl, 1, &chunk) >= 0)
                #expect(H5Pset_deflate(dcpl, 6) >= 0)
                for (name, type) in [("f32", nd_H5T_IEEE_F32LE()), ("u32", nd_H5T_STD_U32LE())] {
                    let set = H5Dcreate2(file, name, type, space, nd_H5P_DEFAULT(), dcpl, nd_H5P_DEFAULT())
                    #expect(set >= 0)
                    let status = name == "f32"
                        ? Self.f32.withUnsafeBytes { H5Dwrite(set, nd_H5T_NATIVE_FLOAT(), nd_H5S_ALL(), nd_H5S_ALL(), nd_H5P_DEFAULT(), $0.baseAddress) }
                        : Self.u32.withUnsafeBytes { H5Dwrite(set, nd_H5T_NATIVE_UINT32(), nd_H5S_ALL(), nd_H5S_ALL(), nd_H5P_DEFAULT(), $0.baseAddress) }
                    #expect(status >= 0)
                    H5Dclose(set)
                }
                H5Pclose(dcpl)
                H5Sclose(space)
                H5Fclose(file)
            }
            let reader = try HDF5File(reading: path)
            try expectSelectedReadsAsRangeReads(reader, "f32", asDoubles: Self.f32.map(Double.init))
            try expectSelectedReadsAsRangeReads(reader, "u32", asDoubles: Self.u32.map(Double.init))
            let selection = try HDF5RowSelection(Self.ranges, extent: Self.rows)
            #expect(try reader.readInt64("u32", selection: selection) == Self.ranges.flatMap { Self.u32[$0].map(Int64.init) })
        }
    }
}
