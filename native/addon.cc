// Entry point of the xla-ts addon: module exports, errors, per-environment state.
//
// Exports:
//   PjrtClient(pluginPath, createOptions)   a client (loads + initialises the plugin once)
//   pluginInfo(pluginPath)                  { apiVersion, headerVersion, padded, attributes }
//   headerVersion                           { major, minor } of the header compiled against
//   pendingEvents()                         operations waiting on PJRT events (for tests)
//   prepareExit()                           called from process.on("exit") (see cores.cc)
#include "addon.h"

namespace xla_ts {

Napi::Error MakeError(Napi::Env env, const Status& st, const std::string& operation) {
  std::string detail = st.message;
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ' || detail.back() == '\r')) detail.pop_back();
  std::string msg = std::string(ErrorCodeName(st.code)) + ": " + operation + ": " + detail;
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, ErrorCodeName(st.code)));
  e.Set("operation", Napi::String::New(env, operation));
  e.Set("pjrtMessage", Napi::String::New(env, detail));
  return e;
}

void ThrowIfError(Napi::Env env, const Status& st, const std::string& operation) {
  if (!st.ok()) throw MakeError(env, st, operation);
}

void ThrowInput(Napi::Env env, const std::string& message) {
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", Napi::String::New(env, "XLA_TS_BAD_INPUT"));
  throw e;
}

AddonData* GetData(Napi::Env env) { return env.GetInstanceData<AddonData>(); }

namespace {

Napi::Object Version(Napi::Env env, int major, int minor) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("major", Napi::Number::New(env, major));
  o.Set("minor", Napi::Number::New(env, minor));
  return o;
}

Napi::Value NamedValueToJs(Napi::Env env, const PJRT_NamedValue& v) {
  switch (v.type) {
    case PJRT_NamedValue_kString: return Napi::String::New(env, std::string(v.string_value, v.value_size));
    case PJRT_NamedValue_kInt64: return Napi::Number::New(env, static_cast<double>(v.int64_value));
    case PJRT_NamedValue_kFloat: return Napi::Number::New(env, v.float_value);
    case PJRT_NamedValue_kBool: return Napi::Boolean::New(env, v.bool_value);
    case PJRT_NamedValue_kInt64List: {
      Napi::Array a = Napi::Array::New(env, v.value_size);
      for (size_t i = 0; i < v.value_size; i++) a.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(v.int64_array_value[i])));
      return a;
    }
    default: return env.Undefined();
  }
}

Napi::Value PluginInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) ThrowInput(env, "pluginInfo: the plugin path must be a string");
  Status st;
  const Plugin* p = LoadPlugin(info[0].As<Napi::String>().Utf8Value(), &st);
  if (p == nullptr) ThrowIfError(env, st, "load plugin");
  Napi::Object o = Napi::Object::New(env);
  o.Set("path", Napi::String::New(env, p->path));
  o.Set("apiVersion", Version(env, p->major, p->minor));
  o.Set("headerVersion", Version(env, PJRT_API_MAJOR, PJRT_API_MINOR));
  o.Set("padded", Napi::Boolean::New(env, p->pad != 0));
  o.Set("apiStructSize", Napi::Number::New(env, static_cast<double>(p->api->struct_size)));
  Napi::Object attrs = Napi::Object::New(env);
  PJRT_ARGS(p, PJRT_Plugin_Attributes_Args, a);
  if (PJRT_CALL(p, PJRT_Plugin_Attributes, a).ok() && a.attributes != nullptr) {
    // The returned array uses the plugin's PJRT_NamedValue layout; read it with the stride
    // of the plugin's struct_size (identical to ours unless the struct grew).
    const char* base = reinterpret_cast<const char*>(a.attributes);
    size_t stride = a.num_attributes > 0 ? a.attributes[0].struct_size : sizeof(PJRT_NamedValue);
    if (stride < PJRT_NamedValue_STRUCT_SIZE) stride = sizeof(PJRT_NamedValue);
    stride = (stride + alignof(PJRT_NamedValue) - 1) / alignof(PJRT_NamedValue) * alignof(PJRT_NamedValue);
    for (size_t i = 0; i < a.num_attributes; i++) {
      const auto* v = reinterpret_cast<const PJRT_NamedValue*>(base + i * stride);
      if (v->name == nullptr) continue;
      attrs.Set(std::string(v->name, v->name_size), NamedValueToJs(env, *v));
    }
  }
  o.Set("attributes", attrs);
  return o;
}

Napi::Value PendingEvents(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(GetData(info.Env())->events.pending()));
}

Napi::Value PrepareExitJs(const Napi::CallbackInfo& info) {
  PrepareExit(GetData(info.Env()));
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData(env);
  env.SetInstanceData<AddonData>(data);
  // Registered after the thread-safe function was created, so it runs before that function
  // is torn down: from then on, late PJRT events are dropped instead of touching a dead env.
  // Then every client of this environment is drained and destroyed in order (worker
  // termination, normal exit); process.exit is covered by an atexit handler (cores.cc).
  env.AddCleanupHook([data]() {
    data->closing = true;
    data->events.Close();
    ShutdownClients(data);
  });

  Napi::Function client = ClientWrap::Init(env);
  Napi::Function buffer = BufferWrap::Init(env);
  Napi::Function executable = ExecutableWrap::Init(env);
  data->client_ctor = Napi::Persistent(client);
  data->buffer_ctor = Napi::Persistent(buffer);
  data->executable_ctor = Napi::Persistent(executable);

  exports.Set("PjrtClient", client);
  exports.Set("PjrtBuffer", buffer);
  exports.Set("PjrtExecutable", executable);
  exports.Set("pluginInfo", Napi::Function::New(env, PluginInfo, "pluginInfo"));
  exports.Set("prepareExit", Napi::Function::New(env, PrepareExitJs, "prepareExit"));
  exports.Set("pendingEvents", Napi::Function::New(env, PendingEvents, "pendingEvents"));
  exports.Set("headerVersion", Version(env, PJRT_API_MAJOR, PJRT_API_MINOR));
  return exports;
}

}  // namespace

}  // namespace xla_ts

Napi::Object InitAll(Napi::Env env, Napi::Object exports) { return xla_ts::Init(env, exports); }

NODE_API_MODULE(xla_ts, InitAll)
