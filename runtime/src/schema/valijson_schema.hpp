// schema/valijson_schema.hpp — a checked schema as valijson runs it, its regular expressions
// on RE2.
//
// Owns: the copy of a schema that valijson's parser reads, and parsing it. valijson 1.0 (what
// Debian ships, 1.0+repack-2) matches "pattern", "patternProperties" and the formats date, time
// and date-time with std::regex, and has no way to choose another engine (the
// ValidatorT<RegexEngine> of later valijson versions does not exist in it). Its parser does
// build a custom constraint for any keyword registered on it (ConstraintBuilder), so the copy
// renames those keywords to Runtimo keywords whose constraints are regex_constraints.hpp:
//   "pattern": P                       → "$runtimo:pattern": P
//   "format": "date"|"time"|"date-time" → "$runtimo:format": the same name; other formats,
//                                         which valijson does not check either, are dropped
//   "patternProperties" (and the "additionalProperties" beside it)
//                                       → "$runtimo:members": the index of its MemberRules,
//                                         whose sub-schemas are parsed the same way, each as
//                                         a valijson::Schema of its own
//   "$id"                               → dropped: valijson tests it with std::regex (a long
//                                         "urn:" id overflows the stack), and with no "$ref"
//                                         it identifies nothing
// Sub-schemas are the ones keyword_allow_list.cpp walks; data keywords (enum, const, default,
// examples) are copied as they are. The draft-07 meta-schema is not parsed this way: it is not
// in the allow-listed subset, and it uses no pattern or regex format.
#pragma once

#include "schema/pattern.hpp"

#include <boost/json/value.hpp>

#include <memory>

namespace valijson {
class Schema;
}

namespace runtimo::schema {

class ValijsonSchema {
 public:
  // `schema` passed check_schema_structure, which compiled its patterns into `patterns`; the
  // constraints point into `patterns`, which must outlive this. Throws std::exception when
  // valijson cannot parse the schema.
  ValijsonSchema(const boost::json::value &schema, const PatternSet &patterns);
  ~ValijsonSchema();
  ValijsonSchema(const ValijsonSchema &) = delete;
  ValijsonSchema &operator=(const ValijsonSchema &) = delete;

  const valijson::Schema &root() const;

  struct Parts;

 private:
  std::unique_ptr<Parts> parts_;
};

}  // namespace runtimo::schema
