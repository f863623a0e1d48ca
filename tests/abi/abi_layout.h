/*
 * abi_layout.h — one entry of the ABI 1.0 layout (a field's offset, a struct's size or a
 * constant's value, by name) and the two functions abi_layout.c is compiled into.
 */
#ifndef RUNTIMO_TESTS_ABI_LAYOUT_H
#define RUNTIMO_TESTS_ABI_LAYOUT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct abi_layout_entry {
  const char *name;
  size_t value;
} abi_layout_entry;

const abi_layout_entry *abi_layout_1_0(size_t *count);
const abi_layout_entry *abi_layout_current(size_t *count);

#ifdef __cplusplus
}
#endif

#endif
