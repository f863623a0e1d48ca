// config_refusal.hpp — what a configuration step refuses: the message (and hint) of the
// config::ConfigError it throws, or "(accepted)" when it throws none.
#pragma once

#include "config/settings.hpp"

#include <string>

namespace runtimo::test {

template <class Step>
std::string config_refusal(Step &&step, std::string *hint = nullptr) {
  try {
    step();
    return "(accepted)";
  } catch (const config::ConfigError &e) {
    if (hint != nullptr) *hint = e.hint();
    return e.what();
  }
}

}  // namespace runtimo::test
