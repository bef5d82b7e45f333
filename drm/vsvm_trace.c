// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 *
 * vsvm's tracepoints (events/vsvm/ in tracefs): job submit, run and done,
 * bind and unbind, TLB flush.
 */

#define CREATE_TRACE_POINTS
#include "vsvm_trace.h"
