// BufferWrap: a device buffer; reads to the host (async and sync), readiness, dispose.
//
// Reads: a buffer of a CPU plugin that is already computed and laid out densely is copied
// straight from its memory on the calling thread (the plugin's own copy to host goes through
// its thread pool, which costs a thread hand-off per read); every other read goes through
// PJRT_Buffer_ToHostBuffer and completes from the plugin's event. A read may fill a typed
// array the caller passes (no allocation), else a new ArrayBuffer.
#include <cstdlib>

#include "addon.h"

namespace xla_ts {

size_t ElementBytes(int type) {
  switch (type) {
    case PJRT_Buffer_Type_PRED:
    case PJRT_Buffer_Type_S8:
    case PJRT_Buffer_Type_U8:
    case PJRT_Buffer_Type_F8E5M2:
    case PJRT_Buffer_Type_F8E4M3FN:
    case PJRT_Buffer_Type_F8E4M3B11FNUZ:
    case PJRT_Buffer_Type_F8E5M2FNUZ:
    case PJRT_Buffer_Type_F8E4M3FNUZ:
    case PJRT_Buffer_Type_F8E4M3:
    case PJRT_Buffer_Type_F8E3M4:
    case PJRT_Buffer_Type_F8E8M0FNU:
      return 1;
    case PJRT_Buffer_Type_S16:
    case PJRT_Buffer_Type_U16:
    case PJRT_Buffer_Type_F16:
    case PJRT_Buffer_Type_BF16:
      return 2;
    case PJRT_Buffer_Type_S32:
    case PJRT_Buffer_Type_U32:
    case PJRT_Buffer_Type_F32:
      return 4;
    case PJRT_Buffer_Type_S64:
    case PJRT_Buffer_Type_U64:
    case PJRT_Buffer_Type_F64:
    case PJRT_Buffer_Type_C64:
      return 8;
    case PJRT_Buffer_Type_C128:
      return 16;
    default:
      return 0;  // invalid, token, sub-byte types
  }
}

namespace {

/** Bytes of a dense array; -1 when the product overflows int64. */
int64_t ByteSize(const std::vector<int64_t>& dims, int type) {
  int64_t n = 0;
  return CheckedProduct(dims.data(), dims.size(), static_cast<int64_t>(ElementBytes(type)), &n) ? n : -1;
}

/** Where a read goes: a caller's typed array (checked) or a new ArrayBuffer. */
struct ReadTarget {
  Napi::Object object;  // resolved value: the typed array, or the ArrayBuffer
  void* data = nullptr;
};

ReadTarget ReadTargetFor(const Napi::CallbackInfo& info, const char* op, size_t bytes) {
  Napi::Env env = info.Env();
  ReadTarget t;
  if (info.Length() > 0 && !info[0].IsUndefined()) {
    if (!info[0].IsTypedArray()) ThrowInput(env, std::string(op) + ": the destination must be a typed array");
    Napi::TypedArray ta = info[0].As<Napi::TypedArray>();
    if (ta.ByteLength() != bytes)
      ThrowInput(env, std::string(op) + ": the destination holds " + std::to_string(ta.ByteLength()) + " bytes, the buffer " +
                          std::to_string(bytes));
    t.object = ta;
    t.data = static_cast<char*>(ta.ArrayBuffer().Data()) + ta.ByteOffset();
    return t;
  }
  Napi::ArrayBuffer ab = Napi::ArrayBuffer::New(env, bytes);
  t.object = ab;
  t.data = ab.Data();
  return t;
}

/**
 * Copies a ready, dense buffer of a CPU plugin into `dst` on this thread. Returns false when
 * that is not possible (not on CPU, not ready and `wait` is false, unknown layout, missing
 * API), leaving the generic path to the caller; a buffer whose computation failed returns
 * true with `*status` set.
 */
bool DirectRead(const Plugin* plugin, PJRT_Buffer* buf, size_t ndims, void* dst, size_t bytes, bool wait, Status* status) {
  if (!PJRT_HAS(plugin, PJRT_Buffer_IsOnCpu) || !PJRT_HAS(plugin, PJRT_Buffer_ReadyEvent) ||
      !PJRT_HAS(plugin, PJRT_Event_IsReady) || !PJRT_HAS(plugin, PJRT_Event_Error) ||
      !PJRT_HAS(plugin, PJRT_Buffer_GetMemoryLayout) || !PJRT_HAS(plugin, PJRT_Buffer_OnDeviceSizeInBytes) ||
      !PJRT_HAS(plugin, PJRT_Buffer_IncreaseExternalReferenceCount) ||
      !PJRT_HAS(plugin, PJRT_Buffer_DecreaseExternalReferenceCount) ||
      !(PJRT_HAS(plugin, PJRT_Buffer_OpaqueDeviceMemoryDataPointer) || PJRT_HAS(plugin, PJRT_Buffer_UnsafePointer)))
    return false;
  PJRT_ARGS(plugin, PJRT_Buffer_IsOnCpu_Args, oc);
  oc.buffer = buf;
  if (!PJRT_CALL(plugin, PJRT_Buffer_IsOnCpu, oc).ok() || !oc.is_on_cpu) return false;

  PJRT_ARGS(plugin, PJRT_Buffer_ReadyEvent_Args, re);
  re.buffer = buf;
  if (!PJRT_CALL(plugin, PJRT_Buffer_ReadyEvent, re).ok()) return false;
  PJRT_ARGS(plugin, PJRT_Event_IsReady_Args, ir);
  ir.event = re.event;
  bool ready = PJRT_CALL(plugin, PJRT_Event_IsReady, ir).ok() && ir.is_ready;
  if (!ready && wait) {
    PJRT_ARGS(plugin, PJRT_Event_Await_Args, aw);
    aw.event = re.event;
    Status st = PJRT_CALL(plugin, PJRT_Event_Await, aw);
    plugin->DestroyEvent(re.event);
    if (!st.ok()) {
      *status = st;
      return true;
    }
    ready = true;
  } else {
    if (ready) {
      PJRT_ARGS(plugin, PJRT_Event_Error_Args, ee);
      ee.event = re.event;
      Status st = PJRT_CALL(plugin, PJRT_Event_Error, ee);
      plugin->DestroyEvent(re.event);
      if (!st.ok()) {
        *status = st;
        return true;
      }
    } else {
      plugin->DestroyEvent(re.event);
      return false;
    }
  }

  // Dense row-major only: a tiled layout without tiles whose minor_to_major is n-1, ..., 0.
  PJRT_ARGS(plugin, PJRT_Buffer_GetMemoryLayout_Args, ml);
  ml.buffer = buf;
  if (!PJRT_CALL(plugin, PJRT_Buffer_GetMemoryLayout, ml).ok()) return false;
  if (ml.layout.type != PJRT_Buffer_MemoryLayout_Type_Tiled || ml.layout.tiled.num_tiles != 0 ||
      ml.layout.tiled.minor_to_major_size != ndims)
    return false;
  for (size_t i = 0; i < ndims; i++)
    if (ml.layout.tiled.minor_to_major[i] != static_cast<int64_t>(ndims - 1 - i)) return false;
  PJRT_ARGS(plugin, PJRT_Buffer_OnDeviceSizeInBytes_Args, sz);
  sz.buffer = buf;
  if (!PJRT_CALL(plugin, PJRT_Buffer_OnDeviceSizeInBytes, sz).ok() || sz.on_device_size_in_bytes != bytes) return false;

  PJRT_ARGS(plugin, PJRT_Buffer_IncreaseExternalReferenceCount_Args, inc);
  inc.buffer = buf;
  if (!PJRT_CALL(plugin, PJRT_Buffer_IncreaseExternalReferenceCount, inc).ok()) return false;
  const void* src = nullptr;
  if (PJRT_HAS(plugin, PJRT_Buffer_OpaqueDeviceMemoryDataPointer)) {
    PJRT_ARGS(plugin, PJRT_Buffer_OpaqueDeviceMemoryDataPointer_Args, dp);
    dp.buffer = buf;
    if (PJRT_CALL(plugin, PJRT_Buffer_OpaqueDeviceMemoryDataPointer, dp).ok()) src = dp.device_memory_ptr;
  } else {
    PJRT_ARGS(plugin, PJRT_Buffer_UnsafePointer_Args, up);
    up.buffer = buf;
    if (PJRT_CALL(plugin, PJRT_Buffer_UnsafePointer, up).ok()) src = reinterpret_cast<const void*>(up.buffer_pointer);
  }
  if (src != nullptr) std::memcpy(dst, src, bytes);
  PJRT_ARGS(plugin, PJRT_Buffer_DecreaseExternalReferenceCount_Args, dec);
  dec.buffer = buf;
  PJRT_CALL(plugin, PJRT_Buffer_DecreaseExternalReferenceCount, dec);
  return src != nullptr;
}

/**
 * Resolves a host read. A read the plugin completes later goes into `staging`, memory the
 * addon owns, and is copied into the caller's typed array (or handed over as a new
 * ArrayBuffer) on the main thread: the caller may detach or drop its memory meanwhile, and at
 * environment teardown the operation is leaked with its staging memory, so a late write by
 * the plugin never lands in freed memory.
 */
struct ReadCompletion : Completion {
  Napi::Promise::Deferred deferred;
  Napi::ObjectReference target;      // the caller's typed array (empty: resolve a new ArrayBuffer)
  std::shared_ptr<BufferCore> core;  // keeps the source alive until done
  void* staging = nullptr;           // malloc'd; null when the data was read synchronously
  size_t bytes = 0;
  Napi::ArrayBuffer direct;          // filled synchronously (no `target`)
  ReadCompletion(Napi::Env env, std::shared_ptr<BufferCore> c, size_t n)
      : deferred(Napi::Promise::Deferred::New(env)), core(std::move(c)), bytes(n) {}
  ~ReadCompletion() override { std::free(staging); }
  void Complete(Napi::Env env, const Status& st) override {
    Napi::HandleScope scope(env);
    core.reset();
    if (!st.ok()) {
      deferred.Reject(MakeError(env, st, "DeviceBuffer.toHost").Value());
      return;
    }
    if (staging == nullptr) {
      deferred.Resolve(target.IsEmpty() ? static_cast<Napi::Value>(direct.IsEmpty() ? Napi::ArrayBuffer::New(env, 0) : direct)
                                        : target.Value());
      return;
    }
    if (target.IsEmpty()) {
      Napi::ArrayBuffer ab;
      try {
        ab = Napi::ArrayBuffer::New(env, staging, bytes, [](Napi::Env, void* p) { std::free(p); });
        staging = nullptr;  // owned by the ArrayBuffer now
      } catch (const Napi::Error&) {  // runtimes that forbid external buffers
        ab = Napi::ArrayBuffer::New(env, bytes);
        std::memcpy(ab.Data(), staging, bytes);
      }
      deferred.Resolve(ab);
      return;
    }
    Napi::TypedArray ta = target.Value().As<Napi::TypedArray>();
    Napi::ArrayBuffer ab = ta.ArrayBuffer();
    if (ab.IsDetached() || ta.ByteLength() != bytes) {
      Napi::Error e = Napi::Error::New(env, "DeviceBuffer.toHost: the destination typed array was detached (its ArrayBuffer "
                                            "transferred) or resized while the read was in flight; nothing was written. Keep "
                                            "the destination's buffer until the Promise settles");
      e.Set("code", Napi::String::New(env, "XLA_TS_BAD_INPUT"));
      deferred.Reject(e.Value());
      return;
    }
    std::memcpy(static_cast<char*>(ab.Data()) + ta.ByteOffset(), staging, bytes);
    deferred.Resolve(ta);
  }
};

/** Resolves when a buffer's data is ready (or the computation producing it failed). */
struct ReadyCompletion : Completion {
  Napi::Promise::Deferred deferred;
  std::shared_ptr<BufferCore> core;
  ReadyCompletion(Napi::Env env, std::shared_ptr<BufferCore> c) : deferred(Napi::Promise::Deferred::New(env)), core(std::move(c)) {}
  void Complete(Napi::Env env, const Status& st) override {
    Napi::HandleScope scope(env);
    if (st.ok()) deferred.Resolve(env.Undefined());
    else deferred.Reject(MakeError(env, st, "DeviceBuffer.ready").Value());
    core.reset();
  }
};

}  // namespace

Napi::Function BufferWrap::Init(Napi::Env env) {
  return DefineClass(env, "PjrtBuffer",
                     {
                         InstanceMethod<&BufferWrap::ToHost>("toHost"),
                         InstanceMethod<&BufferWrap::ToHostSync>("toHostSync"),
                         InstanceMethod<&BufferWrap::Ready>("ready"),
                         InstanceMethod<&BufferWrap::CopyToDevice>("copyToDevice"),
                         InstanceMethod<&BufferWrap::Dispose>("dispose"),
                         InstanceMethod<&BufferWrap::State>("state"),
                         InstanceMethod<&BufferWrap::Info>("info"),
                     });
}

BufferWrap::BufferWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<BufferWrap>(info) {
  // Only constructed from native code (Create), which passes an External token.
  if (info.Length() != 1 || !info[0].IsExternal())
    ThrowInput(info.Env(), "PjrtBuffer cannot be constructed from JS; use Runtime.fromHost");
}

void BufferWrap::Finalize(Napi::Env env) {
  // Garbage collected (or environment teardown) without dispose(): free the device memory.
  Release(env);
}

Napi::Object BufferWrap::Create(Napi::Env env, std::shared_ptr<ClientCore> client, PJRT_Buffer* buffer,
                                const int64_t* dims, size_t ndims, int type) {
  // Owned from here on, even if the lines below throw.
  return Create(env, std::make_shared<BufferCore>(std::move(client), buffer), dims, ndims, type);
}

Napi::Object BufferWrap::Create(Napi::Env env, std::shared_ptr<BufferCore> core, const int64_t* dims, size_t ndims, int type) {
  AddonData* data = GetData(env);
  Napi::Object obj = data->buffer_ctor.New({Napi::External<void>::New(env, nullptr)});
  BufferWrap* w = Unwrap(obj);
  w->core = std::move(core);
  w->dims.assign(dims, dims + ndims);
  w->type = type;
  int64_t bytes = ByteSize(w->dims, type);
  if (bytes > 0) {
    w->accounted = bytes;
    Napi::MemoryManagement::AdjustExternalMemory(env, bytes);
  }
  return obj;
}

BufferCore* BufferWrap::Check(Napi::Env env, const char* op) {
  if (donated)
    ThrowInput(env, std::string(op) + ": this DeviceBuffer was donated to an execution and can no longer be used "
                                      "(its memory now belongs to that execution's outputs)");
  if (disposed || !core) ThrowInput(env, std::string(op) + ": this DeviceBuffer has been disposed");
  if (core->buffer == nullptr) ThrowInput(env, std::string(op) + ": the runtime of this DeviceBuffer has been shut down");
  return core.get();
}

void BufferWrap::Release(Napi::Env env) {
  if (accounted != 0) {
    Napi::MemoryManagement::AdjustExternalMemory(env, -accounted);
    accounted = 0;
  }
  core.reset();
}

void BufferWrap::MarkDonated(Napi::Env env) {
  donated = true;
  Release(env);
}

// Async reads copy directly (on this thread) up to this size; larger ones go to the plugin's
// threads so that the event loop is not held up by a long copy.
constexpr size_t kDirectAsyncReadMax = size_t{8} << 20;

Napi::Value BufferWrap::ToHost(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* opname = "DeviceBuffer.toHost";
  BufferCore* bc = Check(env, opname);
  const Plugin* plugin = bc->client->plugin;
  if (ElementBytes(type) == 0) ThrowInput(env, "DeviceBuffer.toHost: unsupported element type code " + std::to_string(type));
  int64_t size = ByteSize(dims, type);
  if (size < 0) ThrowInput(env, "DeviceBuffer.toHost: the buffer's byte size overflows 64 bits");
  size_t bytes = static_cast<size_t>(size);
  auto op = std::make_unique<ReadCompletion>(env, core, bytes);
  void* into = nullptr;
  if (info.Length() > 0 && !info[0].IsUndefined()) {
    ReadTarget dst = ReadTargetFor(info, opname, bytes);
    op->target = Napi::Persistent(dst.object);
    into = dst.data;
  }
  Napi::Promise promise = op->deferred.Promise();
  if (bytes == 0) {
    op->Complete(env, Status::Ok());
    return promise;
  }
  Status direct;
  if (bytes <= kDirectAsyncReadMax) {
    if (into == nullptr) {
      op->direct = Napi::ArrayBuffer::New(env, bytes);
      if (DirectRead(plugin, bc->buffer, dims.size(), op->direct.Data(), bytes, false, &direct)) {
        op->Complete(env, direct);
        return promise;
      }
      op->direct = Napi::ArrayBuffer();
    } else if (DirectRead(plugin, bc->buffer, dims.size(), into, bytes, false, &direct)) {
      op->Complete(env, direct);
      return promise;
    }
  }
  op->staging = std::malloc(bytes);
  if (op->staging == nullptr) {
    op->Complete(env, Status::Error(PJRT_Error_Code_RESOURCE_EXHAUSTED, "cannot allocate " + std::to_string(bytes) + " bytes"));
    return promise;
  }
  PJRT_ARGS(plugin, PJRT_Buffer_ToHostBuffer_Args, a);
  a.src = bc->buffer;
  a.dst = op->staging;
  a.dst_size = bytes;
  Status st = PJRT_CALL(plugin, PJRT_Buffer_ToHostBuffer, a);
  if (!st.ok()) {
    op->Complete(env, st);
    return promise;
  }
  GetData(env)->events.Watch(env, plugin, a.event, std::move(op));
  return promise;
}

Napi::Value BufferWrap::ToHostSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BufferCore* bc = Check(env, "DeviceBuffer.toHostSync");
  const Plugin* plugin = bc->client->plugin;
  if (ElementBytes(type) == 0) ThrowInput(env, "DeviceBuffer.toHostSync: unsupported element type code " + std::to_string(type));
  int64_t size = ByteSize(dims, type);
  if (size < 0) ThrowInput(env, "DeviceBuffer.toHostSync: the buffer's byte size overflows 64 bits");
  size_t bytes = static_cast<size_t>(size);
  ReadTarget dst = ReadTargetFor(info, "DeviceBuffer.toHostSync", bytes);
  if (bytes == 0) return dst.object;
  Status direct;
  if (DirectRead(plugin, bc->buffer, dims.size(), dst.data, bytes, true, &direct)) {
    ThrowIfError(env, direct, "DeviceBuffer.toHostSync");
    return dst.object;
  }
  PJRT_ARGS(plugin, PJRT_Buffer_ToHostBuffer_Args, a);
  a.src = bc->buffer;
  a.dst = dst.data;
  a.dst_size = bytes;
  ThrowIfError(env, PJRT_CALL(plugin, PJRT_Buffer_ToHostBuffer, a), "DeviceBuffer.toHostSync: PJRT_Buffer_ToHostBuffer");
  if (a.event != nullptr) {
    PJRT_ARGS(plugin, PJRT_Event_Await_Args, w);
    w.event = a.event;
    Status st = PJRT_CALL(plugin, PJRT_Event_Await, w);
    plugin->DestroyEvent(a.event);
    ThrowIfError(env, st, "DeviceBuffer.toHostSync");
  }
  return dst.object;
}

Napi::Value BufferWrap::Ready(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BufferCore* bc = Check(env, "DeviceBuffer.ready");
  const Plugin* plugin = bc->client->plugin;
  auto op = std::make_unique<ReadyCompletion>(env, core);
  Napi::Promise promise = op->deferred.Promise();
  PJRT_ARGS(plugin, PJRT_Buffer_ReadyEvent_Args, a);
  a.buffer = bc->buffer;
  Status st = PJRT_CALL(plugin, PJRT_Buffer_ReadyEvent, a);
  if (!st.ok()) {
    op->Complete(env, st);
    return promise;
  }
  GetData(env)->events.Watch(env, plugin, a.event, std::move(op));
  return promise;
}

// copyToDevice(deviceIndex) → a new buffer on that device of the same client
Napi::Value BufferWrap::CopyToDevice(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  BufferCore* bc = Check(env, "DeviceBuffer.copyTo");
  const ClientCore* cc = bc->client.get();
  const Plugin* plugin = cc->plugin;
  if (info.Length() < 1 || !info[0].IsNumber()) ThrowInput(env, "DeviceBuffer.copyTo: expected a device index");
  int di = info[0].As<Napi::Number>().Int32Value();
  if (di < 0 || static_cast<size_t>(di) >= cc->devices.size())
    ThrowInput(env, "DeviceBuffer.copyTo: device index " + std::to_string(di) + " is out of range");
  PJRT_ARGS(plugin, PJRT_Buffer_CopyToDevice_Args, a);
  a.buffer = bc->buffer;
  a.dst_device = cc->devices[di];
  ThrowIfError(env, PJRT_CALL(plugin, PJRT_Buffer_CopyToDevice, a), "DeviceBuffer.copyTo: PJRT_Buffer_CopyToDevice");
  Napi::Object obj = Create(env, bc->client, a.dst_buffer, dims.data(), dims.size(), type);
  Unwrap(obj)->device_index = di;
  return obj;
}

Napi::Value BufferWrap::Dispose(const Napi::CallbackInfo& info) {
  if (!disposed && !donated) {
    disposed = true;
    Release(info.Env());
  }
  return info.Env().Undefined();
}

// 0: usable, 1: disposed, 2: donated
Napi::Value BufferWrap::State(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), donated ? 2 : (disposed || !core) ? 1 : 0);
}

Napi::Value BufferWrap::Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = Napi::Object::New(env);
  Napi::Array d = Napi::Array::New(env, dims.size());
  for (size_t i = 0; i < dims.size(); i++) d.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(dims[i])));
  o.Set("dims", d);
  o.Set("type", Napi::Number::New(env, type));
  o.Set("device", Napi::Number::New(env, device_index));
  o.Set("bytes", Napi::Number::New(env, static_cast<double>(ByteSize(dims, type))));
  return o;
}

}  // namespace xla_ts
