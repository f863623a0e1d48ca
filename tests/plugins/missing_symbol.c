/*
 * Test plugin case `missing_symbol` → test-plugins/missing_symbol/libcap_missing_symbol.so
 *
 * A shared library that looks like a plugin but exports its table under a misspelt name
 * (`runtimo_plugin_entry_v1` instead of RT_PLUGIN_ENTRY_SYMBOL). The loader must reject it
 * with "no runtimo_plugin_entry symbol: not a Runtimo plugin" and never call anything in it.
 */
#include <runtimo/abi.h>

#include <stddef.h>

RT_EXPORT const rt_plugin *runtimo_plugin_entry_v1(void);

RT_EXPORT const rt_plugin *runtimo_plugin_entry_v1(void) { return NULL; }
