// abi_layout_test.cpp — ABI 1.0 is frozen: the current abi.h places every 1.0 field at the
// offset, and gives every 1.0 constant the value, of the frozen 1.0 header
// (tests/plugins/abi-1.0/runtimo/abi.h). See abi_layout.c. What minors 1.1 to 1.5 added is
// frozen too: each rt_host_api function pointer they added follows the one before, in the
// order of their minors, with nothing inserted between, and their constants keep their values
// (a plugin built against 1.3 finds write_file where 1.3 put it, whatever the host's minor).
#define BOOST_TEST_MODULE abi_layout
#include <boost/test/unit_test.hpp>

#include "abi_layout.h"

#include <runtimo/abi.h>

#include <cstddef>
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

BOOST_AUTO_TEST_CASE(what_minors_1_1_to_1_5_added_is_appended_in_order_and_keeps_its_values) {
  // rt_host_api: after 1.0's last field (log), one pointer after another.
  const std::size_t p = sizeof(void *);
  const std::size_t after_log = offsetof(rt_host_api, log) + p;
  const std::size_t added[] = {
      offsetof(rt_host_api, telemetry),   offsetof(rt_host_api, processes),  // 1.1
      offsetof(rt_host_api, arg),         offsetof(rt_host_api, arg_int),    // 1.2
      offsetof(rt_host_api, backup),      offsetof(rt_host_api, write_file),  // 1.3
      offsetof(rt_host_api, make_dir),    offsetof(rt_host_api, remove_path),
      offsetof(rt_host_api, rename_path), offsetof(rt_host_api, file_sha256),
      offsetof(rt_host_api, undo_job),                                        //
      offsetof(rt_host_api, spawn),                                           // 1.4
      offsetof(rt_host_api, pre_image),                                       // 1.5
  };
  for (std::size_t i = 0; i < sizeof added / sizeof added[0]; ++i)
    BOOST_TEST(added[i] == after_log + i * p, "the " << i + 1 << "th field added after 1.0 is at " << added[i]);
  BOOST_TEST(sizeof(rt_host_api) == after_log + (sizeof added / sizeof added[0]) * p);
  BOOST_TEST(RT_ABI_MINOR == 5);  // a new minor extends this test

  BOOST_TEST(RT_CAP_HOST_WRITES == (1u << 7));
  BOOST_TEST(RT_ACCESS_ENTRY == 4u);
  BOOST_TEST(RT_JSON_ABSENT == 0);
  BOOST_TEST(RT_JSON_NULL == 1);
  BOOST_TEST(RT_JSON_BOOL == 2);
  BOOST_TEST(RT_JSON_NUMBER == 3);
  BOOST_TEST(RT_JSON_STRING == 4);
  BOOST_TEST(RT_JSON_ARRAY == 5);
  BOOST_TEST(RT_JSON_OBJECT == 6);
  BOOST_TEST(RT_WRITE_REPLACE == 0u);
  BOOST_TEST(RT_WRITE_APPEND == 1u);
  BOOST_TEST(RT_WRITE_CREATE_NEW == 2u);
  BOOST_TEST(RT_WRITE_HOW_MASK == 0xffu);
  BOOST_TEST(RT_WRITE_CREATE_PARENTS == (1u << 8));
  BOOST_TEST(RT_WRITE_HARDLINKED == (1u << 9));
  BOOST_TEST(RT_REMOVE_RECURSIVE == 1u);
  BOOST_TEST(RT_RENAME_OVERWRITE == 1u);
  BOOST_TEST(RT_UNDO_FORCE == 1u);
  BOOST_TEST(RT_SPAWN_PLAN_ONLY == 1u);
}
