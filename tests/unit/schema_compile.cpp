// schema_compile.cpp — what CompiledSchema::compile accepts and refuses: the draft-07 dialect,
// an object root, the keyword allow-list (walked through sub-schemas, not property names) and the
// draft-07 meta-schema; which patterns compile is schema_pattern_compile.cpp. Every refusal
// names a JSON pointer into the schema.
#define BOOST_TEST_MODULE schema_compile
#include <boost/test/unit_test.hpp>

#include "schema/schema_validator.hpp"
#include "schema_test_support.hpp"

#include <string>
#include <vector>

using runtimo::schema::test::dump;
using runtimo::schema::test::has_error;
using runtimo::schema::test::kDraft7;
using runtimo::schema::test::object_schema;
using runtimo::schema::test::problems_of;

BOOST_AUTO_TEST_CASE(accepts_a_draft07_object_schema_using_the_whole_allow_list) {
  const std::string schema = object_schema(R"(
    "$id": "urn:runtimo:test", "title": "t", "description": "d", "default": {},
    "examples": [{"pid": 2}], "required": ["pid"], "additionalProperties": false,
    "minProperties": 1, "maxProperties": 5, "readOnly": false, "writeOnly": false,
    "deprecated": false,
    "properties": {
      "pid": {"type": "integer", "minimum": 1, "maximum": 4194304, "multipleOf": 1},
      "ratio": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
      "signal": {"enum": ["TERM", "KILL"], "default": "TERM"},
      "mode": {"const": "fast"},
      "name": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[a-z]+$",
               "format": "date-time"},
      "paths": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 8,
                "uniqueItems": true},
      "choice": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
      "one": {"oneOf": [{"type": "string"}, {"type": "null"}]},
      "all": {"allOf": [{"type": "integer"}, {"minimum": 0}]},
      "other": {"not": {"type": "boolean"}},
      "labels": {"type": "object", "patternProperties": {"^x-": {"type": "string"}}},
      "anything": true,
      "nothing": false
    })");
  const auto problems = problems_of(schema);
  BOOST_TEST(problems.empty(), dump(problems));
}

BOOST_AUTO_TEST_CASE(accepts_the_draft07_uri_without_its_trailing_hash) {
  const auto problems =
      problems_of(R"({"$schema":"http://json-schema.org/draft-07/schema","type":"object"})");
  BOOST_TEST(problems.empty(), dump(problems));
}

BOOST_AUTO_TEST_CASE(rejects_a_schema_that_is_not_an_object) {
  for (const char *text : {"[]", "\"object\"", "true", "null", "42"}) {
    const auto problems = problems_of(text);
    BOOST_TEST_CONTEXT(text) {
      BOOST_TEST(has_error(problems, "", "must be a JSON object"), dump(problems));
    }
  }
}

BOOST_AUTO_TEST_CASE(rejects_a_missing_or_foreign_dialect) {
  BOOST_TEST(has_error(problems_of(R"({"type":"object"})"), "/$schema", "missing"));
  for (const char *dialect : {"https://json-schema.org/draft/2020-12/schema",
                              "http://json-schema.org/draft-04/schema#",
                              "http://json-schema.org/draft-07/schema##"}) {
    const auto problems =
        problems_of(std::string(R"({"$schema":")") + dialect + R"(","type":"object"})");
    BOOST_TEST_CONTEXT(dialect) {
      BOOST_TEST(
          has_error(problems, "/$schema", "must be \"http://json-schema.org/draft-07/schema#\""),
          dump(problems));
    }
  }
  BOOST_TEST(has_error(problems_of(R"({"$schema":7,"type":"object"})"), "/$schema", "found 7"));
}

BOOST_AUTO_TEST_CASE(rejects_a_root_that_is_not_type_object) {
  BOOST_TEST(has_error(problems_of("{" + kDraft7 + "}"), "/type", "must be \"object\""));
  BOOST_TEST(
      has_error(problems_of("{" + kDraft7 + R"(,"type":"array"})"), "/type", "found \"array\""));
  BOOST_TEST(has_error(problems_of("{" + kDraft7 + R"(,"type":["object","null"]})"), "/type",
                       "must be \"object\""));
}

BOOST_AUTO_TEST_CASE(rejects_keywords_outside_the_allow_list_at_their_path) {
  struct Case {
    std::string body;
    std::string path;
  };
  const std::vector<Case> cases = {
      {R"("properties":{"pid":{"$ref":"#/definitions/pid"}})", "/properties/pid/$ref"},
      {R"("definitions":{"pid":{"type":"integer"}})", "/definitions"},
      {R"("additionalItems":false)", "/additionalItems"},
      {R"("if":{"required":["a"]},"then":{"required":["b"]})", "/if"},
      {R"("if":{"required":["a"]},"then":{"required":["b"]})", "/then"},
      {R"("properties":{"a":{"type":"array","contains":{"type":"string"}}})",
       "/properties/a/contains"},
      {R"("dependencies":{"a":["b"]})", "/dependencies"},
      {R"("propertyNames":{"pattern":"^[a-z]+$"})", "/propertyNames"},
      {R"("$comment":"hidden")", "/$comment"},
      {R"("anyOf":[{"type":"object"},{"propertyNames":{}}])", "/anyOf/1/propertyNames"},
      {R"("not":{"if":{}})", "/not/if"},
      {R"("additionalProperties":{"unevaluatedProperties":false})",
       "/additionalProperties/unevaluatedProperties"},
      {R"("properties":{"list":{"type":"array","items":{"$ref":"#"}}})",
       "/properties/list/items/$ref"},
      {R"("properties":{"a/b~c":{"prefixItems":[]}})", "/properties/a~1b~0c/prefixItems"},
  };
  for (const Case &c : cases) {
    const auto problems = problems_of(object_schema(c.body));
    BOOST_TEST_CONTEXT(c.body) {
      BOOST_TEST(has_error(problems, c.path, "is not allowed in a Runtimo schema"), dump(problems));
    }
  }
}

BOOST_AUTO_TEST_CASE(property_names_that_spell_keywords_are_not_keywords) {
  const auto problems = problems_of(object_schema(R"(
    "properties": {
      "$ref": {"type": "string"},
      "if": {"type": "boolean"},
      "patternProperties": {"type": "object"},
      "properties": {"type": "object", "properties": {"definitions": {"type": "integer"}}}
    },
    "required": ["$ref", "if"])"));
  BOOST_TEST(problems.empty(), dump(problems));
}

BOOST_AUTO_TEST_CASE(data_keywords_are_not_walked_as_schemas) {
  const auto problems = problems_of(object_schema(R"(
    "default": {"$ref": "#/x", "if": true},
    "examples": [{"patternProperties": 1}],
    "properties": {
      "a": {"enum": [{"$ref": "#"}, {"if": 1}]},
      "b": {"const": {"definitions": {}}}
    })"));
  BOOST_TEST(problems.empty(), dump(problems));
}

BOOST_AUTO_TEST_CASE(rejects_the_tuple_form_of_items) {
  const auto problems = problems_of(
      object_schema(R"("properties":{"pair":{"type":"array","items":[{"type":"string"}]}})"));
  BOOST_TEST(has_error(problems, "/properties/pair/items", "array form"), dump(problems));
}

BOOST_AUTO_TEST_CASE(rejects_what_the_draft07_meta_schema_forbids) {
  struct Case {
    std::string body;
    std::string path;
  };
  const std::vector<Case> cases = {
      {R"("properties":{"a":{"type":"string","minLength":-1}})", "/properties/a/minLength"},
      {R"("properties":{"a":{"type":"objekt"}})", "/properties/a/type"},
      {R"("required":"pid")", "/required"},
      {R"("properties":{"n":{"type":"integer","minimum":"zero"}})", "/properties/n/minimum"},
      {R"("properties":{"a":{"type":"string","maxLength":1.5}})", "/properties/a/maxLength"},
      {R"("anyOf":[])", "/anyOf"},
      {R"("properties":[])", "/properties"},
  };
  for (const Case &c : cases) {
    const auto problems = problems_of(object_schema(c.body));
    BOOST_TEST_CONTEXT(c.body) {
      BOOST_TEST(has_error(problems, c.path, "draft-07 meta-schema"), dump(problems));
    }
  }
}

BOOST_AUTO_TEST_CASE(rejects_a_sub_schema_that_is_neither_object_nor_boolean) {
  const auto problems = problems_of(object_schema(R"("properties":{"a":"string"})"));
  BOOST_TEST(has_error(problems, "/properties/a", "object or a boolean"), dump(problems));
}

BOOST_AUTO_TEST_CASE(reports_every_problem_not_just_the_first) {
  const auto problems = problems_of(R"({"$schema":"x","type":"array","if":{},"$ref":"#"})");
  BOOST_TEST(has_error(problems, "/$schema", "draft-07"));
  BOOST_TEST(has_error(problems, "/type", "object"));
  BOOST_TEST(has_error(problems, "/if", "not allowed"));
  BOOST_TEST(has_error(problems, "/$ref", "not allowed"));
}
