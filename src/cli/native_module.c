/* native_module.c — libfleetops_native.so: the native-only commands (serve, report, class,
 * ledger)
 * with everything they need (libmicrohttpd, SQLite, jansson), loaded by the CLI only when one
 * of them runs. Its one export, fo_native_commands, is defined in src/server/cmd_serve.c; this
 * file makes the module take it (and what it reaches) from the static library. */
#include "fleetops/server.h"

const void *fo_native_module_entry(void);
const void *fo_native_module_entry(void) {
    return (const void *)fo_native_commands;
}
