// schema/valijson.hpp — the one way the schema module includes valijson 1.0.
//
// Owns: valijson's configuration, which must be the same in every translation unit that
// includes it (its headers are all inline code): exceptions on, or valijson aborts the process
// on a parse error. Only schema_validator.cpp, valijson_schema.cpp and regex_constraints.cpp
// include this header; nothing outside src/schema sees valijson.
#pragma once

#define VALIJSON_USE_EXCEPTIONS 1

#include <valijson/adapters/boost_json_adapter.hpp>
#include <valijson/constraint_builder.hpp>
#include <valijson/constraints/concrete_constraints.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validation_visitor.hpp>
#include <valijson/validator.hpp>
