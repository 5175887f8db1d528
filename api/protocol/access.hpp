// Whether serving a request writes the store. One attribute per AWS operation
// (generated into the operation table, model::OperationDef::access) and per
// control endpoint (its row in the control table): the dispatcher reads it to
// pick a reader or the writer, and --read-only refuses every kWrite request
// before it reaches storage.
#pragma once

#include <cstdint>

namespace chime::api {

enum class Access : uint8_t {
  kRead,    // reads committed data (a reader's snapshot)
  kWrite,   // a write unit on the writer: refused under --read-only
  kMemory,  // changes only in-memory fixture state (faults, clock, ...): allowed under --read-only
};

}  // namespace chime::api
