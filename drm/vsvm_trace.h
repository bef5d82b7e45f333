/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vsvm

#if !defined(__VSVM_TRACE_H__) || defined(TRACE_HEADER_MULTI_READ)
#define __VSVM_TRACE_H__

#include <linux/tracepoint.h>

TRACE_EVENT(vsvm_job_submit,
	    TP_PROTO(u32 vm_id, u32 queue, u64 cs_addr, u64 cs_size, u64 fence_ctx, u64 seqno),
	    TP_ARGS(vm_id, queue, cs_addr, cs_size, fence_ctx, seqno),
	    TP_STRUCT__entry(__field(u32, vm_id)
			     __field(u32, queue)
			     __field(u64, cs_addr)
			     __field(u64, cs_size)
			     __field(u64, fence_ctx)
			     __field(u64, seqno)),
	    TP_fast_assign(__entry->vm_id = vm_id;
			   __entry->queue = queue;
			   __entry->cs_addr = cs_addr;
			   __entry->cs_size = cs_size;
			   __entry->fence_ctx = fence_ctx;
			   __entry->seqno = seqno;),
	    TP_printk("vm=%u queue=%u cs=0x%llx+0x%llx fence=%llu:%llu",
		      __entry->vm_id, __entry->queue, __entry->cs_addr,
		      __entry->cs_size, __entry->fence_ctx, __entry->seqno)
);

/* A job reaching a stage of its way to the engine: queue and seqno. */
DECLARE_EVENT_CLASS(vsvm_job_stage_class,
		    TP_PROTO(u32 queue, u64 seqno),
		    TP_ARGS(queue, seqno),
		    TP_STRUCT__entry(__field(u32, queue)
				     __field(u64, seqno)),
		    TP_fast_assign(__entry->queue = queue;
				   __entry->seqno = seqno;),
		    TP_printk("queue=%u seqno=%llu", __entry->queue, __entry->seqno)
);

/* run_job hands a job over to the engine thread. */
DEFINE_EVENT(vsvm_job_stage_class, vsvm_job_run,
	     TP_PROTO(u32 queue, u64 seqno),
	     TP_ARGS(queue, seqno)
);

/* The engine thread starts a job that run_job handed over (vsvm_job_run). */
DEFINE_EVENT(vsvm_job_stage_class, vsvm_job_exec,
	     TP_PROTO(u32 queue, u64 seqno),
	     TP_ARGS(queue, seqno)
);

TRACE_EVENT(vsvm_job_done,
	    TP_PROTO(u32 queue, u64 seqno, int error, u64 ns),
	    TP_ARGS(queue, seqno, error, ns),
	    TP_STRUCT__entry(__field(u32, queue)
			     __field(u64, seqno)
			     __field(int, error)
			     __field(u64, ns)),
	    TP_fast_assign(__entry->queue = queue;
			   __entry->seqno = seqno;
			   __entry->error = error;
			   __entry->ns = ns;),
	    TP_printk("queue=%u seqno=%llu error=%d ns=%llu",
		      __entry->queue, __entry->seqno, __entry->error, __entry->ns)
);

/* VM_BIND ops as the ioctl does them, and asynchronous ones as their job runs. */
DECLARE_EVENT_CLASS(vsvm_bind_class,
		    TP_PROTO(u32 vm_id, bool unmap, u64 addr, u64 range, int ret),
		    TP_ARGS(vm_id, unmap, addr, range, ret),
		    TP_STRUCT__entry(__field(u32, vm_id)
				     __field(bool, unmap)
				     __field(u64, addr)
				     __field(u64, range)
				     __field(int, ret)),
		    TP_fast_assign(__entry->vm_id = vm_id;
				   __entry->unmap = unmap;
				   __entry->addr = addr;
				   __entry->range = range;
				   __entry->ret = ret;),
		    TP_printk("vm=%u %s 0x%llx+0x%llx ret=%d", __entry->vm_id,
			      __entry->unmap ? "unmap" : "map", __entry->addr,
			      __entry->range, __entry->ret)
);

DEFINE_EVENT(vsvm_bind_class, vsvm_bind,
	     TP_PROTO(u32 vm_id, bool unmap, u64 addr, u64 range, int ret),
	     TP_ARGS(vm_id, unmap, addr, range, ret));

DEFINE_EVENT(vsvm_bind_class, vsvm_bind_run,
	     TP_PROTO(u32 vm_id, bool unmap, u64 addr, u64 range, int ret),
	     TP_ARGS(vm_id, unmap, addr, range, ret));

TRACE_EVENT(vsvm_tlb_flush,
	    TP_PROTO(u64 first, u64 last, u64 gen),
	    TP_ARGS(first, last, gen),
	    TP_STRUCT__entry(__field(u64, first)
			     __field(u64, last)
			     __field(u64, gen)),
	    TP_fast_assign(__entry->first = first;
			   __entry->last = last;
			   __entry->gen = gen;),
	    TP_printk("pages 0x%llx-0x%llx gen=%llu", __entry->first, __entry->last,
		      __entry->gen)
);

TRACE_EVENT(vsvm_userptr_invalidate,
	    TP_PROTO(unsigned long start, unsigned long end, int event, bool blockable,
		     u64 wait_ns, unsigned long dirtied),
	    TP_ARGS(start, end, event, blockable, wait_ns, dirtied),
	    TP_STRUCT__entry(__field(unsigned long, start)
			     __field(unsigned long, end)
			     __field(int, event)
			     __field(bool, blockable)
			     __field(u64, wait_ns)
			     __field(unsigned long, dirtied)),
	    TP_fast_assign(__entry->start = start;
			   __entry->end = end;
			   __entry->event = event;
			   __entry->blockable = blockable;
			   __entry->wait_ns = wait_ns;
			   __entry->dirtied = dirtied;),
	    TP_printk("0x%lx-0x%lx event=%d blockable=%d took=%lluns pages_dirtied=%lu",
		      __entry->start, __entry->end, __entry->event, __entry->blockable,
		      __entry->wait_ns, __entry->dirtied)
);

TRACE_EVENT(vsvm_userptr_populate,
	    TP_PROTO(unsigned long addr, size_t size, int ret),
	    TP_ARGS(addr, size, ret),
	    TP_STRUCT__entry(__field(unsigned long, addr)
			     __field(size_t, size)
			     __field(int, ret)),
	    TP_fast_assign(__entry->addr = addr;
			   __entry->size = size;
			   __entry->ret = ret;),
	    TP_printk("0x%lx+0x%zx ret=%d", __entry->addr, __entry->size, __entry->ret)
);

TRACE_EVENT(vsvm_userptr_retry,
	    TP_PROTO(unsigned long addr, size_t size),
	    TP_ARGS(addr, size),
	    TP_STRUCT__entry(__field(unsigned long, addr)
			     __field(size_t, size)),
	    TP_fast_assign(__entry->addr = addr;
			   __entry->size = size;),
	    TP_printk("0x%lx+0x%zx", __entry->addr, __entry->size)
);

#endif /* __VSVM_TRACE_H__ */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vsvm_trace
#include <trace/define_trace.h>
