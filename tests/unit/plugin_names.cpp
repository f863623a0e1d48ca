// plugin_names.cpp — the naming rules and the forgiving lookup: which plugin and capability
// names are valid, how names normalise, and which "did you mean" names an agent is offered.
#define BOOST_TEST_MODULE plugin_names
#include <boost/test/unit_test.hpp>

#include "plugin/capability_names.hpp"
#include "plugin/plugin_registry.hpp"

#include <algorithm>
#include <string>
#include <vector>

using namespace runtimo::plugin;

BOOST_AUTO_TEST_CASE(normalising_ignores_case_underscores_and_dashes) {
  BOOST_TEST(normalise_capability_name("FileRead") == "fileread");
  BOOST_TEST(normalise_capability_name("file_read") == "fileread");
  BOOST_TEST(normalise_capability_name("file-read") == "fileread");
  BOOST_TEST(normalise_capability_name("F-I_L-E_READ") == "fileread");
  BOOST_TEST(normalise_capability_name("") == "");
}

BOOST_AUTO_TEST_CASE(plugin_names_are_lower_case_words) {
  BOOST_TEST(is_valid_plugin_name("file_read"));
  BOOST_TEST(is_valid_plugin_name("kill2"));
  BOOST_TEST(!is_valid_plugin_name(""));
  BOOST_TEST(!is_valid_plugin_name("FileRead"));
  BOOST_TEST(!is_valid_plugin_name("file-read"));
  BOOST_TEST(!is_valid_plugin_name("file read"));
  BOOST_TEST(!is_valid_plugin_name("../kill"));
}

BOOST_AUTO_TEST_CASE(capability_names_start_with_a_letter_and_stay_short) {
  BOOST_TEST(is_valid_capability_name("Kill"));
  BOOST_TEST(is_valid_capability_name("file_read_2"));
  BOOST_TEST(is_valid_capability_name(std::string(64, 'a')));
  BOOST_TEST(!is_valid_capability_name(std::string(65, 'a')));
  BOOST_TEST(!is_valid_capability_name(""));
  BOOST_TEST(!is_valid_capability_name("9lives"));
  BOOST_TEST(!is_valid_capability_name("_hidden"));
  BOOST_TEST(!is_valid_capability_name("file-read"));
  BOOST_TEST(!is_valid_capability_name("Kill!"));
}

BOOST_AUTO_TEST_CASE(edit_distance_counts_insertions_deletions_and_substitutions) {
  BOOST_TEST(edit_distance("", "") == 0u);
  BOOST_TEST(edit_distance("echo", "echo") == 0u);
  BOOST_TEST(edit_distance("echo", "ecko") == 1u);
  BOOST_TEST(edit_distance("ech", "echo") == 1u);
  BOOST_TEST(edit_distance("kitten", "sitting") == 3u);
  BOOST_TEST(edit_distance("", "abc") == 3u);
}

BOOST_AUTO_TEST_CASE(suggestions_rank_close_names_first_and_stop_at_three) {
  const std::vector<std::string> names = {"FileRead", "FileWrite", "FileList", "Kill",
                                          "ProcessList", "ShellExec"};
  const auto read = closest_names("file_raed", names);
  BOOST_TEST_REQUIRE(!read.empty());
  BOOST_TEST(read.front() == "FileRead");
  BOOST_TEST(read.size() <= 3u);

  const auto file = closest_names("file", names);  // prefix of three names
  BOOST_TEST(file.size() == 3u);
  for (const std::string &n : file) BOOST_TEST(n.starts_with("File"));

  const auto list = closest_names("list", names);  // substring
  BOOST_TEST((std::find(list.begin(), list.end(), "FileList") != list.end()));
  BOOST_TEST((std::find(list.begin(), list.end(), "ProcessList") != list.end()));

  BOOST_TEST(closest_names("kil", names) == std::vector<std::string>{"Kill"});
  BOOST_TEST(closest_names("zzzzzzzz", names).empty());
  BOOST_TEST(closest_names("", names).empty());
  BOOST_TEST(closest_names("--", names).empty());
}

BOOST_AUTO_TEST_CASE(suggestion_distance_grows_with_the_length_of_the_name) {
  const std::vector<std::string> names = {"ProcessSnapshot"};
  // 15 characters: up to 5 edits are still a suggestion, 6 are not.
  BOOST_TEST(closest_names("prcesssnapsht", names).size() == 1u);   // 2 edits
  BOOST_TEST(closest_names("proxessxnapxhox", names).size() == 1u); // 4 edits
  BOOST_TEST(closest_names("pxxxxxsnapsxxxx", names).empty());     // 9 edits, no substring
}
