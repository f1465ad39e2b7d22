// ExecutableWrap: a loaded executable; execution with any number of arguments and results.
//
// Single-device programs are compiled as portable executables and executed with
// `execute_device` set to the device asked for, so one compiled program runs on any device
// of the client. Multi-device programs (replicas × partitions > 1) use the client's default
// device assignment (or one given at compile time) and take one argument list per device.
#include <atomic>

#include "addon.h"

namespace xla_ts {

namespace {
std::atomic<int> g_launch_id{0};
}

Napi::Function ExecutableWrap::Init(Napi::Env env) {
  return DefineClass(env, "PjrtExecutable",
                     {
                         InstanceMethod<&ExecutableWrap::Info>("info"),
                         InstanceMethod<&ExecutableWrap::Run>("run"),
                         InstanceMethod<&ExecutableWrap::Serialize>("serialize"),
                         InstanceMethod<&ExecutableWrap::Dispose>("dispose"),
                     });
}

ExecutableWrap::ExecutableWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ExecutableWrap>(info) {
  if (info.Length() != 1 || !info[0].IsExternal())
    ThrowInput(info.Env(), "PjrtExecutable cannot be constructed from JS; use Runtime.compile");
}

Napi::Object ExecutableWrap::Create(Napi::Env env, std::shared_ptr<ExecutableCore> core) {
  Napi::Object obj = GetData(env)->executable_ctor.New({Napi::External<void>::New(env, nullptr)});
  Unwrap(obj)->core = std::move(core);
  return obj;
}

Napi::Value ExecutableWrap::Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!core) ThrowInput(env, "Executable.info: the executable has been disposed");
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", Napi::String::New(env, core->name));
  o.Set("numOutputs", Napi::Number::New(env, static_cast<double>(core->num_outputs)));
  o.Set("numReplicas", Napi::Number::New(env, static_cast<double>(core->num_replicas)));
  o.Set("numPartitions", Napi::Number::New(env, static_cast<double>(core->num_partitions)));
  o.Set("portable", Napi::Boolean::New(env, core->portable));
  Napi::Array types = Napi::Array::New(env, core->out_types.size());
  for (size_t i = 0; i < core->out_types.size(); i++) types.Set(static_cast<uint32_t>(i), Napi::Number::New(env, core->out_types[i]));
  o.Set("outputTypes", types);
  Napi::Array dims = Napi::Array::New(env, core->out_dims.size());
  for (size_t i = 0; i < core->out_dims.size(); i++) {
    Napi::Array d = Napi::Array::New(env, core->out_dims[i].size());
    for (size_t j = 0; j < core->out_dims[i].size(); j++)
      d.Set(static_cast<uint32_t>(j), Napi::Number::New(env, static_cast<double>(core->out_dims[i][j])));
    dims.Set(static_cast<uint32_t>(i), d);
  }
  o.Set("outputDims", dims);
  Napi::Array ad = Napi::Array::New(env, core->addressable.size());
  for (size_t i = 0; i < core->addressable.size(); i++) ad.Set(static_cast<uint32_t>(i), Napi::Number::New(env, core->addressable[i]));
  o.Set("devices", ad);
  return o;
}

// run(args: PjrtBuffer[] (numDevices × numArgs, device-major), numDevices, deviceIndex (-1: the
//     executable's own devices), donate?: number[] (argument indices that may be donated))
//   → PjrtBuffer[] (numDevices × numOutputs, device-major)
Napi::Value ExecutableWrap::Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* op = "Executable.run";
  if (!core) ThrowInput(env, "Executable.run: the executable has been disposed");
  if (core->exe == nullptr) ThrowInput(env, "Executable.run: the runtime of this executable has been shut down");
  ExecutableCore* ec = core.get();
  const Plugin* plugin = ec->client->plugin;
  AddonData* data = GetData(env);

  if (info.Length() < 3 || !info[0].IsArray() || !info[1].IsNumber() || !info[2].IsNumber())
    ThrowInput(env, "Executable.run: expected (buffers[], numDevices, deviceIndex, donate?)");
  Napi::Array jargs = info[0].As<Napi::Array>();
  int64_t num_devices = info[1].As<Napi::Number>().Int64Value();
  int device_index = info[2].As<Napi::Number>().Int32Value();
  uint32_t total = jargs.Length();
  if (num_devices < 1 || total % num_devices != 0)
    ThrowInput(env, "Executable.run: " + std::to_string(total) + " buffers cannot be split over " +
                        std::to_string(num_devices) + " devices");
  size_t num_args = total / static_cast<size_t>(num_devices);

  PJRT_Device* execute_device = nullptr;
  if (device_index >= 0) {
    if (static_cast<size_t>(device_index) >= ec->client->devices.size())
      ThrowInput(env, "Executable.run: device index " + std::to_string(device_index) + " is out of range");
    if (num_devices != 1) ThrowInput(env, "Executable.run: a run on one chosen device takes one argument list");
    execute_device = ec->client->devices[device_index];
  } else {
    if (ec->portable) ThrowInput(env, "Executable.run: a single-device executable needs a device to run on");
    if (static_cast<size_t>(num_devices) != ec->addressable.size())
      ThrowInput(env, "Executable.run: this executable runs on " + std::to_string(ec->addressable.size()) +
                          " devices and needs one argument list per device, got " + std::to_string(num_devices));
  }

  // Arguments: unwrap and check every handle before calling PJRT.
  std::vector<BufferWrap*> wraps(total);
  std::vector<PJRT_Buffer*> flat(total);
  Napi::Function buffer_ctor = data->buffer_ctor.Value();
  for (uint32_t i = 0; i < total; i++) {
    Napi::Value v = jargs.Get(i);
    if (!v.IsObject() || !v.As<Napi::Object>().InstanceOf(buffer_ctor))
      ThrowInput(env, "Executable.run: argument " + std::to_string(i % num_args) + " is not a DeviceBuffer");
    BufferWrap* w = BufferWrap::Unwrap(v.As<Napi::Object>());
    // The message is built only on the error path: this loop runs for every argument of every call.
    if (w->donated || w->disposed || !w->core || w->core->buffer == nullptr)
      w->Check(env, ("Executable.run: argument " + std::to_string(i % num_args)).c_str());
    BufferCore* bc = w->core.get();
    if (bc->client.get() != ec->client.get())
      ThrowInput(env, "Executable.run: argument " + std::to_string(i % num_args) +
                          " lives on a different runtime (PJRT client) than the executable");
    wraps[i] = w;
    flat[i] = bc->buffer;
  }

  // Donation: every argument not listed in `donate` is non-donatable.
  std::vector<bool> may_donate(num_args, false);
  if (info.Length() > 3 && info[3].IsArray()) {
    Napi::Array d = info[3].As<Napi::Array>();
    for (uint32_t i = 0; i < d.Length(); i++) {
      Napi::Value x = d.Get(i);
      int64_t k = x.IsNumber() ? x.As<Napi::Number>().Int64Value() : -1;
      if (k < 0 || static_cast<size_t>(k) >= num_args)
        ThrowInput(env, "Executable.run: donate lists argument " + x.ToString().Utf8Value() + ", but there are " +
                            std::to_string(num_args) + " arguments");
      may_donate[k] = true;
    }
  }
  std::vector<int64_t> non_donatable;
  for (size_t i = 0; i < num_args; i++)
    if (!may_donate[i]) non_donatable.push_back(static_cast<int64_t>(i));

  std::vector<PJRT_Buffer* const*> arg_lists(num_devices);
  for (int64_t d = 0; d < num_devices; d++) arg_lists[d] = flat.data() + d * num_args;
  size_t num_outputs = ec->num_outputs;
  std::vector<PJRT_Buffer*> out_flat(num_devices * num_outputs + 1, nullptr);
  std::vector<PJRT_Buffer**> out_lists(num_devices);
  for (int64_t d = 0; d < num_devices; d++) out_lists[d] = out_flat.data() + d * num_outputs;

  PJRT_ARGS(plugin, PJRT_ExecuteOptions, opts);
  opts.launch_id = num_devices > 1 ? ++g_launch_id : 0;
  opts.non_donatable_input_indices = non_donatable.empty() ? nullptr : non_donatable.data();
  opts.num_non_donatable_input_indices = non_donatable.size();

  PJRT_ARGS(plugin, PJRT_LoadedExecutable_Execute_Args, a);
  a.executable = ec->exe;
  a.options = &opts;
  a.argument_lists = arg_lists.data();
  a.num_devices = static_cast<size_t>(num_devices);
  a.num_args = num_args;
  a.output_lists = out_lists.data();
  a.device_complete_events = nullptr;
  a.execute_device = execute_device;
  Status st = PJRT_CALL(plugin, PJRT_LoadedExecutable_Execute, a);

  // Donated inputs: after success they are gone; after a failure only if PJRT consumed them.
  for (size_t i = 0; i < total; i++) {
    if (!may_donate[i % num_args] || wraps[i]->donated || !wraps[i]->core) continue;
    bool gone = st.ok();
    if (!gone && PJRT_HAS(plugin, PJRT_Buffer_IsDeleted)) {
      PJRT_ARGS(plugin, PJRT_Buffer_IsDeleted_Args, del);
      del.buffer = wraps[i]->core->buffer;
      gone = PJRT_CALL(plugin, PJRT_Buffer_IsDeleted, del).ok() && del.is_deleted;
    }
    if (gone) wraps[i]->MarkDonated(env);
  }
  ThrowIfError(env, st, "PJRT_LoadedExecutable_Execute");

  // Outputs: wrap every buffer first (so that none leaks if something below throws).
  std::vector<std::shared_ptr<BufferCore>> owned(num_devices * num_outputs);
  for (size_t i = 0; i < owned.size(); i++) {
    if (out_flat[i] == nullptr) continue;
    owned[i] = std::make_shared<BufferCore>(ec->client, out_flat[i]);
  }
  for (size_t i = 0; i < owned.size(); i++)
    if (!owned[i]) ThrowIfError(env, Status::Error(PJRT_Error_Code_INTERNAL, "the plugin returned no buffer for output " +
                                                                              std::to_string(i % num_outputs)), op);

  Napi::Array result = Napi::Array::New(env, owned.size());
  for (size_t i = 0; i < owned.size(); i++) {
    PJRT_Buffer* b = owned[i]->buffer;
    PJRT_ARGS(plugin, PJRT_Buffer_Dimensions_Args, dm);
    dm.buffer = b;
    ThrowIfError(env, PJRT_CALL(plugin, PJRT_Buffer_Dimensions, dm), "PJRT_Buffer_Dimensions");
    PJRT_ARGS(plugin, PJRT_Buffer_ElementType_Args, et);
    et.buffer = b;
    ThrowIfError(env, PJRT_CALL(plugin, PJRT_Buffer_ElementType, et), "PJRT_Buffer_ElementType");
    int di = device_index;
    if (execute_device == nullptr) {
      PJRT_ARGS(plugin, PJRT_Buffer_Device_Args, bd);
      bd.buffer = b;
      if (PJRT_CALL(plugin, PJRT_Buffer_Device, bd).ok()) di = ec->client->IndexOf(bd.device);
    }
    Napi::Object obj = BufferWrap::Create(env, owned[i], dm.dims, dm.num_dims, static_cast<int>(et.type));
    BufferWrap::Unwrap(obj)->device_index = di;
    result.Set(static_cast<uint32_t>(i), obj);
  }
  return result;
}

// serialize() → Uint8Array: the plugin's serialization of the executable (PJRT_Executable_Serialize),
// loadable with PjrtClient.loadExecutable by the same plugin build.
Napi::Value ExecutableWrap::Serialize(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!core) ThrowInput(env, "Executable.serialize: the executable has been disposed");
  if (core->exe == nullptr) ThrowInput(env, "Executable.serialize: the runtime of this executable has been shut down");
  const Plugin* plugin = core->client->plugin;
  PJRT_ARGS(plugin, PJRT_LoadedExecutable_GetExecutable_Args, g);
  g.loaded_executable = core->exe;
  ThrowIfError(env, PJRT_CALL(plugin, PJRT_LoadedExecutable_GetExecutable, g), "PJRT_LoadedExecutable_GetExecutable");
  PJRT_Executable* ex = g.executable;
  PJRT_ARGS(plugin, PJRT_Executable_Serialize_Args, s);
  s.executable = ex;
  Status st = PJRT_CALL(plugin, PJRT_Executable_Serialize, s);
  // Copy the bytes out before anything is freed; a failed allocation must not leak the plugin's.
  std::string bytes;
  Status copy_st;
  if (st.ok()) {
    try {
      if (s.serialized_bytes != nullptr) bytes.assign(s.serialized_bytes, s.serialized_bytes_size);
    } catch (const std::exception& e) {
      copy_st = Status::Error(PJRT_Error_Code_RESOURCE_EXHAUSTED, std::string("copying the serialized executable: ") + e.what());
    }
    if (s.serialized_executable != nullptr && s.serialized_executable_deleter != nullptr)
      s.serialized_executable_deleter(s.serialized_executable);
  }
  PJRT_ARGS(plugin, PJRT_Executable_Destroy_Args, xd);
  xd.executable = ex;
  (void)PJRT_CALL(plugin, PJRT_Executable_Destroy, xd);
  ThrowIfError(env, st, "PJRT_Executable_Serialize");
  ThrowIfError(env, copy_st, "PJRT_Executable_Serialize");
  if (bytes.empty())
    ThrowIfError(env, Status::Error(PJRT_Error_Code_INTERNAL, "the plugin returned no bytes"), "PJRT_Executable_Serialize");
  return Napi::Buffer<char>::Copy(env, bytes.data(), bytes.size());
}

Napi::Value ExecutableWrap::Dispose(const Napi::CallbackInfo& info) {
  core.reset();
  return info.Env().Undefined();
}

}  // namespace xla_ts
