// config_home.cpp — where Runtimo lives and whose "~" it uses: a home that is or resolves to a
// system directory is refused before anything is created (the journal, run markers and
// backups always live in a private directory), and "~" is the runtime user's passwd home,
// whatever $HOME says.
#define BOOST_TEST_MODULE config_home
#include <boost/test/unit_test.hpp>

#include "config/settings.hpp"
#include "config_refusal.hpp"
#include "temp_dir.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace fs = std::filesystem;
namespace config = runtimo::config;
using runtimo::test::TempDir;

namespace {

// What prepare_home says about `home`.
std::string refusal_of(const fs::path &home, std::string *hint = nullptr) {
  return runtimo::test::config_refusal([&] { config::prepare_home(home); }, hint);
}

bool contains(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

// Sets (or, with nullptr, unsets) an environment variable for one scope.
class EnvOverride {
 public:
  EnvOverride(const char *name, const char *value) : name_(name) {
    if (const char *old = std::getenv(name)) old_ = old;
    had_ = std::getenv(name) != nullptr;
    if (value != nullptr)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~EnvOverride() {
    if (had_)
      ::setenv(name_, old_.c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char *name_;
  std::string old_;
  bool had_ = false;
};

}  // namespace

BOOST_AUTO_TEST_CASE(system_directories_are_refused_as_homes) {
  for (const char *dir :
       {"/",     "/etc", "/usr",  "/run",   "/bin",  "/sbin",      "/lib",  "/lib64",
        "/boot", "/dev", "/proc", "/sys",   "/var",  "/home",      "/root", "/tmp",
        "/opt",  "/srv", "/mnt",  "/media", "/tmp/", "/usr/../etc"}) {
    std::string hint;
    const std::string message = refusal_of(dir, &hint);
    BOOST_TEST_INFO("home " << dir);
    BOOST_TEST(contains(message, "is the system directory"), message);
    BOOST_TEST(contains(message, "journal, run markers and backups must not live there"));
    BOOST_TEST(hint == "pass --home DIR, a private directory such as ~/.local/state/runtimo");
  }
}

BOOST_AUTO_TEST_CASE(homes_below_system_trees_are_refused_before_anything_is_created) {
  const std::string unique = "runtimo-home-test-" + std::to_string(::getpid());
  for (const char *tree :
       {"/proc", "/sys", "/dev", "/etc", "/usr", "/boot", "/bin", "/sbin", "/lib", "/usr/local"}) {
    const fs::path home = fs::path(tree) / unique / "state";
    const std::string message = refusal_of(home);
    BOOST_TEST_INFO("home " << home);
    BOOST_TEST(contains(message, "lies in the system directory"), message);
    std::error_code ec;
    BOOST_TEST(!fs::exists(fs::path(tree) / unique, ec));
  }
}

BOOST_AUTO_TEST_CASE(a_symlink_to_a_system_directory_is_refused_where_it_leads) {
  TempDir dir;
  const fs::path root = fs::canonical(dir.path());
  fs::create_directory_symlink("/etc", root / "etc-link");
  fs::create_symlink("/usr/lib/runtimo-missing", root / "dangling");
  const std::string through = refusal_of(root / "etc-link");
  BOOST_TEST(contains(through, "(which resolves to /etc) is the system directory /etc"), through);
  const std::string below = refusal_of(root / "etc-link" / "runtimo");
  BOOST_TEST(contains(below, "lies in the system directory /etc"), below);
  const std::string dangling = refusal_of(root / "dangling");
  BOOST_TEST(contains(dangling, "lies in the system directory /usr"), dangling);
}

BOOST_AUTO_TEST_CASE(a_private_directory_is_accepted_and_created_0700) {
  TempDir dir;
  const fs::path home = dir.path() / "state" / "runtimo";
  BOOST_TEST(refusal_of(home) == "(accepted)");
  struct stat st {};
  BOOST_TEST_REQUIRE(::stat(home.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 07777) == 0700u);
  // Below /tmp, /var or /run is fine: only the directories themselves are refused.
  BOOST_TEST(refusal_of(dir.path()) == "(accepted)");
}

BOOST_AUTO_TEST_CASE(the_user_home_is_the_passwd_home_whatever_home_says) {
  const passwd *pw = ::getpwuid(::geteuid());
  BOOST_TEST_REQUIRE(pw != nullptr);
  const std::string passwd_home = pw->pw_dir;
  const EnvOverride home("HOME", "/tmp/not-the-home-of-anyone");
  const EnvOverride runtimo_home("RUNTIMO_HOME", nullptr);
  const EnvOverride xdg("XDG_STATE_HOME", nullptr);
  BOOST_TEST(config::user_home() == fs::path(passwd_home));
  // $HOME still places the state directory by the XDG convention when the environment is used.
  BOOST_TEST(config::resolve_home({}, true) ==
             fs::path("/tmp/not-the-home-of-anyone/.local/state/runtimo"));
  BOOST_TEST(config::resolve_home({}, false) == fs::path(passwd_home) / ".local/state/runtimo");
}
