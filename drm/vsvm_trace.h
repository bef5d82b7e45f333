/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vsvm

#if !defined(__VSVM_TRACE_H__) || defined(TRACE_HEADER_MULTI_READ)
#define __VSVM_TRACE_H__

#include <linux/tracepoint.h>

/*
 * Every event starts with the device's index (``dev``, the N of vsvm.N) and
 * the DRM client id of the file it serves (``client``, as in fdinfo's
 * drm-client-id); 0 for an object's event that no one file owns (eviction,
 * move_notify).  See the DOC section on tracepoints in vsvm_trace.c.
 */

TRACE_EVENT(vsvm_job_submit,
	    TP_PROTO(u32 dev, u64 client, u32 vm_id, u32 queue, u64 cs_addr, u64 cs_size,
		     u64 fence_ctx, u64 seqno),
	    TP_ARGS(dev, client, vm_id, queue, cs_addr, cs_size, fence_ctx, seqno),
	    TP_STRUCT__entry(__field(u32, dev)
			     __field(u64, client)
			     __field(u32, vm_id)
			     __field(u32, queue)
			     __field(u64, cs_addr)
			     __field(u64, cs_size)
			     __field(u64, fence_ctx)
			     __field(u64, seqno)),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->client = client;
			   __entry->vm_id = vm_id;
			   __entry->queue = queue;
			   __entry->cs_addr = cs_addr;
			   __entry->cs_size = cs_size;
			   __entry->fence_ctx = fence_ctx;
			   __entry->seqno = seqno;),
	    TP_printk("dev=%u client=%llu vm=%u queue=%u cs=0x%llx+0x%llx fence=%llu:%llu",
		      __entry->dev, __entry->client, __entry->vm_id, __entry->queue,
		      __entry->cs_addr, __entry->cs_size, __entry->fence_ctx, __entry->seqno)
);

/* A job reaching a stage of its way to the engine: queue and seqno. */
DECLARE_EVENT_CLASS(vsvm_job_stage_class,
		    TP_PROTO(u32 dev, u64 client, u32 queue, u64 seqno),
		    TP_ARGS(dev, client, queue, seqno),
		    TP_STRUCT__entry(__field(u32, dev)
				     __field(u64, client)
				     __field(u32, queue)
				     __field(u64, seqno)),
		    TP_fast_assign(__entry->dev = dev;
				   __entry->client = client;
				   __entry->queue = queue;
				   __entry->seqno = seqno;),
		    TP_printk("dev=%u client=%llu queue=%u seqno=%llu", __entry->dev,
			      __entry->client, __entry->queue, __entry->seqno)
);

/* run_job hands a job over to the engine thread. */
DEFINE_EVENT(vsvm_job_stage_class, vsvm_job_run,
	     TP_PROTO(u32 dev, u64 client, u32 queue, u64 seqno),
	     TP_ARGS(dev, client, queue, seqno)
);

/* The EXEC ioctl runs a job on an idle engine itself, without the scheduler. */
DEFINE_EVENT(vsvm_job_stage_class, vsvm_job_direct,
	     TP_PROTO(u32 dev, u64 client, u32 queue, u64 seqno),
	     TP_ARGS(dev, client, queue, seqno)
);

/* The engine thread starts a job that run_job handed over (vsvm_job_run). */
DEFINE_EVENT(vsvm_job_stage_class, vsvm_job_exec,
	     TP_PROTO(u32 dev, u64 client, u32 queue, u64 seqno),
	     TP_ARGS(dev, client, queue, seqno)
);

TRACE_EVENT(vsvm_job_done,
	    TP_PROTO(u32 dev, u64 client, u32 queue, u64 seqno, int error, u64 ns),
	    TP_ARGS(dev, client, queue, seqno, error, ns),
	    TP_STRUCT__entry(__field(u32, dev)
			     __field(u64, client)
			     __field(u32, queue)
			     __field(u64, seqno)
			     __field(int, error)
			     __field(u64, ns)),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->client = client;
			   __entry->queue = queue;
			   __entry->seqno = seqno;
			   __entry->error = error;
			   __entry->ns = ns;),
	    TP_printk("dev=%u client=%llu queue=%u seqno=%llu error=%d ns=%llu",
		      __entry->dev, __entry->client, __entry->queue, __entry->seqno,
		      __entry->error, __entry->ns)
);

/* VM_BIND ops as the ioctl does them, and asynchronous ones as their job runs. */
DECLARE_EVENT_CLASS(vsvm_bind_class,
		    TP_PROTO(u32 dev, u64 client, u32 vm_id, bool unmap, u64 addr, u64 range,
			     int ret),
		    TP_ARGS(dev, client, vm_id, unmap, addr, range, ret),
		    TP_STRUCT__entry(__field(u32, dev)
				     __field(u64, client)
				     __field(u32, vm_id)
				     __field(bool, unmap)
				     __field(u64, addr)
				     __field(u64, range)
				     __field(int, ret)),
		    TP_fast_assign(__entry->dev = dev;
				   __entry->client = client;
				   __entry->vm_id = vm_id;
				   __entry->unmap = unmap;
				   __entry->addr = addr;
				   __entry->range = range;
				   __entry->ret = ret;),
		    TP_printk("dev=%u client=%llu vm=%u %s 0x%llx+0x%llx ret=%d",
			      __entry->dev, __entry->client, __entry->vm_id,
			      __entry->unmap ? "unmap" : "map", __entry->addr,
			      __entry->range, __entry->ret)
);

DEFINE_EVENT(vsvm_bind_class, vsvm_bind,
	     TP_PROTO(u32 dev, u64 client, u32 vm_id, bool unmap, u64 addr, u64 range,
		      int ret),
	     TP_ARGS(dev, client, vm_id, unmap, addr, range, ret));

DEFINE_EVENT(vsvm_bind_class, vsvm_bind_run,
	     TP_PROTO(u32 dev, u64 client, u32 vm_id, bool unmap, u64 addr, u64 range,
		      int ret),
	     TP_ARGS(dev, client, vm_id, unmap, addr, range, ret));

TRACE_EVENT(vsvm_tlb_flush,
	    TP_PROTO(u32 dev, u64 client, u64 first, u64 last, u64 gen),
	    TP_ARGS(dev, client, first, last, gen),
	    TP_STRUCT__entry(__field(u32, dev)
			     __field(u64, client)
			     __field(u64, first)
			     __field(u64, last)
			     __field(u64, gen)),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->client = client;
			   __entry->first = first;
			   __entry->last = last;
			   __entry->gen = gen;),
	    TP_printk("dev=%u client=%llu pages 0x%llx-0x%llx gen=%llu", __entry->dev,
		      __entry->client, __entry->first, __entry->last, __entry->gen)
);

TRACE_EVENT(vsvm_userptr_invalidate,
	    TP_PROTO(u32 dev, u64 client, unsigned long start, unsigned long end, int event,
		     bool blockable, u64 wait_ns, unsigned long dirtied),
	    TP_ARGS(dev, client, start, end, event, blockable, wait_ns, dirtied),
	    TP_STRUCT__entry(__field(u32, dev)
			     __field(u64, client)
			     __field(unsigned long, start)
			     __field(unsigned long, end)
			     __field(int, event)
			     __field(bool, blockable)
			     __field(u64, wait_ns)
			     __field(unsigned long, dirtied)),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->client = client;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->event = event;
			   __entry->blockable = blockable;
			   __entry->wait_ns = wait_ns;
			   __entry->dirtied = dirtied;),
	    TP_printk("dev=%u client=%llu 0x%lx-0x%lx event=%d blockable=%d took=%lluns pages_dirtied=%lu",
		      __entry->dev, __entry->client, __entry->start, __entry->end,
		      __entry->event, __entry->blockable, __entry->wait_ns, __entry->dirtied)
);

/* The I1 steps of dropping a userptr's pages, as each ends (vsvm_userptr_stage). */
#ifndef __VSVM_UP_STAGE
#define __VSVM_UP_STAGE
enum vsvm_up_stage {
	VSVM_UP_STAGE_BEGIN = 0,
	VSVM_UP_STAGE_GPU_IDLE = 1,
	VSVM_UP_STAGE_ZAPPED = 2,
	VSVM_UP_STAGE_RELEASED = 3,
};
#endif

TRACE_EVENT(vsvm_userptr_stage,
	    TP_PROTO(u32 dev, u64 client, unsigned long addr, size_t size, int stage),
	    TP_ARGS(dev, client, addr, size, stage),
	    TP_STRUCT__entry(__field(u32, dev)
			     __field(u64, client)
			     __field(unsigned long, addr)
			     __field(size_t, size)
			     __field(int, stage)),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->client = client;
			   __entry->addr = addr;
			   __entry->size = size;
			   __entry->stage = stage;),
	    TP_printk("dev=%u client=%llu 0x%lx+0x%zx %s", __entry->dev, __entry->client,
		      __entry->addr, __entry->size,
		      __print_symbolic(__entry->stage, { 0, "begin" }, { 1, "gpu-idle" },
				       { 2, "zapped" }, { 3, "released" }))
);

/* A userptr's pages populated (or not), and a populate that raced and retries. */
DECLARE_EVENT_CLASS(vsvm_userptr_class,
		    TP_PROTO(u32 dev, u64 client, unsigned long addr, size_t size, int ret),
		    TP_ARGS(dev, client, addr, size, ret),
		    TP_STRUCT__entry(__field(u32, dev)
				     __field(u64, client)
				     __field(unsigned long, addr)
				     __field(size_t, size)
				     __field(int, ret)),
		    TP_fast_assign(__entry->dev = dev;
				   __entry->client = client;
				   __entry->addr = addr;
				   __entry->size = size;
				   __entry->ret = ret;),
		    TP_printk("dev=%u client=%llu 0x%lx+0x%zx ret=%d", __entry->dev,
			      __entry->client, __entry->addr, __entry->size, __entry->ret)
);

DEFINE_EVENT(vsvm_userptr_class, vsvm_userptr_populate,
	     TP_PROTO(u32 dev, u64 client, unsigned long addr, size_t size, int ret),
	     TP_ARGS(dev, client, addr, size, ret));

DEFINE_EVENT(vsvm_userptr_class, vsvm_userptr_retry,
	     TP_PROTO(u32 dev, u64 client, unsigned long addr, size_t size, int ret),
	     TP_ARGS(dev, client, addr, size, ret));

/* An SVM VM's GPU fault (or prefetch) as vsvm_svm_fault() takes it. */
TRACE_EVENT(vsvm_svm_fault_begin,
	    TP_PROTO(u32 dev, u64 client, u32 vm_id, u64 addr, bool write, bool prefetch),
	    TP_ARGS(dev, client, vm_id, addr, write, prefetch),
	    TP_STRUCT__entry(__field(u32, dev)
			     __field(u64, client)
			     __field(u32, vm_id)
			     __field(u64, addr)
			     __field(bool, write)
			     __field(bool, prefetch)),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->client = client;
			   __entry->vm_id = vm_id;
			   __entry->addr = addr;
			   __entry->write = write;
			   __entry->prefetch = prefetch;),
	    TP_printk("dev=%u client=%llu vm=%u addr=0x%llx %s%s", __entry->dev,
		      __entry->client, __entry->vm_id, __entry->addr,
		      __entry->write ? "write" : "read",
		      __entry->prefetch ? " prefetch" : "")
);

/* ... and as it ends: the chunk it mapped (size 0 if none) and the result. */
TRACE_EVENT(vsvm_svm_fault_end,
	    TP_PROTO(u32 dev, u64 client, u32 vm_id, u64 addr, u64 start, u64 size, int ret,
		     u64 ns),
	    TP_ARGS(dev, client, vm_id, addr, start, size, ret, ns),
	    TP_STRUCT__entry(__field(u32, dev)
			     __field(u64, client)
			     __field(u32, vm_id)
			     __field(u64, addr)
			     __field(u64, start)
			     __field(u64, size)
			     __field(int, ret)
			     __field(u64, ns)),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->client = client;
			   __entry->vm_id = vm_id;
			   __entry->addr = addr;
			   __entry->start = start;
			   __entry->size = size;
			   __entry->ret = ret;
			   __entry->ns = ns;),
	    TP_printk("dev=%u client=%llu vm=%u addr=0x%llx chunk=0x%llx+0x%llx ret=%d ns=%llu",
		      __entry->dev, __entry->client, __entry->vm_id, __entry->addr,
		      __entry->start, __entry->size, __entry->ret, __entry->ns)
);

/* An importer told that the exporter moves the buffer (I9). */
TRACE_EVENT(vsvm_move_notify,
	    TP_PROTO(u32 dev, u64 client, size_t size, bool mapped),
	    TP_ARGS(dev, client, size, mapped),
	    TP_STRUCT__entry(__field(u32, dev)
			     __field(u64, client)
			     __field(size_t, size)
			     __field(bool, mapped)),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->client = client;
			   __entry->size = size;
			   __entry->mapped = mapped;),
	    TP_printk("dev=%u client=%llu size=0x%zx mapped=%d", __entry->dev,
		      __entry->client, __entry->size, __entry->mapped)
);

/* An idle object's pages going back to shmem (pages 0: it was skipped). */
TRACE_EVENT(vsvm_evict,
	    TP_PROTO(u32 dev, u64 client, size_t size, unsigned long pages),
	    TP_ARGS(dev, client, size, pages),
	    TP_STRUCT__entry(__field(u32, dev)
			     __field(u64, client)
			     __field(size_t, size)
			     __field(unsigned long, pages)),
	    TP_fast_assign(__entry->dev = dev;
			   __entry->client = client;
			   __entry->size = size;
			   __entry->pages = pages;),
	    TP_printk("dev=%u client=%llu size=0x%zx pages=%lu", __entry->dev,
		      __entry->client, __entry->size, __entry->pages)
);

#endif /* __VSVM_TRACE_H__ */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vsvm_trace
#include <trace/define_trace.h>
