// schema/enum_messages.hpp — better words for valijson's enum and const failures: "must be one
// of "pid", "cpu", "rss", "start", not "memory"" instead of "Failed to match against any enum
// values". Owns finding the subschema that applies to an instance path (through "properties"
// and "items", the shapes capability schemas use) and reading its allowed values.
#pragma once

#include "schema/schema_validator.hpp"

#include <boost/json/value.hpp>

#include <vector>

namespace runtimo::schema {

// Rewrites, in place, the messages of enum failures whose subschema can be found in `schema`.
void explain_enum_errors(const boost::json::value &schema, const boost::json::value &document,
                         std::vector<SchemaError> &errors);

}  // namespace runtimo::schema
