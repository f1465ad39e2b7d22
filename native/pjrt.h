// PJRT C API access: plugin loading, ABI-checked function lookup, args structs, errors.
//
// Every args struct is zero-initialised and carries `struct_size`. For a plugin built against
// a newer header than ours (its PJRT_API_MINOR is larger), args structs are passed with
// zeroed padding behind them and a `struct_size` that covers it, because such plugins reject a
// struct smaller than the one they were built with and accept a larger one; new fields read
// as zero, their default. Every function pointer is checked against the plugin's
// `PJRT_Api::struct_size` before use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "pjrt_c_api.h"

namespace xla_ts {

/** Bytes of zeroed padding behind each args struct for plugins newer than our header. */
constexpr size_t kStructPad = 512;

/** A PJRT error (or a failure of ours with the same shape), as plain data usable off-thread. */
struct Status {
  int code = 0;  // PJRT_Error_Code; 0 = OK
  std::string message;
  bool ok() const { return code == 0; }
  static Status Ok() { return Status{}; }
  static Status Error(int code, std::string message) { return Status{code, std::move(message)}; }
};

const char* ErrorCodeName(int code);

/** One loaded plugin. Loaded once per path and never unloaded (never dlclose'd). */
struct Plugin {
  std::string path;
  void* handle = nullptr;
  const PJRT_Api* api = nullptr;
  int major = 0;         // plugin's PJRT API version
  int minor = 0;
  size_t pad = 0;        // kStructPad when the plugin is newer than our header, else 0
  bool initialized = false;

  /** True when `api` has the function at `offset` (within its struct_size) and it is set. */
  bool Has(size_t offset) const {
    return offset + sizeof(void*) <= api->struct_size &&
           *reinterpret_cast<void* const*>(reinterpret_cast<const char*>(api) + offset) != nullptr;
  }

  /** Converts (and frees) a PJRT_Error. nullptr → OK. */
  Status Take(PJRT_Error* err) const;
  void DestroyEvent(PJRT_Event* ev) const;
};

/** Runs `f` (a PJRT call yielding a Status), turning any C++ exception into an error Status. */
template <typename F>
Status Guarded(const char* fn, F&& f) noexcept {
  try {
    return f();
  } catch (const std::exception& e) {
    return Status::Error(PJRT_Error_Code_INTERNAL, std::string(fn) + " threw: " + e.what());
  } catch (...) {
    return Status::Error(PJRT_Error_Code_INTERNAL, std::string(fn) + " threw a C++ exception");
  }
}

/** Checked product of non-negative 64-bit sizes; false on overflow past INT64_MAX. */
inline bool CheckedProduct(const int64_t* v, size_t n, int64_t factor, int64_t* out) {
  int64_t acc = factor;
  for (size_t i = 0; i < n; i++) {
    if (v[i] < 0) return false;
    if (v[i] != 0 && acc > INT64_MAX / v[i]) return false;
    acc *= v[i];
  }
  *out = acc;
  return true;
}

/** Loads (or returns the already loaded) plugin at `path`. On failure returns null + status. */
const Plugin* LoadPlugin(const std::string& path, Status* status);

/** Zeroed, optionally padded storage for an args struct of type T. */
template <typename T>
struct ArgsStorage {
  alignas(alignof(std::max_align_t)) unsigned char bytes[sizeof(T) + kStructPad];
  ArgsStorage(size_t struct_size, size_t pad) {
    std::memset(bytes, 0, sizeof(T) + pad);
    reinterpret_cast<T*>(bytes)->struct_size = struct_size + pad;
  }
  T* get() { return reinterpret_cast<T*>(bytes); }
};

}  // namespace xla_ts

// Declares `T var` (a reference into zeroed storage) with struct_size set for `plugin`.
#define PJRT_ARGS(plugin, T, var)                                   \
  ::xla_ts::ArgsStorage<T> var##_storage_(T##_STRUCT_SIZE, (plugin)->pad); \
  T& var = *var##_storage_.get()

// True when `plugin` provides PJRT API function `fn`.
#define PJRT_HAS(plugin, fn) ((plugin)->Has(offsetof(PJRT_Api, fn)))

// Calls PJRT function `fn` with `args`, yielding a Status; UNIMPLEMENTED if the plugin lacks it.
// A C++ exception escaping the plugin (e.g. absl's BadStatusOrAccess for an overflowing shape)
// becomes an INTERNAL status instead of std::terminate.
#define PJRT_CALL(plugin, fn, args)                                                                    \
  (PJRT_HAS(plugin, fn) ? ::xla_ts::Guarded(#fn, [&]() { return (plugin)->Take((plugin)->api->fn(&(args))); }) \
                        : ::xla_ts::Status::Error(PJRT_Error_Code_UNIMPLEMENTED,                       \
                                                  std::string("the plugin's PJRT API lacks ") + #fn))
