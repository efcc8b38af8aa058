import NDFormats
import NDModel
import Testing

@Suite struct DatEntrySizesTests {
    @Test func sizesAreThoseOfTheSecondFileOfEachEntry() throws {
        let dir = makeScratch()
        defer { removeScratch(dir) }
        makeSparse(dir + "/7_2.dat", size: 5 << 20)
        makeSparse(dir + "/7_1.dat", size: 99)
        makeSparse(dir + "/12_2.dat", size: 0)
        let sizer = DatEntrySizes(folder: dir, listingFile: "files.dat")
        let sizes = try sizer.sizes(of: ["7", "12", "7"], lineOf: { $0 + 3 })
        #expect(sizes == [5 << 20, 0, 5 << 20])
    }

    @Test func manyEntriesAcrossChunksKeepTheirOrder() throws {
        let dir = makeScratch()
        defer { removeScratch(dir) }
        let names = (0..<10_000).map { String($0) }
        for name in names.prefix(50) { makeSparse(dir + "/\(name)_2.dat", size: Int(name)! * 3) }
        var progressed = 0
        let order = (0..<9000).map { names[$0 % 50] }
        let sizes = try DatEntrySizes(folder: dir, listingFile: "f").sizes(
            of: order, lineOf: { $0 }, progress: { progressed += $0 })
        #expect(sizes == order.map { ByteCount(Int($0)! * 3) })
        #expect(progressed == 9000)
    }

    @Test func aMissingFileNamesTheListingLineAndThePath() throws {
        let dir = makeScratch()
        defer { removeScratch(dir) }
        makeSparse(dir + "/1_2.dat", size: 10)
        let sizer = DatEntrySizes(folder: dir, listingFile: "x/files.dat")
        let error = #expect(throws: NDError.self) {
            try sizer.sizes(of: ["1", "2", "3"], lineOf: { $0 + 3 })
        }
        #expect(error?.kind == .notFound)
        #expect(error?.file == "x/files.dat")
        #expect(error?.line == 4)
        #expect(error?.message.contains("\(dir)/2_2.dat") == true)
        #expect(error?.message.contains("No such file") == true)
    }

    @Test func pathsJoinAsPythonJoinsThem() {
        #expect(DatEntrySizes(folder: "", listingFile: "f").dataPath(of: "3") == "3_2.dat")
        #expect(DatEntrySizes(folder: "a/", listingFile: "f").dataPath(of: "3") == "a/3_2.dat")
        #expect(DatEntrySizes(folder: "a", listingFile: "f").dataPath(of: "/abs/3") == "/abs/3_2.dat")
    }
}
