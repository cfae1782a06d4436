// Background priority for threads whose work no caller is waiting for (the ledger writer and the
// store jobs it runs).
//
// Background is Linux's SCHED_IDLE: the thread runs only when no normal thread wants its core, and
// its wake-ups never preempt one. Where the accounting shares a core with an I/O thread, normal
// priority lets each ledger batch delay whichever request arrives during it (the c=1 tail,
// bench/README.md "Fifth look"). Background all the time starves the accounting under load, so the
// ledger writer uses it only while its queue is short (ledger/LedgerWriter.h).
//
// Returning from SCHED_IDLE to normal needs CAP_SYS_NICE or an RLIMIT_NICE of 20; without either a
// thread would stay in background for good, so callers check can_return_from_background() first.
#pragma once

#include <sys/types.h>

namespace sluice::core {

// Whether this process may take a thread from background back to normal priority. Probed once, on
// a short-lived thread of its own, so a refusal strands nobody.
bool can_return_from_background();

// The kernel's id of the calling thread (what /proc/<pid>/task lists).
pid_t current_thread_id();

// Sets thread `thread` (0: the calling one) to background or normal priority. False when the
// kernel refused.
bool set_background_priority(pid_t thread, bool background);

}  // namespace sluice::core
