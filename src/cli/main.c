/* main.c — the CLI: argv -> the command table -> stdout, and nothing else. Every flag is a
 * parameter of the table (--failure-rate is failure_rate); --json, --svg FILE and --help are
 * the only flags of the CLI itself. Output is built in memory and written only once the
 * command succeeded, so a bad flag never leaves half a document on stdout or on disk.
 * Exit status: 0 done, 2 bad usage (one line on stderr), 1 anything else. */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fleetops/command.h"
#include "fleetops/lab.h"
#include "fleetops/server.h"

#define FO_VERSION "0.1.0"

static void flag_of(const char *name, char *out, size_t n) {
    snprintf(out, n, "--%.60s", name);
    for (char *c = out + 2; *c; c++)
        if (*c == '_') *c = '-';
}

/* Greedy word wrap with a hanging indent. */
static void wrap(FILE *f, const char *text, int indent, int width) {
    int col = indent;
    fprintf(f, "%*s", indent, "");
    while (*text) {
        size_t w = strcspn(text, " ");
        if (col > indent && col + 1 + (int)w > width) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            fputc(' ', f);
            col++;
        }
        fwrite(text, 1, w, f);
        col += (int)w;
        text += w;
        while (*text == ' ')
            text++;
    }
    fputc('\n', f);
}

/* Commands of the native build only (serve, report, class: not in the HTTP-visible table),
 * from libfleetops_native.so next to this binary, loaded only when one of them is asked for
 * (or listed): the HTTP, TLS and SQLite libraries cost every other command ~2 ms of start-up.
 * NULL with *why filled when the module cannot be loaded. */
static const fo_command *const *native_commands(size_t *n, const char **why) {
    static const fo_command *const *cmds;
    static size_t count;
    static char reason[PATH_MAX + 300];
    if (cmds || reason[0]) {
        *n = count, *why = reason;
        return cmds;
    }
    char path[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", path, sizeof path - sizeof FO_NATIVE_MODULE - 1);
    char *slash = NULL;
    for (ssize_t i = 0; i < len; i++)
        if (path[i] == '/') slash = path + i;
    if (slash)
        memcpy(slash + 1, FO_NATIVE_MODULE, sizeof FO_NATIVE_MODULE);
    else
        snprintf(path, sizeof path, "%s", FO_NATIVE_MODULE);
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    fo_native_commands_fn fn = h ? (fo_native_commands_fn)dlsym(h, FO_NATIVE_SYMBOL) : NULL;
    if (fn) {
        cmds = fn(&count);
    } else {
        const char *err = dlerror();
        snprintf(reason, sizeof reason, "%s", err ? err : path);
    }
    *n = count, *why = reason;
    return cmds;
}

static int is_native(const char *name) {
    static const char *const names[] = FO_NATIVE_NAMES;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0) return 1;
    return 0;
}

/* The command, or NULL (unknown, or native and its module missing: *why says so). */
static const fo_command *find_command(const char *name, const char **why) {
    *why = "";
    const fo_command *cmd = fo_command_find(name);
    if (cmd || !is_native(name)) return cmd;
    size_t n;
    const fo_command *const *native = native_commands(&n, why);
    for (size_t i = 0; native && i < n; i++)
        if (strcmp(native[i]->name, name) == 0) return native[i];
    return NULL;
}

static int unknown_command(const char *name, const char *why) {
    if (why[0])
        fprintf(stderr,
                "fleetops: \"%s\" needs %s next to the fleetops binary (built with it): %s\n", name,
                FO_NATIVE_MODULE, why);
    else
        fprintf(stderr, "fleetops: unknown command \"%s\" (fleetops help lists them)\n", name);
    return 2;
}

static void print_main_help(FILE *f) {
    size_t n;
    const fo_command *const *cmds = fo_commands(&n);
    fprintf(f, "fleetops %s: %s\n\n", FO_VERSION, fo_lab_chapter_info()->title);
    fprintf(f, "Usage: fleetops COMMAND [--flag VALUE]... [--json] [--svg FILE]\n"
               "       fleetops help COMMAND    flags, units, ranges and defaults of a command\n\n"
               "Commands:\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  %-10s %s\n", cmds[i]->name, cmds[i]->summary);
    const char *why;
    const fo_command *const *native = native_commands(&n, &why);
    for (size_t i = 0; native && i < n; i++)
        fprintf(f, "  %-10s %s\n", native[i]->name, native[i]->summary);
    if (!native) {
        static const char *const names[] = FO_NATIVE_NAMES;
        fputs("  (", f);
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
            fprintf(f, "%s%s", i ? ", " : "", names[i]);
        fprintf(f, ": %s is missing)\n", FO_NATIVE_MODULE);
    }
    fprintf(f, "\nOutput: a readable report by default; --json prints one JSON object with the\n"
               "same keys as the HTTP API; --svg FILE writes the command's figure.\n"
               "Rates are fractions (0.95, not 95). Start with: fleetops lab\n");
}

static void print_presets(FILE *f, const fo_command *cmd, const fo_param *p) {
    int any = 0;
    for (size_t t = 0; fo_track_ids[t]; t++)
        for (size_t k = 0; k < cmd->npresets; k++) {
            const fo_preset *pr = &cmd->presets[k];
            double v;
            if (strcmp(pr->param, p->name) != 0 || !fo_preset_value(pr, fo_track_ids[t], &v))
                continue;
            if (any)
                fprintf(f, ", ");
            else
                fprintf(f, "%24spresets: ", "");
            fprintf(f, "%s ", fo_track_ids[t]);
            if (p->type == FO_T_CHOICE)
                fprintf(f, "%s", p->choices[(int)v]);
            else
                fprintf(f, "%g", v);
            any = 1;
        }
    if (any) fputc('\n', f);
}

static void print_command_help(FILE *f, const fo_command *cmd) {
    fprintf(f, "Usage: fleetops %s%s%s%s [--flag VALUE]... [--json]%s\n\n", cmd->name,
            cmd->positional ? " [" : "", cmd->positional ? cmd->positional : "",
            cmd->positional ? "]" : "", cmd->figure ? " [--svg FILE]" : "");
    wrap(f, cmd->description, 0, 78);
    if (cmd->nparams) fprintf(f, "\nFlags:\n");
    for (size_t i = 0; i < cmd->nparams; i++) {
        const fo_param *p = &cmd->params[i];
        char flag[80], allowed[512], line[700];
        flag_of(p->name, flag, sizeof flag);
        fo_param_allowed(p, allowed, sizeof allowed);
        if (p->flags & FO_P_REQUIRED)
            snprintf(line, sizeof line, "%s; %s; required", allowed, p->unit);
        else if (p->flags & FO_P_OPTIONAL)
            snprintf(line, sizeof line, "%s; %s; optional", allowed, p->unit);
        else if (p->type == FO_T_CHOICE)
            snprintf(line, sizeof line, "%s; default %s", allowed, p->choices[p->def_choice]);
        else if (p->type == FO_T_STRING)
            snprintf(line, sizeof line, "%s; %s; default %s", allowed, p->unit, p->def_str);
        else
            snprintf(line, sizeof line, "%s; %s; default %g", allowed, p->unit, p->def);
        fprintf(f, "  %-40s %s\n", flag, p->help);
        wrap(f, line, 24, 78);
        print_presets(f, cmd, p);
    }
    fprintf(f, "\nOutput flags:\n  --json                 print one JSON object\n");
    if (cmd->figure) fprintf(f, "  --svg FILE             write the figure: %s\n", cmd->figure);
    fprintf(f, "  --help                 this text\n");
    if (cmd->example) fprintf(f, "\nExample:\n  %s\n", cmd->example);
}

/* One line on stderr naming the flag, the value and what is allowed; exit status 2. */
static int usage_error(const char *cmd, const fo_error *e) {
    char flag[100] = "";
    if (e->param[0]) flag_of(e->param, flag, sizeof flag);
    fprintf(stderr, "fleetops%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    if (strcmp(e->error, "unknown parameter") == 0) {
        fprintf(stderr, "unknown flag %s (value \"%s\"); flags: ", flag, e->value);
        const char *s = e->allowed;
        int first = 1;
        while (*s) {
            size_t w = strcspn(s, ", ");
            if (w) {
                char name[64];
                snprintf(name, sizeof name, "%.*s", (int)(w < 63 ? w : 63), s);
                flag_of(name, flag, sizeof flag);
                fprintf(stderr, "%s%s", first ? "" : ", ", flag);
                first = 0;
            }
            s += w;
            s += strspn(s, ", ");
        }
        fprintf(stderr, " (fleetops help %s)\n", cmd ? cmd : "");
    } else if (e->param[0]) {
        fprintf(stderr, "%s \"%s\": %s; allowed: %s\n", flag, e->value, e->error, e->allowed);
    } else {
        fprintf(stderr, "%s%s%s\n", e->error, e->value[0] ? ": " : "", e->value);
    }
    return 2;
}

static int cli_error(const char *cmd, const char *error, const char *param, const char *value,
                     const char *allowed) {
    fo_error e;
    fo_error_set(&e, FO_EUSAGE, error, param, value, allowed);
    return usage_error(cmd, &e);
}

/* Writes FILE via a temporary and a rename, so a failure never leaves half a figure. */
static int write_file(const char *path, const fo_buf *b) {
    if (strcmp(path, "-") == 0) return fwrite(b->data, 1, b->len, stdout) == b->len ? 0 : -1;
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp) return -1;
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(b->data, 1, b->len, f) == b->len;
    if (f && fclose(f) != 0) ok = 0;
    if (ok && rename(tmp, path) != 0) ok = 0;
    if (!ok) remove(tmp);
    free(tmp);
    return ok ? 0 : -1;
}

typedef struct cli_opts {
    int json, help;
    const char *svg;
} cli_opts;

/* argv[0] is the command name. Fills args and opts or reports a usage error (returns 2). */
static int parse_args(const fo_command *cmd, int argc, char **argv, fo_args *a, cli_opts *o) {
    fo_error e;
    int positional_used = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strncmp(arg, "--", 2) != 0) {
            if (cmd->positional && !positional_used) {
                positional_used = 1;
                if (fo_args_set(a, cmd->positional, arg, &e) != FO_OK)
                    return usage_error(cmd->name, &e);
                continue;
            }
            return cli_error(cmd->name, "unexpected argument (flags take the form --name VALUE)",
                             "", arg, "");
        }
        char name[80];
        const char *eq = strchr(arg, '=');
        size_t len = eq ? (size_t)(eq - arg) - 2 : strlen(arg) - 2;
        snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1),
                 arg + 2);
        if (strcmp(name, "json") == 0 && !eq) {
            o->json = 1;
            continue;
        }
        if (strcmp(name, "help") == 0 && !eq) {
            o->help = 1;
            continue;
        }
        if (strcmp(name, "csv") == 0 && !eq) { /* --csv: --format csv, where that is a choice */
            if (fo_args_set(a, "format", "csv", &e) != FO_OK) return usage_error(cmd->name, &e);
            continue;
        }
        const char *value;
        if (eq) {
            value = eq + 1;
        } else if (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0) {
            value = argv[++i];
        } else {
            return cli_error(cmd->name, "missing value", "", arg, "");
        }
        if (strcmp(name, "svg") == 0) {
            if (!cmd->figure)
                return cli_error(cmd->name, "this command draws no figure", "svg", value, "");
            if (o->svg) return cli_error(cmd->name, "repeated flag", "svg", value, "a file path");
            if (!*value) return cli_error(cmd->name, "empty value", "svg", value, "a file path");
            o->svg = value;
            continue;
        }
        if (strchr(name, '_'))
            return cli_error(cmd->name, "flags use dashes, not underscores", "", arg, "");
        for (char *c = name; *c; c++)
            if (*c == '-') *c = '_';
        if (fo_args_set(a, name, value, &e) != FO_OK) return usage_error(cmd->name, &e);
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_main_help(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("fleetops %s\n", FO_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "help") == 0) {
        if (argc < 3) {
            print_main_help(stdout);
            return 0;
        }
        const char *why;
        const fo_command *cmd = find_command(argv[2], &why);
        if (!cmd)
            return why[0] ? unknown_command(argv[2], why)
                          : cli_error(NULL, "unknown command", "", argv[2], "");
        print_command_help(stdout, cmd);
        return 0;
    }
    const char *why;
    const fo_command *cmd = find_command(argv[1], &why);
    if (!cmd) return unknown_command(argv[1], why);
    fo_args a;
    cli_opts o = {0};
    fo_args_init(&a, cmd);
    int rc = parse_args(cmd, argc - 1, argv + 1, &a, &o);
    if (rc) return rc;
    if (o.help) {
        print_command_help(stdout, cmd);
        return 0;
    }
    fo_error e;
    if (fo_args_finish(&a, &e) != FO_OK) return usage_error(cmd->name, &e);
    if (o.svg && strcmp(o.svg, "-") == 0 && o.json)
        return cli_error(cmd->name, "--svg - and --json both want stdout", "svg", "-", "a file");

    fo_buf json, svg, text;
    fo_buf_init(&json), fo_buf_init(&svg), fo_buf_init(&text);
    fo_output out = {&json, o.svg ? &svg : NULL, o.json ? NULL : &text};
    fo_status s = fo_command_run(&a, &out, &e);
    if (s == FO_OK && o.svg && write_file(o.svg, &svg) != 0) {
        fprintf(stderr, "fleetops %s: cannot write --svg \"%s\": %s\n", cmd->name, o.svg,
                strerror(errno));
        rc = 1;
    } else if (s == FO_EUSAGE) {
        rc = usage_error(cmd->name, &e);
    } else if (s != FO_OK) {
        fprintf(stderr, "fleetops %s: %s\n", cmd->name, e.error);
        rc = 1;
    } else if (!(o.svg && strcmp(o.svg, "-") == 0)) {
        const fo_buf *b = o.json ? &json : &text;
        if (b->len) fwrite(b->data, 1, b->len, stdout); /* `serve` writes nothing: data is NULL */
        if (o.json) fputc('\n', stdout);
    }
    fo_buf_free(&json), fo_buf_free(&svg), fo_buf_free(&text);
    if (fflush(stdout) != 0 && rc == 0) rc = 1;
    return rc;
}
