/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_PT_H__
#define __VSVM_PT_H__

#include <linux/bits.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/types.h>

struct page;
struct seq_file;

/** VSVM_VA_BITS - Width of a GPU virtual address. */
#define VSVM_VA_BITS		48
/** VSVM_PT_LEVELS - Levels of the page table; level 0 holds 4 KiB PTEs. */
#define VSVM_PT_LEVELS		4
/** VSVM_PT_ENTRIES - Entries in one page-table page. */
#define VSVM_PT_ENTRIES		512
/** VSVM_PT_SHIFT - log2 of the span of one entry at @level. */
#define VSVM_PT_SHIFT(level)	(12 + 9 * (level))
/** VSVM_HUGE_SIZE - Span of a level-1 leaf entry (2 MiB). */
#define VSVM_HUGE_SIZE		(1ull << VSVM_PT_SHIFT(1))

/* Bits of a page-table entry, at every level. */
#define VSVM_PTE_VALID		BIT_ULL(0)
#define VSVM_PTE_WRITE		BIT_ULL(1)
/* A level-1 entry that maps 2 MiB itself rather than pointing to a table. */
#define VSVM_PTE_HUGE		BIT_ULL(2)
#define VSVM_PTE_ADDR		GENMASK_ULL(51, 12)

/* Flags of vsvm_pt_map_locked(). */
#define VSVM_PT_WRITE		BIT(0)
#define VSVM_PT_NOALLOC		BIT(1)
/* Internal: a software bit that never reaches an entry. */
#define VSVM_PT_BIT_NOALLOC	BIT_ULL(63)

struct vsvm_dmachk;
struct list_head;

/**
 * typedef vsvm_pt_busy_fn - Whether a table's span is still in use
 * @start: Start of the span of one table page.
 * @len: Length of the span.
 * @priv: The caller's data.
 *
 * See vsvm_pt_prune_locked().
 *
 * Return: true if the table must stay, even empty.
 */
typedef bool (*vsvm_pt_busy_fn)(u64 start, u64 len, void *priv);

/**
 * struct vsvm_pt - A GPU page table
 *
 * Four levels of 512-entry tables, each one page, entries pointing to the
 * next level by physical address as hardware page tables do.  A leaf entry
 * holds a DMA address and the write permission (every valid entry is
 * readable).  Level-1 entries may be 2 MiB leaves.
 *
 * Updates are made under @lock.  The engine walks the table without it:
 * every entry is written and read with a single 64-bit store and load, a
 * table page is filled before the entry that points to it is published,
 * and a table page taken out of the tree (vsvm_pt_prune_locked()) is freed
 * only after a TLB flush has waited for the walks that may still see it.
 */
struct vsvm_pt {
	/** @lock: Serialises updates of the table. */
	struct mutex lock;
	/** @root: The level-3 table. */
	struct page *root;
	/** @nr_tables: Number of table pages in the tree, the root included. */
	unsigned long nr_tables;
	/** @chk: The device's DMA checker, told of every leaf; or NULL. */
	struct vsvm_dmachk *chk;
};

/**
 * struct vsvm_pt_walk - The result of a page-table walk
 */
struct vsvm_pt_walk {
	/** @pte: The leaf entry that maps the address. */
	u64 pte;
	/** @level: The leaf's level: 0 for a 4 KiB page, 1 for 2 MiB. */
	unsigned int level;
	/** @dma: The DMA address the GPU address translates to. */
	u64 dma;
};

int vsvm_pt_init(struct vsvm_pt *pt);
void vsvm_pt_fini(struct vsvm_pt *pt);
int vsvm_pt_map_locked(struct vsvm_pt *pt, u64 va, u64 dma, u64 size, u32 flags);
int vsvm_pt_unmap_locked(struct vsvm_pt *pt, u64 va, u64 size);
int vsvm_pt_prealloc_locked(struct vsvm_pt *pt, u64 va, u64 size);
int vsvm_pt_split_locked(struct vsvm_pt *pt, u64 va, u64 size);
int vsvm_pt_split_ends_locked(struct vsvm_pt *pt, u64 va, u64 size);
int vsvm_pt_map_owned(struct vsvm_pt *pt, u64 va, u64 dma, u64 size, u32 flags);
void vsvm_pt_zap(struct vsvm_pt *pt, u64 va, u64 size);
int vsvm_pt_walk(struct vsvm_pt *pt, u64 va, struct vsvm_pt_walk *walk);
unsigned long vsvm_pt_prune_locked(struct vsvm_pt *pt, u64 va, u64 size,
				   vsvm_pt_busy_fn busy, void *priv,
				   struct list_head *tables);
void vsvm_pt_free_tables(struct list_head *tables);
void vsvm_pt_dump_locked(struct vsvm_pt *pt, struct seq_file *m);

/** VSVM_TLB_ENTRIES - Entries of the simulated TLB (direct-mapped). */
#define VSVM_TLB_ENTRIES	64

/**
 * struct vsvm_tlb_entry - One cached 4 KiB translation
 */
struct vsvm_tlb_entry {
	/** @vpn: The GPU page number (va >> PAGE_SHIFT), or U64_MAX if empty. */
	u64 vpn;
	/** @pte: The translation: the page's DMA address and permission. */
	u64 pte;
};

/**
 * struct vsvm_tlb - The simulated TLB of one address space
 *
 * The engine translates every access through the TLB, walking the page table
 * on a miss.  A flush empties the entries of a range (or all) and then waits
 * until no access that may have used an older translation is still running.
 *
 * Two things make that wait sound.  Every engine access runs inside an SRCU
 * read-side section (vsvm_tlb_access_begin() / _end()), and the flush waits
 * for all such sections with synchronize_srcu().  And every fill carries the
 * flush generation read before its page-table walk: a walk that raced with a
 * flush (it may have read an entry the flush's caller had just cleared) has
 * an older generation, and its fill is dropped.
 */
struct vsvm_tlb {
	/** @lock: Protects @entries, @gen and the statistics. */
	spinlock_t lock;
	/** @gen: Flush generation, bumped by every flush. */
	u64 gen;
	/** @entries: The cached translations. */
	struct vsvm_tlb_entry entries[VSVM_TLB_ENTRIES];
	/** @srcu: Marks the engine's accesses, for the flush to wait for. */
	struct srcu_struct srcu;
	/** @hits: Translations served from the TLB. */
	u64 hits;
	/** @misses: Translations that needed a page-table walk. */
	u64 misses;
	/** @flushes: Number of flushes. */
	u64 flushes;
	/** @trace_dev: The device's index, for the vsvm_tlb_flush event. */
	u32 trace_dev;
	/** @trace_client: The owning file's DRM client id, for that event. */
	u64 trace_client;
};

int vsvm_tlb_init(struct vsvm_tlb *tlb);
void vsvm_tlb_fini(struct vsvm_tlb *tlb);
int vsvm_tlb_access_begin(struct vsvm_tlb *tlb) __acquires(&tlb->srcu);
void vsvm_tlb_access_end(struct vsvm_tlb *tlb, int idx) __releases(&tlb->srcu);
int vsvm_tlb_translate(struct vsvm_tlb *tlb, struct vsvm_pt *pt, u64 va,
		       bool write, u64 *dma);
void vsvm_tlb_flush_range(struct vsvm_tlb *tlb, u64 va, u64 size);
void vsvm_tlb_flush_range_idle(struct vsvm_tlb *tlb, u64 va, u64 size);
void vsvm_tlb_flush_all(struct vsvm_tlb *tlb);

#if IS_ENABLED(CONFIG_KUNIT)
bool vsvm_tlb_fill(struct vsvm_tlb *tlb, u64 vpn, u64 pte, u64 gen);
#endif

#endif /* __VSVM_PT_H__ */
