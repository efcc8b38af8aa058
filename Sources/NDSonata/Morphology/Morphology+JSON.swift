import NDFormats

extension Morphology {
    /// The morphology's size as one JSON-lines object (`nd-circuit morphology`): sections,
    /// points, soma, neurite length and sections per type; `sections` adds the
    /// per-section lists (types, parents with -1 for the soma, point counts).
    public func record(file: String, sections listSections: Bool) -> JSONObject {
        var byType = JSONObject()
        for type in [SectionType.axon, .basal, .apical] { byType[type.name] = .int(Int64(sectionCount(type))) }
        var record: JSONObject = [
            "file": .string(file), "sections": .int(Int64(sections.count)),
            "points": .int(Int64(sections.reduce(0) { $0 + $1.points.count })),
            "soma_points": .int(Int64(soma.points.count)), "soma_diameter_um": .double(soma.diameter),
            "neurite_length_um": .double(neuriteLength), "sections_by_type": .object(byType),
        ]
        if listSections {
            record["section_types"] = .array(sections.map { .int(Int64($0.type.rawValue)) })
            record["section_parents"] = .array(sections.map { .int(Int64($0.parent ?? -1)) })
            record["section_points"] = .array(sections.map { .int(Int64($0.points.count)) })
        }
        return record
    }
}
