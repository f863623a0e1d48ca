// sdk/src/boost_json.cpp — Boost.JSON's implementation, compiled into each plugin.
//
// A plugin carries its own copy of Boost.JSON (this file, in header-only mode) and of the C++
// runtime (-static-libstdc++ -static-libgcc), hidden behind the export map: it then needs no
// shared C++ library at all, and loading it costs the host about half as much (dlopen of a
// plugin linked to libboost_json.so and libstdc++.so spent ~3.6 million instructions binding
// their symbols; see the README's Performance section). Nothing of either copy crosses the
// ABI, which passes C types only.
#include <boost/json/src.hpp>
