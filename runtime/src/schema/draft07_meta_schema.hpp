// schema/draft07_meta_schema.hpp — the JSON Schema draft-07 meta-schema, embedded.
//
// Owns: the text of http://json-schema.org/draft-07/schema# exactly as published by
// json-schema.org, so a plugin's argument schema can be meta-validated at load time without
// any network access. schema_validator.cpp compiles it once with valijson.
#pragma once

#include <string_view>

namespace runtimo::schema {

// The draft-07 meta-schema as published (its "$id" is the draft-07 URI).
extern const std::string_view kDraft07MetaSchemaText;

// "http://json-schema.org/draft-07/schema#": the only "$schema" plugin schemas may declare
// (the form without the trailing '#' is accepted too).
inline constexpr std::string_view kDraft07Uri = "http://json-schema.org/draft-07/schema#";

}  // namespace runtimo::schema
