// schema/keyword_allow_list.hpp — the structural rules a plugin schema must follow before
// valijson ever sees it.
//
// Owns: the dialect rule ("$schema" is draft-07, the root is an object schema with
// "type":"object"), the keyword allow-list (the subset draft-07 and 2020-12 interpret the same
// way, without references), and the check that every "pattern" and every "patternProperties"
// name, wherever it is nested, compiles with RE2 (pattern.hpp): the one place a schema's
// patterns are compiled. valijson 1.0 crashes or misreads keywords outside that subset
// (anchors §6), so a schema that fails here is never handed to it.
#pragma once

#include "schema/pattern.hpp"
#include "schema/schema_validator.hpp"

#include <boost/json/value.hpp>

#include <string_view>
#include <vector>

namespace runtimo::schema {

// True when `keyword` may appear in a plugin schema.
bool is_allowed_keyword(std::string_view keyword);

// Appends one SchemaError per violation (path = JSON pointer into `schema`). Every pattern
// that compiles is added to `patterns`, for the validator to use.
void check_schema_structure(const boost::json::value &schema, std::vector<SchemaError> &problems,
                            PatternSet &patterns);

}  // namespace runtimo::schema
