# sdk/cmake/RuntimoPlugin.cmake — runtimo_add_plugin(), the one way a C++ capability plugin is
# built: by Runtimo's own build (the root CMakeLists.txt includes this file) and by third-party
# projects against an installed SDK (RuntimoConfig.cmake includes the installed copy).
#
#   runtimo_add_plugin(<name> SOURCES <file>... [OUTPUT_DIRECTORY <dir>])
#
# adds the MODULE library target cap_<name>, the file libcap_<name>.so (in OUTPUT_DIRECTORY,
# else where CMake puts libraries), loadable by every Runtimo host of the same ABI major:
#   * hidden visibility plus the export map runtimo_plugin.map (beside this file): the only
#     dynamic symbol the library defines is runtimo_plugin_entry — inline code of Boost and
#     libstdc++ headers would otherwise be exported and could bind to another plugin's copy;
#   * self-contained: Boost.JSON compiled in (boost_json.cpp in header-only mode, compiled
#     once per project into the object library runtimo_plugin_json and linked into every
#     plugin) and the C++ runtime linked statically (-static-libstdc++ -static-libgcc), so
#     loading the plugin binds no shared C++ library and it runs whatever libstdc++ the
#     machine has;
#   * -Wl,--no-undefined: a missing symbol fails the link, not the host's dlopen();
#   * C++20 (sdk.hpp needs it).
# Anything else (warnings, definitions, more libraries) the caller adds to target cap_<name>.
# A plain-C plugin needs none of this, only runtimo/abi.h and hidden visibility: see
# sdk/examples/uptime.
#
# Before including, set RUNTIMO_PLUGIN_JSON_SOURCE to boost_json.cpp. Needs the targets
# Runtimo::sdk (the SDK headers) and Boost::headers.
include_guard(GLOBAL)

if(NOT RUNTIMO_PLUGIN_JSON_SOURCE OR NOT EXISTS "${RUNTIMO_PLUGIN_JSON_SOURCE}")
  message(FATAL_ERROR "RuntimoPlugin.cmake: RUNTIMO_PLUGIN_JSON_SOURCE must name the SDK's "
                      "boost_json.cpp (it is \"${RUNTIMO_PLUGIN_JSON_SOURCE}\")")
endif()
# Kept as global properties: runtimo_add_plugin may be called from any directory.
set_property(GLOBAL PROPERTY RUNTIMO_PLUGIN_JSON_SOURCE "${RUNTIMO_PLUGIN_JSON_SOURCE}")
set_property(GLOBAL PROPERTY RUNTIMO_PLUGIN_MAP "${CMAKE_CURRENT_LIST_DIR}/runtimo_plugin.map")

# The object library with Boost.JSON's implementation, made at the first plugin.
function(_runtimo_plugin_json_objects)
  if(TARGET runtimo_plugin_json)
    return()
  endif()
  if(NOT TARGET Boost::headers)
    message(FATAL_ERROR "runtimo_add_plugin: the Boost headers (Boost.JSON, 1.75 or newer) were "
                        "not found. Install them (Debian: libboost1.81-dev) or point CMake at "
                        "them with -DBoost_DIR=<dir of BoostConfig.cmake>. A plain-C plugin "
                        "needs no Boost: build it as sdk/examples/uptime does.")
  endif()
  get_property(source GLOBAL PROPERTY RUNTIMO_PLUGIN_JSON_SOURCE)
  add_library(runtimo_plugin_json OBJECT "${source}")
  target_link_libraries(runtimo_plugin_json PRIVATE Boost::headers)
  target_compile_features(runtimo_plugin_json PRIVATE cxx_std_20)
  set_target_properties(runtimo_plugin_json PROPERTIES POSITION_INDEPENDENT_CODE ON
                        CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
endfunction()

function(runtimo_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 P "" "OUTPUT_DIRECTORY" "SOURCES")
  if(P_UNPARSED_ARGUMENTS OR NOT P_SOURCES)
    message(FATAL_ERROR "runtimo_add_plugin(${name} ${ARGN}): usage is "
                        "runtimo_add_plugin(<name> SOURCES <file>... [OUTPUT_DIRECTORY <dir>])")
  endif()
  if(NOT name MATCHES "^[a-z0-9_]+$")
    message(FATAL_ERROR "runtimo_add_plugin: \"${name}\" is not a plugin name: it must match "
                        "[a-z0-9_]+ (the file is libcap_<name>.so)")
  endif()
  get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  if(NOT "CXX" IN_LIST languages)
    message(FATAL_ERROR "runtimo_add_plugin(${name}): enable C++ in project() — the plugin "
                        "compiles Boost.JSON in. A plain-C plugin needs only runtimo/abi.h: "
                        "build it as sdk/examples/uptime does.")
  endif()
  _runtimo_plugin_json_objects()
  get_property(map GLOBAL PROPERTY RUNTIMO_PLUGIN_MAP)

  set(target cap_${name})
  add_library(${target} MODULE ${P_SOURCES} $<TARGET_OBJECTS:runtimo_plugin_json>)
  set_target_properties(${target} PROPERTIES
    PREFIX "lib" OUTPUT_NAME cap_${name} SUFFIX ".so" POSITION_INDEPENDENT_CODE ON
    C_VISIBILITY_PRESET hidden CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  if(P_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${P_OUTPUT_DIRECTORY}")
  endif()
  target_compile_features(${target} PRIVATE cxx_std_20)
  target_link_libraries(${target} PRIVATE Runtimo::sdk Boost::headers)
  target_link_options(${target} PRIVATE -Wl,--no-undefined -static-libstdc++ -static-libgcc
                      "-Wl,--version-script=${map}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${map}")
endfunction()
