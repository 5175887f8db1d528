// storage::Error is thrown only for real SQLite failures (I/O, corruption,
// misuse). Expected outcomes (not found, duplicate) are values or
// ConstraintError, which repositories turn into results.
#pragma once

#include <stdexcept>
#include <string>

namespace chime::storage {

class Error : public std::runtime_error {
 public:
  Error(int code, const std::string& what) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }  // SQLite (extended) result code

 private:
  int code_;
};

// A UNIQUE, PRIMARY KEY, FOREIGN KEY or CHECK constraint failed.
class ConstraintError : public Error {
 public:
  using Error::Error;
};

}  // namespace chime::storage

namespace chime::storage {

// A bounded queue of the pipeline is full (or the pipeline is stopping): the
// request was not run at all. The api/ layer answers it as a retryable error.
class Overloaded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace chime::storage
