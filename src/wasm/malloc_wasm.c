/* malloc_wasm.c — the WebAssembly build's allocator, in place of wasi-libc's dlmalloc (~12 KB of
 * fleetops.wasm against ~0.4 KB here). Blocks come in sizes of 32 << k bytes (a 16-byte header
 * holding k in its last byte, then the caller's bytes, 16-byte aligned); a freed block goes on its
 * size's free list and is handed out again as is, never split or merged. That suits the module: one
 * call runs one command, whose buffers are freed before it returns, and the next call asks for the
 * same sizes again, so the heap stops growing after the first runs of each command. A request
 * whose size has no free block takes one of the next size up when there is one (measured: the
 * heap after every command at its defaults, 6 MB against dlmalloc's 3 MB; 8 MB without). Memory
 * grows by whole WebAssembly pages and is never given back, as with dlmalloc. The module is
 * single-threaded. These are libc's own names (malloc, free, calloc, realloc): the linker then
 * takes them from here and leaves libc's allocator out. */
#define _GNU_SOURCE /* sbrk */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define HEADER  16
#define CLASSES 26 /* 32 << 25 = 1 GiB, the largest block */
#define PAGE    65536

extern unsigned char __heap_base;

typedef struct free_block {
    struct free_block *next;
} free_block;

static free_block *free_lists[CLASSES];
static uintptr_t heap_top, heap_end;

static void *take(size_t n) {
    if (n > ((size_t)32 << (CLASSES - 1)) - HEADER) return NULL;
    unsigned k = 0;
    while (((size_t)32 << k) < n + HEADER)
        k++;
    if (!free_lists[k] && k + 1 < CLASSES && free_lists[k + 1]) k++; /* a size up, not more */
    unsigned char *b = (unsigned char *)free_lists[k];
    if (b) {
        free_lists[k] = free_lists[k]->next;
    } else {
        size_t size = (size_t)32 << k;
        if (!heap_top) {
            heap_top = ((uintptr_t)&__heap_base + HEADER - 1) & ~(uintptr_t)(HEADER - 1);
            heap_end = (uintptr_t)sbrk(0); /* wasi-libc: the memory's end */
        }
        if (heap_end - heap_top < size) {
            size_t pages = (size - (heap_end - heap_top) + PAGE - 1) / PAGE;
            if (sbrk((intptr_t)(pages * PAGE)) == (void *)-1) return NULL; /* whole pages */
            heap_end += pages * PAGE;
        }
        b = (unsigned char *)heap_top;
        heap_top += size;
    }
    b[HEADER - 1] = (unsigned char)k;
    return b + HEADER;
}

void *malloc(size_t n) {
    return take(n);
}

void free(void *p) {
    if (!p) return;
    unsigned k = ((unsigned char *)p)[-1];
    free_block *f = (free_block *)((unsigned char *)p - HEADER); /* the link: the header's start */
    f->next = free_lists[k];
    free_lists[k] = f;
}

void *calloc(size_t count, size_t size) {
    if (size && count > SIZE_MAX / size) return NULL;
    void *p = take(count * size);
    if (p) memset(p, 0, count * size);
    return p;
}

void *realloc(void *p, size_t n) {
    if (!p) return take(n);
    size_t room = ((size_t)32 << ((unsigned char *)p)[-1]) - HEADER;
    if (n <= room) return p;
    void *q = take(n);
    if (!q) return NULL;
    memcpy(q, p, room);
    free(p);
    return q;
}
