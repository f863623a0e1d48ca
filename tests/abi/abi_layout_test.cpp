// abi_layout_test.cpp — ABI 1.0 is frozen: the current abi.h places every 1.0 field at the
// offset, and gives every 1.0 constant the value, of the frozen 1.0 header
// (tests/plugins/abi-1.0/runtimo/abi.h). See abi_layout.c.
#define BOOST_TEST_MODULE abi_layout
#include <boost/test/unit_test.hpp>

#include "abi_layout.h"

#include <string>

BOOST_AUTO_TEST_CASE(every_abi_1_0_field_keeps_its_offset_and_every_constant_its_value) {
  std::size_t frozen_count = 0;
  std::size_t current_count = 0;
  const abi_layout_entry *frozen = abi_layout_1_0(&frozen_count);
  const abi_layout_entry *current = abi_layout_current(&current_count);
  BOOST_TEST_REQUIRE(frozen_count == current_count);
  BOOST_TEST_REQUIRE(frozen_count > 60u);
  for (std::size_t i = 0; i < frozen_count; ++i) {
    BOOST_TEST_REQUIRE(std::string(frozen[i].name) == std::string(current[i].name));
    BOOST_TEST(frozen[i].value == current[i].value, frozen[i].name << ": " << frozen[i].value
                                                                   << " in ABI 1.0, "
                                                                   << current[i].value << " now");
  }
}
