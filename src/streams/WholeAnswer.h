// WholeAnswer: an upstream's non-streamed answer as the caller receives it.
//
// When the upstream answered in the caller's own API the body passes through byte for byte and
// only its usage is read. Otherwise the body is read into a Generation by its wire format's reader
// and written by the caller family's writer (streams/GenerationReaders.h, GenerationWriters.h).
#pragma once

#include "core/ApiFamily.h"
#include "core/Expected.h"
#include "streams/GenerationWriters.h"
#include "streams/TokenUsage.h"
#include "streams/WireFormat.h"

#include <string>

namespace sluice::streams {

struct WholeAnswer {
  std::string body;  // JSON text for the caller
  TokenUsage usage;
  bool translated = false;
};

// A body the wire reader cannot read is a 502 upstream_transport error.
Expected<WholeAnswer> whole_answer_for(WireFormat wire, ApiFamily caller, std::string upstream_body,
                                       const AnswerIdentity& identity);

}  // namespace sluice::streams
