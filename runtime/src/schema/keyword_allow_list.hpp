// schema/keyword_allow_list.hpp — the structural rules a plugin schema must follow before
// valijson ever sees it.
//
// Owns: the dialect rule ("$schema" is draft-07, the root is an object schema with
// "type":"object"), the keyword allow-list (the subset draft-07 and 2020-12 interpret the same
// way, without references), and the check that every "pattern" is a regular expression the
// validator can compile. valijson 1.0 crashes or misreads keywords outside that subset
// (anchors §6), so a schema that fails here is never handed to it.
#pragma once

#include "schema/schema_validator.hpp"

#include <boost/json/value.hpp>

#include <string_view>
#include <vector>

namespace runtimo::schema {

// True when `keyword` may appear in a plugin schema.
bool is_allowed_keyword(std::string_view keyword);

// Appends one SchemaError per violation (path = JSON pointer into `schema`).
void check_schema_structure(const boost::json::value &schema, std::vector<SchemaError> &problems);

}  // namespace runtimo::schema
