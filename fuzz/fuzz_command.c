/* fuzz_command.c — libFuzzer harness for the command table: any command, any parameter
 * string. Input: byte 0 picks a command (mod the table), byte 1 picks the outputs (JSON
 * always; bit 0: SVG, bit 1: text); the rest is lines "name=value" (a line without '=' is a
 * name with an empty value; names need not exist). Whatever the input, the table must answer
 * with a status and either a complete document or a filled error, within the time and memory
 * the fuzzer allows (libFuzzer's -timeout and -rss_limit_mb catch a request that takes
 * seconds or gigabytes). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleetops/command.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2 || size > 4096) return 0;
    size_t ncmd;
    const fo_command *const *cmds = fo_commands(&ncmd);
    const fo_command *cmd = cmds[data[0] % ncmd];
    unsigned outputs = data[1];
    char *text = malloc(size - 1);
    if (!text) return 0;
    memcpy(text, data + 2, size - 2);
    text[size - 2] = '\0';
    const char *names[64], *values[64];
    size_t n = 0;
    for (char *line = text; line && n < 64;) {
        char *next = strchr(line, '\n');
        if (next) *next++ = '\0';
        char *eq = strchr(line, '=');
        if (eq) *eq = '\0';
        names[n] = line;
        values[n++] = eq ? eq + 1 : "";
        line = next;
    }
    fo_buf json, svg, txt;
    fo_buf_init(&json), fo_buf_init(&svg), fo_buf_init(&txt);
    fo_output out = {&json, (outputs & 1) ? &svg : NULL, (outputs & 2) ? &txt : NULL};
    fo_error err;
    memset(&err, 0x5a, sizeof err); /* an error left unfilled shows up as garbage below */
    fo_status s = fo_command_run_kv(cmd->name, names, values, n, &out, &err);
    if (s == FO_OK) {
        if (json.len == 0 || (json.data[0] != '{' && json.data[0] != '[')) abort();
    } else {
        if (!memchr(err.error, '\0', sizeof err.error) || !err.error[0]) abort();
        if (!memchr(err.param, '\0', sizeof err.param)) abort();
        if (!memchr(err.value, '\0', sizeof err.value)) abort();
        if (!memchr(err.allowed, '\0', sizeof err.allowed)) abort();
    }
    fo_buf_free(&json), fo_buf_free(&svg), fo_buf_free(&txt);
    free(text);
    return 0;
}
