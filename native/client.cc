// ClientWrap: a PJRT client, its devices, host→device transfers and compilation.
#include <cmath>
#include <deque>
#include <limits>

#include "addon.h"

namespace xla_ts {

// ------------------------------------------------------------------------------------------
// Cores

int ClientCore::IndexOf(PJRT_Device* dev) const {
  for (size_t i = 0; i < devices.size(); i++)
    if (devices[i] == dev) return static_cast<int>(i);
  return -1;
}

// ------------------------------------------------------------------------------------------
// CompileOptionsProto, hand-encoded (xla/pjrt/proto/compile_options.proto):
//   CompileOptionsProto { executable_build_options = 3; compile_portable_executable = 4; }
//   ExecutableBuildOptionsProto { device_ordinal = 1; num_replicas = 4; num_partitions = 5;
//                                 use_spmd_partitioning = 6; device_assignment = 9; }
//   DeviceAssignmentProto { replica_count = 1; computation_count = 2;
//                           repeated ComputationDevice computation_devices = 3; }
//   ComputationDevice { repeated int64 replica_device_ids = 1; }

namespace {

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
void PutTag(std::string& out, int field, int wire) { PutVarint(out, (static_cast<uint64_t>(field) << 3) | wire); }
void PutInt(std::string& out, int field, int64_t v) {
  PutTag(out, field, 0);
  PutVarint(out, static_cast<uint64_t>(v));
}
void PutBytes(std::string& out, int field, const std::string& bytes) {
  PutTag(out, field, 2);
  PutVarint(out, bytes.size());
  out += bytes;
}

struct CompileSpec {
  int64_t num_replicas = 1;
  int64_t num_partitions = 1;
  bool portable = true;
  std::vector<int64_t> assignment;  // [replica][partition] → device id; empty = default
};

std::string EncodeCompileOptions(const CompileSpec& s) {
  std::string build;
  PutInt(build, 1, -1);  // device_ordinal: unset
  PutInt(build, 4, s.num_replicas);
  PutInt(build, 5, s.num_partitions);
  if (s.num_partitions > 1) PutInt(build, 6, 1);  // use_spmd_partitioning
  if (!s.assignment.empty()) {
    std::string da;
    PutInt(da, 1, s.num_replicas);
    PutInt(da, 2, s.num_partitions);
    for (int64_t p = 0; p < s.num_partitions; p++) {
      std::string ids;
      for (int64_t r = 0; r < s.num_replicas; r++) PutVarint(ids, static_cast<uint64_t>(s.assignment[r * s.num_partitions + p]));
      std::string cd;
      PutBytes(cd, 1, ids);  // packed repeated int64
      PutBytes(da, 3, cd);
    }
    PutBytes(build, 9, da);
  }
  std::string out;
  PutBytes(out, 3, build);
  if (s.portable) PutInt(out, 4, 1);
  return out;
}

Status Describe(const std::shared_ptr<ClientCore>& cc, PJRT_LoadedExecutable* loaded, const CompileSpec& spec,
                std::shared_ptr<ExecutableCore>* out);

// Compiles and gathers what the JS side needs to know about the result. Thread-safe.
Status DoCompile(const std::shared_ptr<ClientCore>& cc, const std::string& code, const std::string& format,
                 const CompileSpec& spec, std::shared_ptr<ExecutableCore>* out) {
  const Plugin* plugin = cc->plugin;
  std::string options = EncodeCompileOptions(spec);
  PJRT_ARGS(plugin, PJRT_Program, program);
  program.code = const_cast<char*>(code.data());
  program.code_size = code.size();
  program.format = format.c_str();
  program.format_size = format.size();
  PJRT_ARGS(plugin, PJRT_Client_Compile_Args, a);
  a.client = cc->client;
  a.program = &program;
  a.compile_options = options.data();
  a.compile_options_size = options.size();
  Status st = PJRT_CALL(plugin, PJRT_Client_Compile, a);
  if (!st.ok()) return st;
  return Describe(cc, a.executable, spec, out);
}

// Takes ownership of `loaded` and gathers what the JS side needs to know about it. Thread-safe.
Status Describe(const std::shared_ptr<ClientCore>& cc, PJRT_LoadedExecutable* loaded, const CompileSpec& spec,
                std::shared_ptr<ExecutableCore>* out) {
  const Plugin* plugin = cc->plugin;
  auto core = std::make_shared<ExecutableCore>(cc);
  core->exe = loaded;
  core->portable = spec.portable;
  core->num_replicas = static_cast<size_t>(spec.num_replicas);
  core->num_partitions = static_cast<size_t>(spec.num_partitions);

  PJRT_ARGS(plugin, PJRT_LoadedExecutable_GetExecutable_Args, g);
  g.loaded_executable = core->exe;
  Status st = PJRT_CALL(plugin, PJRT_LoadedExecutable_GetExecutable, g);
  if (!st.ok()) return st;
  PJRT_Executable* ex = g.executable;

  PJRT_ARGS(plugin, PJRT_Executable_NumOutputs_Args, n);
  n.executable = ex;
  st = PJRT_CALL(plugin, PJRT_Executable_NumOutputs, n);
  if (st.ok()) {
    core->num_outputs = n.num_outputs;
    PJRT_ARGS(plugin, PJRT_Executable_OutputElementTypes_Args, t);
    t.executable = ex;
    if (PJRT_CALL(plugin, PJRT_Executable_OutputElementTypes, t).ok() && t.num_output_types == n.num_outputs) {
      for (size_t i = 0; i < t.num_output_types; i++) core->out_types.push_back(static_cast<int>(t.output_types[i]));
    }
    PJRT_ARGS(plugin, PJRT_Executable_OutputDimensions_Args, d);
    d.executable = ex;
    d.num_outputs = n.num_outputs;
    if (PJRT_CALL(plugin, PJRT_Executable_OutputDimensions, d).ok() && d.dims != nullptr && d.dim_sizes != nullptr) {
      size_t k = 0;
      for (size_t i = 0; i < n.num_outputs; i++) {
        core->out_dims.emplace_back(d.dims + k, d.dims + k + d.dim_sizes[i]);
        k += d.dim_sizes[i];
      }
    }
  }
  PJRT_ARGS(plugin, PJRT_Executable_Name_Args, nm);
  nm.executable = ex;
  if (PJRT_CALL(plugin, PJRT_Executable_Name, nm).ok() && nm.executable_name != nullptr)
    core->name.assign(nm.executable_name, nm.executable_name_size);
  PJRT_ARGS(plugin, PJRT_Executable_Destroy_Args, xd);
  xd.executable = ex;
  Status destroy_st = PJRT_CALL(plugin, PJRT_Executable_Destroy, xd);
  if (!st.ok()) return st;  // NumOutputs failed: the executable cannot be used safely
  (void)destroy_st;

  if (!spec.portable) {
    PJRT_ARGS(plugin, PJRT_LoadedExecutable_AddressableDevices_Args, ad);
    ad.executable = core->exe;
    st = PJRT_CALL(plugin, PJRT_LoadedExecutable_AddressableDevices, ad);
    if (!st.ok()) return st;
    for (size_t i = 0; i < ad.num_addressable_devices; i++) core->addressable.push_back(cc->IndexOf(ad.addressable_devices[i]));
  }
  *out = std::move(core);
  return Status::Ok();
}

// Loads an executable serialized by PJRT_Executable_Serialize (ExecutableWrap::Serialize) with
// the compile options it was compiled with (`spec`). Thread-safe.
Status DoLoad(const std::shared_ptr<ClientCore>& cc, const std::string& bytes, const CompileSpec& spec,
              std::shared_ptr<ExecutableCore>* out) {
  const Plugin* plugin = cc->plugin;
  std::string options = EncodeCompileOptions(spec);
  PJRT_ARGS(plugin, PJRT_Executable_DeserializeAndLoad_Args, a);
  a.client = cc->client;
  a.serialized_executable = bytes.data();
  a.serialized_executable_size = bytes.size();
  a.overridden_serialized_compile_options = options.data();
  a.overridden_serialized_compile_options_size = options.size();
  Status st = PJRT_CALL(plugin, PJRT_Executable_DeserializeAndLoad, a);
  if (!st.ok()) return st;
  if (a.loaded_executable == nullptr)
    return Status::Error(PJRT_Error_Code_INTERNAL, "the plugin returned no executable");
  return Describe(cc, a.loaded_executable, spec, out);
}

/** DoCompile (or DoLoad when `load`) with every exception (including std::bad_alloc) turned into a Status. */
Status CompileGuarded(const std::shared_ptr<ClientCore>& cc, const std::string& code, const CompileSpec& spec,
                      std::shared_ptr<ExecutableCore>* out, bool load = false) {
  try {
    return load ? DoLoad(cc, code, spec, out) : DoCompile(cc, code, "mlir", spec, out);
  } catch (const std::exception& e) {
    return Status::Error(PJRT_Error_Code_INTERNAL, std::string("compile threw: ") + e.what());
  } catch (...) {
    return Status::Error(PJRT_Error_Code_INTERNAL, "compile threw a C++ exception");
  }
}

CompileSpec ReadCompileSpec(Napi::Env env, const std::shared_ptr<ClientCore>& cc, Napi::Value v) {
  CompileSpec s;
  if (v.IsUndefined() || v.IsNull()) return s;
  if (!v.IsObject()) ThrowInput(env, "compile: options must be an object");
  Napi::Object o = v.As<Napi::Object>();
  auto readCount = [&](const char* key, int64_t* dst) {
    Napi::Value x = o.Get(key);
    if (x.IsUndefined()) return;
    if (!x.IsNumber()) ThrowInput(env, std::string("compile: options.") + key + " must be a positive integer");
    double d = x.As<Napi::Number>().DoubleValue();
    if (!(d >= 1 && d <= 1 << 20) || std::floor(d) != d)
      ThrowInput(env, std::string("compile: options.") + key + " must be a positive integer, got " + std::to_string(d));
    *dst = static_cast<int64_t>(d);
  };
  readCount("numReplicas", &s.num_replicas);
  readCount("numPartitions", &s.num_partitions);
  // Both are at most 2^20, so the product is exact in 64 bits; a device assignment of more
  // than 2^20 devices is refused before anything is allocated for it.
  const int64_t total = s.num_replicas * s.num_partitions;
  if (total > (int64_t{1} << 20))
    ThrowInput(env, "compile: numReplicas × numPartitions = " + std::to_string(total) + " exceeds 2^20 devices");
  Napi::Value portable = o.Get("portable");
  s.portable = portable.IsUndefined() ? (total == 1) : portable.ToBoolean().Value();
  if (s.portable && total != 1)
    ThrowInput(env, "compile: a portable executable must have numReplicas = numPartitions = 1");
  Napi::Value da = o.Get("deviceAssignment");
  if (!da.IsUndefined() && !da.IsNull()) {
    if (!da.IsArray()) ThrowInput(env, "compile: options.deviceAssignment must be an array of device ids");
    Napi::Array arr = da.As<Napi::Array>();
    if (static_cast<int64_t>(arr.Length()) != total)
      ThrowInput(env, "compile: options.deviceAssignment must list numReplicas × numPartitions = " + std::to_string(total) +
                          " device ids, got " + std::to_string(arr.Length()));
    for (uint32_t i = 0; i < arr.Length(); i++) {
      Napi::Value x = arr.Get(i);
      if (!x.IsNumber()) ThrowInput(env, "compile: options.deviceAssignment must hold device ids (numbers)");
      s.assignment.push_back(x.As<Napi::Number>().Int64Value());
    }
    if (s.portable) ThrowInput(env, "compile: options.deviceAssignment and portable cannot be combined");
  }
  (void)cc;
  return s;
}

class CompileWorker : public Napi::AsyncWorker {
 public:
  CompileWorker(Napi::Env env, std::shared_ptr<ClientCore> cc, std::string code, CompileSpec spec, bool load = false)
      : Napi::AsyncWorker(env, load ? "xla-ts:load" : "xla-ts:compile"), deferred_(Napi::Promise::Deferred::New(env)),
        cc_(std::move(cc)), code_(std::move(code)), spec_(std::move(spec)), load_(load) {
    std::lock_guard<std::mutex> lock(cc_->mu);
    cc_->compiling++;  // Shutdown waits for this compile
  }
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    {
      std::lock_guard<std::mutex> lock(cc_->mu);
      if (cc_->shut) status_ = Status::Error(PJRT_Error_Code_CANCELLED, "the runtime is shutting down");
    }
    if (status_.ok()) status_ = CompileGuarded(cc_, code_, spec_, &result_, load_);
    std::lock_guard<std::mutex> lock(cc_->mu);
    if (--cc_->compiling == 0) cc_->idle.notify_all();
  }
  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (!status_.ok()) {
      deferred_.Reject(MakeError(env, status_, load_ ? "PJRT_Executable_DeserializeAndLoad" : "PJRT_Client_Compile").Value());
      return;
    }
    try {
      deferred_.Resolve(ExecutableWrap::Create(env, result_));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<ClientCore> cc_;
  std::string code_;
  CompileSpec spec_;
  bool load_;
  Status status_;
  std::shared_ptr<ExecutableCore> result_;
};

// Create options of the XLA CPU and GPU plugins and the types they read them as.
int KnownOptionType(const std::string& name) {
  static const std::pair<const char*, int> kKnown[] = {
      {"cpu_device_count", PJRT_NamedValue_kInt64},
      {"asynchronous", PJRT_NamedValue_kBool},
      {"max_inflight_computations", PJRT_NamedValue_kInt64},
      {"pooling_allocator", PJRT_NamedValue_kBool},
      {"platform_name", PJRT_NamedValue_kString},
      {"allocator", PJRT_NamedValue_kString},
      {"memory_fraction", PJRT_NamedValue_kFloat},
      {"preallocate", PJRT_NamedValue_kBool},
      {"collective_memory_size", PJRT_NamedValue_kInt64},
      {"visible_devices", PJRT_NamedValue_kInt64List},
      {"node_id", PJRT_NamedValue_kInt64},
      {"num_nodes", PJRT_NamedValue_kInt64},
      {"should_stage_host_to_device_transfers", PJRT_NamedValue_kBool},
      {"abort_collectives_on_failure", PJRT_NamedValue_kBool},
      {"use_tfrt_gpu_client", PJRT_NamedValue_kBool},
      {"enable_mock_nccl", PJRT_NamedValue_kBool},
      {"mock_gpu_topology", PJRT_NamedValue_kString},
      {"partition_index", PJRT_NamedValue_kInt64},
  };
  for (const auto& k : kKnown)
    if (name == k.first) return k.second;
  return -1;
}

std::string ReadSerialized(const Napi::CallbackInfo& info, const char* op) {
  if (info.Length() < 1 || !info[0].IsTypedArray() || info[0].As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array)
    ThrowInput(info.Env(), std::string(op) + ": the serialized executable must be a Uint8Array");
  Napi::Uint8Array u = info[0].As<Napi::Uint8Array>();
  if (u.ByteLength() == 0) ThrowInput(info.Env(), std::string(op) + ": the serialized executable is empty");
  return std::string(reinterpret_cast<const char*>(u.Data()), u.ByteLength());
}

std::string ReadProgram(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsString())
    ThrowInput(info.Env(), "compile: the program must be a string of StableHLO MLIR text");
  return info[0].As<Napi::String>().Utf8Value();
}

}  // namespace

// ------------------------------------------------------------------------------------------
// ClientWrap

Napi::Function ClientWrap::Init(Napi::Env env) {
  return DefineClass(env, "PjrtClient",
                     {
                         InstanceMethod<&ClientWrap::Platform>("platform"),
                         InstanceMethod<&ClientWrap::PlatformVersion>("platformVersion"),
                         InstanceMethod<&ClientWrap::Devices>("devices"),
                         InstanceMethod<&ClientWrap::BufferFromHost>("bufferFromHost"),
                         InstanceMethod<&ClientWrap::Compile>("compile"),
                         InstanceMethod<&ClientWrap::CompileSync>("compileSync"),
                         InstanceMethod<&ClientWrap::LoadExecutable>("loadExecutable"),
                         InstanceMethod<&ClientWrap::LoadExecutableSync>("loadExecutableSync"),
                         InstanceMethod<&ClientWrap::Dispose>("dispose"),
                         InstanceMethod<&ClientWrap::IsDisposed>("isDisposed"),
                     });
}

// new PjrtClient(pluginPath, createOptions)
ClientWrap::ClientWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<ClientWrap>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) ThrowInput(env, "openClient: the plugin path must be a string");
  std::string path = info[0].As<Napi::String>().Utf8Value();
  Status st;
  const Plugin* plugin = LoadPlugin(path, &st);
  if (plugin == nullptr) ThrowIfError(env, st, "load plugin");

  // Named create options. Known options get the type their plugin reads; others: integers →
  // int64, other numbers → float, bigint → int64, strings, booleans, integer arrays → int64 list.
  std::deque<std::string> names, strings;
  std::deque<std::vector<int64_t>> lists;
  std::vector<PJRT_NamedValue> values;
  if (info.Length() > 1 && info[1].IsObject()) {
    Napi::Object o = info[1].As<Napi::Object>();
    Napi::Array keys = o.GetPropertyNames();
    for (uint32_t i = 0; i < keys.Length(); i++) {
      std::string key = keys.Get(i).ToString().Utf8Value();
      Napi::Value v = o.Get(key);
      if (v.IsUndefined()) continue;
      PJRT_NamedValue nv;
      std::memset(&nv, 0, sizeof nv);
      nv.struct_size = PJRT_NamedValue_STRUCT_SIZE;  // arrays: never padded
      names.push_back(key);
      nv.name = names.back().c_str();
      nv.name_size = names.back().size();
      nv.value_size = 1;
      // Plugins read option values with std::get: a wrong type aborts some of them, so options
      // they are known to read are checked (and converted where lossless) here.
      int expected = KnownOptionType(key);
      auto fail = [&](const char* want) {
        ThrowInput(env, "openClient: create option " + key + " must be " + want + ", got " +
                            (v.IsString() ? "a string" : v.IsBoolean() ? "a boolean" : v.IsNumber() ? "the number " + v.ToString().Utf8Value()
                                                                                   : v.IsArray() ? "an array" : "a " + std::string(v.IsBigInt() ? "bigint" : "value of another type")));
      };
      auto isInteger = [](double d) { return std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.007199254740992e15; };
      if (v.IsBoolean() && (expected < 0 || expected == PJRT_NamedValue_kBool)) {
        nv.type = PJRT_NamedValue_kBool;
        nv.bool_value = v.As<Napi::Boolean>().Value();
      } else if (v.IsBigInt() && (expected < 0 || expected == PJRT_NamedValue_kInt64)) {
        bool lossless = true;
        nv.type = PJRT_NamedValue_kInt64;
        nv.int64_value = v.As<Napi::BigInt>().Int64Value(&lossless);
        if (!lossless) ThrowInput(env, "openClient: create option " + key + " does not fit in int64");
      } else if (v.IsNumber() && (expected < 0 || expected == PJRT_NamedValue_kInt64 || expected == PJRT_NamedValue_kFloat)) {
        double d = v.As<Napi::Number>().DoubleValue();
        if (expected == PJRT_NamedValue_kFloat || (expected < 0 && !isInteger(d))) {
          nv.type = PJRT_NamedValue_kFloat;
          nv.float_value = static_cast<float>(d);
        } else {
          if (!isInteger(d)) fail("an integer");
          nv.type = PJRT_NamedValue_kInt64;
          nv.int64_value = static_cast<int64_t>(d);
        }
      } else if (v.IsString() && (expected < 0 || expected == PJRT_NamedValue_kString)) {
        strings.push_back(v.As<Napi::String>().Utf8Value());
        nv.type = PJRT_NamedValue_kString;
        nv.string_value = strings.back().c_str();
        nv.value_size = strings.back().size();
      } else if (v.IsArray() && (expected < 0 || expected == PJRT_NamedValue_kInt64List)) {
        Napi::Array arr = v.As<Napi::Array>();
        lists.emplace_back();
        for (uint32_t j = 0; j < arr.Length(); j++) {
          Napi::Value x = arr.Get(j);
          if (!x.IsNumber() || !isInteger(x.As<Napi::Number>().DoubleValue())) fail("an array of integers");
          lists.back().push_back(x.As<Napi::Number>().Int64Value());
        }
        nv.type = PJRT_NamedValue_kInt64List;
        nv.int64_array_value = lists.back().data();
        nv.value_size = lists.back().size();
      } else {
        switch (expected) {
          case PJRT_NamedValue_kBool: fail("a boolean"); break;
          case PJRT_NamedValue_kInt64: fail("an integer"); break;
          case PJRT_NamedValue_kFloat: fail("a number"); break;
          case PJRT_NamedValue_kString: fail("a string"); break;
          case PJRT_NamedValue_kInt64List: fail("an array of integers"); break;
          default: fail("a number, bigint, string, boolean or integer array");
        }
      }
      values.push_back(nv);
    }
  }

  PJRT_ARGS(plugin, PJRT_Client_Create_Args, a);
  a.create_options = values.empty() ? nullptr : values.data();
  a.num_options = values.size();
  st = PJRT_CALL(plugin, PJRT_Client_Create, a);
  ThrowIfError(env, st, "PJRT_Client_Create");

  auto cc = std::make_shared<ClientCore>();
  cc->owner = GetData(env);
  cc->plugin = plugin;
  cc->client = a.client;

  PJRT_ARGS(plugin, PJRT_Client_PlatformName_Args, pn);
  pn.client = cc->client;
  st = PJRT_CALL(plugin, PJRT_Client_PlatformName, pn);
  ThrowIfError(env, st, "PJRT_Client_PlatformName");
  cc->platform.assign(pn.platform_name, pn.platform_name_size);

  PJRT_ARGS(plugin, PJRT_Client_AddressableDevices_Args, d);
  d.client = cc->client;
  st = PJRT_CALL(plugin, PJRT_Client_AddressableDevices, d);
  ThrowIfError(env, st, "PJRT_Client_AddressableDevices");
  for (size_t i = 0; i < d.num_addressable_devices; i++) {
    PJRT_Device* dev = d.addressable_devices[i];
    cc->devices.push_back(dev);
    PJRT_ARGS(plugin, PJRT_Device_GetDescription_Args, g);
    g.device = dev;
    st = PJRT_CALL(plugin, PJRT_Device_GetDescription, g);
    ThrowIfError(env, st, "PJRT_Device_GetDescription");
    PJRT_ARGS(plugin, PJRT_DeviceDescription_Id_Args, id);
    id.device_description = g.device_description;
    st = PJRT_CALL(plugin, PJRT_DeviceDescription_Id, id);
    ThrowIfError(env, st, "PJRT_DeviceDescription_Id");
    cc->device_ids.push_back(id.id);
  }
  core = std::move(cc);
}

std::shared_ptr<ClientCore> ClientWrap::Get(Napi::Env env, const char* op) {
  if (!core) ThrowInput(env, std::string(op) + ": the runtime (PJRT client) has been disposed");
  return core;
}

Napi::Value ClientWrap::Platform(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), Get(info.Env(), "platform")->platform);
}

Napi::Value ClientWrap::PlatformVersion(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto cc = Get(env, "platformVersion");
  PJRT_ARGS(cc->plugin, PJRT_Client_PlatformVersion_Args, a);
  a.client = cc->client;
  ThrowIfError(env, PJRT_CALL(cc->plugin, PJRT_Client_PlatformVersion, a), "PJRT_Client_PlatformVersion");
  return Napi::String::New(env, std::string(a.platform_version, a.platform_version_size));
}

Napi::Value ClientWrap::Devices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto cc = Get(env, "devices");
  const Plugin* plugin = cc->plugin;
  Napi::Array out = Napi::Array::New(env, cc->devices.size());
  for (size_t i = 0; i < cc->devices.size(); i++) {
    PJRT_Device* dev = cc->devices[i];
    Napi::Object o = Napi::Object::New(env);
    o.Set("index", Napi::Number::New(env, static_cast<double>(i)));
    o.Set("id", Napi::Number::New(env, cc->device_ids[i]));
    o.Set("platform", Napi::String::New(env, cc->platform));
    PJRT_ARGS(plugin, PJRT_Device_GetDescription_Args, g);
    g.device = dev;
    ThrowIfError(env, PJRT_CALL(plugin, PJRT_Device_GetDescription, g), "PJRT_Device_GetDescription");
    PJRT_ARGS(plugin, PJRT_DeviceDescription_Kind_Args, k);
    k.device_description = g.device_description;
    ThrowIfError(env, PJRT_CALL(plugin, PJRT_DeviceDescription_Kind, k), "PJRT_DeviceDescription_Kind");
    o.Set("kind", Napi::String::New(env, std::string(k.device_kind, k.device_kind_size)));
    PJRT_ARGS(plugin, PJRT_DeviceDescription_ToString_Args, ts);
    ts.device_description = g.device_description;
    if (PJRT_CALL(plugin, PJRT_DeviceDescription_ToString, ts).ok() && ts.to_string != nullptr)
      o.Set("description", Napi::String::New(env, std::string(ts.to_string, ts.to_string_size)));
    PJRT_ARGS(plugin, PJRT_DeviceDescription_ProcessIndex_Args, pi);
    pi.device_description = g.device_description;
    if (PJRT_CALL(plugin, PJRT_DeviceDescription_ProcessIndex, pi).ok())
      o.Set("processIndex", Napi::Number::New(env, pi.process_index));
    PJRT_ARGS(plugin, PJRT_Device_LocalHardwareId_Args, lh);
    lh.device = dev;
    if (PJRT_CALL(plugin, PJRT_Device_LocalHardwareId, lh).ok())
      o.Set("localHardwareId", Napi::Number::New(env, lh.local_hardware_id));
    out.Set(static_cast<uint32_t>(i), o);
  }
  return out;
}

// bufferFromHost(typedArray, dims: number[], type: number, deviceIndex: number)
Napi::Value ClientWrap::BufferFromHost(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const char* op = "bufferFromHost";
  auto cc = Get(env, op);
  const Plugin* plugin = cc->plugin;
  if (info.Length() < 4) ThrowInput(env, "bufferFromHost: expected (data, dims, type, deviceIndex)");
  if (!info[0].IsTypedArray()) ThrowInput(env, "bufferFromHost: data must be a typed array");
  Napi::TypedArray ta = info[0].As<Napi::TypedArray>();
  if (!info[1].IsArray()) ThrowInput(env, "bufferFromHost: dims must be an array of non-negative integers");
  Napi::Array jd = info[1].As<Napi::Array>();
  std::vector<int64_t> dims;
  for (uint32_t i = 0; i < jd.Length(); i++) {
    Napi::Value x = jd.Get(i);
    double d = x.IsNumber() ? x.As<Napi::Number>().DoubleValue() : -1;
    if (!(d >= 0 && d <= 9.007199254740991e15) || std::floor(d) != d)
      ThrowInput(env, "bufferFromHost: dims must be an array of non-negative integers");
    dims.push_back(static_cast<int64_t>(d));
  }
  if (!info[2].IsNumber()) ThrowInput(env, "bufferFromHost: type must be a PJRT buffer type code");
  int type = info[2].As<Napi::Number>().Int32Value();
  size_t eb = ElementBytes(type);
  if (eb == 0) ThrowInput(env, "bufferFromHost: unsupported element type code " + std::to_string(type));
  if (!info[3].IsNumber()) ThrowInput(env, "bufferFromHost: deviceIndex must be a number");
  int di = info[3].As<Napi::Number>().Int32Value();
  if (di < 0 || static_cast<size_t>(di) >= cc->devices.size())
    ThrowInput(env, "bufferFromHost: device index " + std::to_string(di) + " is out of range (" +
                        std::to_string(cc->devices.size()) + " devices)");
  int64_t need = 0;
  if (!CheckedProduct(dims.data(), dims.size(), static_cast<int64_t>(eb), &need))
    ThrowInput(env, "bufferFromHost: the byte size of shape [" + [&] {
      std::string s;
      for (size_t i = 0; i < dims.size(); i++) s += (i ? "," : "") + std::to_string(dims[i]);
      return s;
    }() + "] overflows 64 bits");
  if (need != static_cast<int64_t>(ta.ByteLength()))
    ThrowInput(env, "bufferFromHost: data holds " + std::to_string(ta.ByteLength()) + " bytes but shape [" +
                        [&] {
                          std::string s;
                          for (size_t i = 0; i < dims.size(); i++) s += (i ? "," : "") + std::to_string(dims[i]);
                          return s;
                        }() +
                        "] of " + std::to_string(eb) + "-byte elements needs " + std::to_string(need));
  Napi::ArrayBuffer ab = ta.ArrayBuffer();
  const char* data = static_cast<const char*>(ab.Data()) + ta.ByteOffset();
  static const char kEmpty[8] = {0};
  if (data == nullptr) data = kEmpty;  // zero-size arrays may have no backing store

  PJRT_ARGS(plugin, PJRT_Client_BufferFromHostBuffer_Args, a);
  a.client = cc->client;
  a.data = data;
  a.type = static_cast<PJRT_Buffer_Type>(type);
  a.dims = dims.empty() ? nullptr : dims.data();
  a.num_dims = dims.size();
  a.host_buffer_semantics = PJRT_HostBufferSemantics_kImmutableOnlyDuringCall;
  a.device = cc->devices[di];
  ThrowIfError(env, PJRT_CALL(plugin, PJRT_Client_BufferFromHostBuffer, a), "PJRT_Client_BufferFromHostBuffer");
  // kImmutableOnlyDuringCall: the data has been taken by the time the call returns, so the
  // event saying so is not waited for (a failed transfer shows in the buffer's ready event).
  plugin->DestroyEvent(a.done_with_host_buffer);
  Napi::Object obj = BufferWrap::Create(env, cc, a.buffer, dims.data(), dims.size(), type);
  BufferWrap::Unwrap(obj)->device_index = di;
  return obj;
}

Napi::Value ClientWrap::Compile(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto cc = Get(env, "compile");
  std::string code = ReadProgram(info);
  CompileSpec spec = ReadCompileSpec(env, cc, info.Length() > 1 ? info[1] : env.Undefined());
  auto* w = new CompileWorker(env, cc, std::move(code), std::move(spec));
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value ClientWrap::CompileSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto cc = Get(env, "compileSync");
  std::string code = ReadProgram(info);
  CompileSpec spec = ReadCompileSpec(env, cc, info.Length() > 1 ? info[1] : env.Undefined());
  std::shared_ptr<ExecutableCore> result;
  Status st = CompileGuarded(cc, code, spec, &result);
  ThrowIfError(env, st, "PJRT_Client_Compile");
  return ExecutableWrap::Create(env, result);
}

// loadExecutable(bytes: Uint8Array, options) → Promise<PjrtExecutable>: deserializes on a worker
// thread. `options` must be those the executable was compiled with.
Napi::Value ClientWrap::LoadExecutable(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto cc = Get(env, "loadExecutable");
  std::string bytes = ReadSerialized(info, "loadExecutable");
  CompileSpec spec = ReadCompileSpec(env, cc, info.Length() > 1 ? info[1] : env.Undefined());
  auto* w = new CompileWorker(env, cc, std::move(bytes), std::move(spec), true);
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

Napi::Value ClientWrap::LoadExecutableSync(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto cc = Get(env, "loadExecutableSync");
  std::string bytes = ReadSerialized(info, "loadExecutableSync");
  CompileSpec spec = ReadCompileSpec(env, cc, info.Length() > 1 ? info[1] : env.Undefined());
  std::shared_ptr<ExecutableCore> result;
  Status st = CompileGuarded(cc, bytes, spec, &result, true);
  ThrowIfError(env, st, "PJRT_Executable_DeserializeAndLoad");
  return ExecutableWrap::Create(env, result);
}

Napi::Value ClientWrap::Dispose(const Napi::CallbackInfo& info) {
  core.reset();  // the PJRT client itself goes when its last buffer / executable goes
  return info.Env().Undefined();
}

Napi::Value ClientWrap::IsDisposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !core);
}

}  // namespace xla_ts
