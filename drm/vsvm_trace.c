// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: tracepoints
 *
 * vsvm's trace events are in tracefs under ``events/vsvm/``.  Every event
 * starts with ``dev=<index> client=<id>``: the device's index (the N of
 * the platform device ``vsvm.N``) and the DRM client id of the file it
 * serves (fdinfo's ``drm-client-id``); 0 for an object's event that no one
 * file owns (``vsvm_evict``, ``vsvm_move_notify``).
 *
 * Jobs: ``vsvm_job_submit`` (EXEC: VM, queue, command stream, scheduler
 * fence), ``vsvm_job_run`` (run_job hands the job to the ring),
 * ``vsvm_job_exec`` (the engine thread starts it) and ``vsvm_job_done``
 * (error, engine time).  Binding: ``vsvm_bind`` (an op as the ioctl does
 * it), ``vsvm_bind_run`` (an asynchronous op as its job runs) and
 * ``vsvm_tlb_flush`` (page range, flush generation).
 *
 * Userptr: ``vsvm_userptr_populate`` and ``vsvm_userptr_retry`` (a
 * populate that raced with an invalidation); ``vsvm_userptr_stage`` for
 * each step of dropping an object's pages in the I1 order (``begin``,
 * ``gpu-idle`` once every job that may reach them ended, ``zapped`` once
 * no page-table or TLB entry does, ``released`` once the DMA mapping and
 * the pages are gone), and ``vsvm_userptr_invalidate`` as the notifier
 * returns (range, event, blockable, time taken, pages dirtied).
 *
 * SVM: ``vsvm_svm_fault_begin`` (address, read or write, prefetch) and
 * ``vsvm_svm_fault_end`` (the chunk mapped, size 0 if none, the result and
 * the time), both from vsvm_svm_fault().  dma-buf: ``vsvm_move_notify``
 * (an importing object told that the exporter moves the buffer, and
 * whether it had a mapping to give back, I9) and ``vsvm_evict`` (an idle
 * object's pages going back to shmem, from the shrinker).
 */

#define CREATE_TRACE_POINTS
#include "vsvm_trace.h"
