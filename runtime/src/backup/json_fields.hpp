// backup/json_fields.hpp — the fields of the backup module's JSON records (Metadata, PreImage):
// byte strings (paths, link targets, attribute names) kept byte for byte — valid UTF-8 as a
// JSON string under `key`, anything else base64-encoded under `key` + "_base64" — and the
// strict readers every *_from_json shares, which throw BackupError("malformed <what>: <field>:
// <problem>").
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace runtimo::backup {

// Sets `key` (UTF-8) or `key`_base64 (other bytes) of `o` to `bytes`.
void put_bytes(boost::json::object &o, std::string_view key, std::string_view bytes);

// The bytes put_bytes stored under `key`; throws when neither or both forms are present.
std::string get_bytes(const boost::json::object &o, std::string_view key, std::string_view what);

// Throws BackupError("malformed <what>: <field>: <problem>").
[[noreturn]] void malformed(std::string_view what, std::string_view field,
                            std::string_view problem);

// The value of a required field, checked to be of the right JSON type and range.
const boost::json::value &required(const boost::json::object &o, std::string_view key,
                                   std::string_view what);
std::uint64_t get_unsigned(const boost::json::object &o, std::string_view key, std::uint64_t max,
                           std::string_view what);
std::int64_t get_signed(const boost::json::object &o, std::string_view key, std::string_view what);
std::string get_string(const boost::json::object &o, std::string_view key, std::string_view what);

}  // namespace runtimo::backup
