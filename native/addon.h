// Handles of the xla-ts addon and the state they share.
//
// Ownership: a JS handle (ClientWrap, BufferWrap, ExecutableWrap) holds a shared_ptr to its
// native core; buffer and executable cores hold a shared_ptr to the client core, so the
// PJRT_Client outlives every buffer and executable made from it, whatever order JS disposes
// or collects them in. Pending asynchronous operations hold the cores they use, so dispose()
// during a read only frees the memory once the read is done.
#pragma once

#include <napi.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "events.h"
#include "pjrt.h"

namespace xla_ts {

// ------------------------------------------------------------------------------------------
// Errors

/** A JS Error "CODE: operation: message" with .code (PJRT code name) and .operation. */
Napi::Error MakeError(Napi::Env env, const Status& st, const std::string& operation);
/** Throws MakeError(...) when `st` is not OK. */
void ThrowIfError(Napi::Env env, const Status& st, const std::string& operation);
/** A JS TypeError/Error for bad input, thrown before any PJRT call. */
[[noreturn]] void ThrowInput(Napi::Env env, const std::string& message);

// ------------------------------------------------------------------------------------------
// Cores

struct AddonData;
struct BufferCore;
struct ExecutableCore;

// Shutdown: every client keeps a list of its live buffers and executables. When its
// environment is torn down (cleanup hook: normal exit, worker termination) or the process
// exits (atexit: process.exit, uncaught exception), Shutdown() waits for in-flight compiles
// and for every live buffer's producing computation, then destroys buffers, executables and
// the client in that order, so no plugin thread runs while the process tears down. Handles
// that outlive it see null PJRT pointers and do nothing.
struct ClientCore {
  const Plugin* plugin = nullptr;
  PJRT_Client* client = nullptr;
  std::vector<PJRT_Device*> devices;  // addressable devices, in the plugin's order
  std::vector<int> device_ids;        // PJRT_DeviceDescription_Id of each
  std::string platform;
  AddonData* owner = nullptr;         // the environment that created it

  std::mutex mu;                      // guards the fields below
  std::condition_variable idle;       // signalled when `compiling` drops to 0
  BufferCore* buffers = nullptr;      // intrusive list of live buffers
  ExecutableCore* executables = nullptr;
  int compiling = 0;                  // compiles running on worker threads
  bool shut = false;

  ClientCore();
  ~ClientCore();
  /** Index of `dev` in `devices`, or -1. */
  int IndexOf(PJRT_Device* dev) const;
  /** Drains and destroys everything made from this client, then the client. Idempotent. */
  void Shutdown();
};

/** Shuts down every live client (of `owner` only, when given). */
void ShutdownClients(AddonData* owner);
/** Process exit: waits for the computations of `owner`'s live buffers; shutdown at atexit. */
void PrepareExit(AddonData* owner);

struct BufferCore {
  BufferCore(std::shared_ptr<ClientCore> c, PJRT_Buffer* b);
  std::shared_ptr<ClientCore> client;
  PJRT_Buffer* buffer = nullptr;  // null after Shutdown
  BufferCore* prev = nullptr;
  BufferCore* next = nullptr;
  ~BufferCore();
};

struct ExecutableCore {
  explicit ExecutableCore(std::shared_ptr<ClientCore> c);
  std::shared_ptr<ClientCore> client;
  PJRT_LoadedExecutable* exe = nullptr;  // null after Shutdown
  ExecutableCore* prev = nullptr;
  ExecutableCore* next = nullptr;
  bool tracked = false;
  bool portable = false;        // compiled with compile_portable_executable (single device)
  size_t num_outputs = 0;
  size_t num_replicas = 1;
  size_t num_partitions = 1;
  std::vector<int> out_types;   // PJRT_Buffer_Type per output (empty if unknown)
  std::vector<std::vector<int64_t>> out_dims;  // per output (empty if unknown)
  std::vector<int> addressable;  // device indices the executable runs on (non-portable)
  std::string name;
  ~ExecutableCore();
};

/** Byte size of one element of a PJRT buffer type (0 for sub-byte / unknown types). */
size_t ElementBytes(int type);

// ------------------------------------------------------------------------------------------
// Per-environment state

struct AddonData {
  explicit AddonData(Napi::Env env) : events(env) {}
  EventHub events;
  Napi::FunctionReference client_ctor;
  Napi::FunctionReference buffer_ctor;
  Napi::FunctionReference executable_ctor;
  bool closing = false;
};

AddonData* GetData(Napi::Env env);

// ------------------------------------------------------------------------------------------
// JS classes

class ClientWrap : public Napi::ObjectWrap<ClientWrap> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit ClientWrap(const Napi::CallbackInfo& info);
  std::shared_ptr<ClientCore> core;  // null once disposed

  std::shared_ptr<ClientCore> Get(Napi::Env env, const char* op);

 private:
  Napi::Value Platform(const Napi::CallbackInfo& info);
  Napi::Value PlatformVersion(const Napi::CallbackInfo& info);
  Napi::Value Devices(const Napi::CallbackInfo& info);
  Napi::Value BufferFromHost(const Napi::CallbackInfo& info);
  Napi::Value Compile(const Napi::CallbackInfo& info);
  Napi::Value CompileSync(const Napi::CallbackInfo& info);
  Napi::Value LoadExecutable(const Napi::CallbackInfo& info);
  Napi::Value LoadExecutableSync(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value IsDisposed(const Napi::CallbackInfo& info);
};

class BufferWrap : public Napi::ObjectWrap<BufferWrap> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit BufferWrap(const Napi::CallbackInfo& info);
  void Finalize(Napi::Env env) override;

  /** Wraps a PJRT buffer (takes ownership) in a new JS object. */
  static Napi::Object Create(Napi::Env env, std::shared_ptr<ClientCore> client, PJRT_Buffer* buffer,
                             const int64_t* dims, size_t ndims, int type);
  static Napi::Object Create(Napi::Env env, std::shared_ptr<BufferCore> core, const int64_t* dims, size_t ndims, int type);
  /** Checks the handle is usable; throws a clear Error naming `op` otherwise. */
  BufferCore* Check(Napi::Env env, const char* op);
  /** Marks the handle donated (after an execution consumed it) and frees it. */
  void MarkDonated(Napi::Env env);
  void Release(Napi::Env env);

  std::shared_ptr<BufferCore> core;
  std::vector<int64_t> dims;
  int type = 0;
  int device_index = -1;
  int64_t accounted = 0;  // bytes reported with AdjustExternalMemory
  bool donated = false;
  bool disposed = false;

 private:
  Napi::Value ToHost(const Napi::CallbackInfo& info);
  Napi::Value ToHostSync(const Napi::CallbackInfo& info);
  Napi::Value Ready(const Napi::CallbackInfo& info);
  Napi::Value CopyToDevice(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  Napi::Value State(const Napi::CallbackInfo& info);
  Napi::Value Info(const Napi::CallbackInfo& info);
};

class ExecutableWrap : public Napi::ObjectWrap<ExecutableWrap> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit ExecutableWrap(const Napi::CallbackInfo& info);
  static Napi::Object Create(Napi::Env env, std::shared_ptr<ExecutableCore> core);
  std::shared_ptr<ExecutableCore> core;

 private:
  Napi::Value Info(const Napi::CallbackInfo& info);
  Napi::Value Run(const Napi::CallbackInfo& info);
  Napi::Value Serialize(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
};

}  // namespace xla_ts
