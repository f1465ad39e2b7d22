#include "pjrt.h"

#include <dlfcn.h>

#include <cstdlib>

#include <map>
#include <mutex>

namespace xla_ts {

const char* ErrorCodeName(int code) {
  switch (code) {
    case PJRT_Error_Code_OK: return "OK";
    case PJRT_Error_Code_CANCELLED: return "CANCELLED";
    case PJRT_Error_Code_UNKNOWN: return "UNKNOWN";
    case PJRT_Error_Code_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case PJRT_Error_Code_DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case PJRT_Error_Code_NOT_FOUND: return "NOT_FOUND";
    case PJRT_Error_Code_ALREADY_EXISTS: return "ALREADY_EXISTS";
    case PJRT_Error_Code_PERMISSION_DENIED: return "PERMISSION_DENIED";
    case PJRT_Error_Code_RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case PJRT_Error_Code_FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case PJRT_Error_Code_ABORTED: return "ABORTED";
    case PJRT_Error_Code_OUT_OF_RANGE: return "OUT_OF_RANGE";
    case PJRT_Error_Code_UNIMPLEMENTED: return "UNIMPLEMENTED";
    case PJRT_Error_Code_INTERNAL: return "INTERNAL";
    case PJRT_Error_Code_UNAVAILABLE: return "UNAVAILABLE";
    case PJRT_Error_Code_DATA_LOSS: return "DATA_LOSS";
    case PJRT_Error_Code_UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "UNKNOWN";
  }
}

Status Plugin::Take(PJRT_Error* err) const {
  if (err == nullptr) return Status::Ok();
  Status st;
  st.code = PJRT_Error_Code_UNKNOWN;
  if (PJRT_HAS(this, PJRT_Error_GetCode)) {
    PJRT_ARGS(this, PJRT_Error_GetCode_Args, a);
    a.error = err;
    PJRT_Error* e2 = api->PJRT_Error_GetCode(&a);
    if (e2 == nullptr) st.code = static_cast<int>(a.code);
    // An error about the error: ignore it (it would have to be freed too).
    if (e2 != nullptr && PJRT_HAS(this, PJRT_Error_Destroy)) {
      PJRT_ARGS(this, PJRT_Error_Destroy_Args, d);
      d.error = e2;
      api->PJRT_Error_Destroy(&d);
    }
  }
  if (st.code == PJRT_Error_Code_OK) st.code = PJRT_Error_Code_UNKNOWN;  // an error is never OK
  if (PJRT_HAS(this, PJRT_Error_Message)) {
    PJRT_ARGS(this, PJRT_Error_Message_Args, m);
    m.error = err;
    api->PJRT_Error_Message(&m);
    if (m.message != nullptr) st.message.assign(m.message, m.message_size);
  }
  if (PJRT_HAS(this, PJRT_Error_Destroy)) {
    PJRT_ARGS(this, PJRT_Error_Destroy_Args, d);
    d.error = err;
    api->PJRT_Error_Destroy(&d);
  }
  return st;
}

void Plugin::DestroyEvent(PJRT_Event* ev) const {
  if (ev == nullptr || !PJRT_HAS(this, PJRT_Event_Destroy)) return;
  PJRT_ARGS(this, PJRT_Event_Destroy_Args, a);
  a.event = ev;
  Guarded("PJRT_Event_Destroy", [&]() { return Take(api->PJRT_Event_Destroy(&a)); });
}

namespace {
std::mutex g_plugins_mu;
// Plugins are never unloaded: the map (and the Plugin objects) live until process exit.
std::map<std::string, Plugin*>* g_plugins = new std::map<std::string, Plugin*>();
}  // namespace

const Plugin* LoadPlugin(const std::string& path, Status* status) {
  std::lock_guard<std::mutex> lock(g_plugins_mu);
  auto it = g_plugins->find(path);
  if (it != g_plugins->end()) return it->second;

  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    *status = Status::Error(PJRT_Error_Code_NOT_FOUND,
                            "cannot load PJRT plugin " + path + ": " + (why ? why : "dlopen failed"));
    return nullptr;
  }
  using GetApiFn = const PJRT_Api* (*)();
  auto get_api = reinterpret_cast<GetApiFn>(dlsym(handle, "GetPjrtApi"));
  if (get_api == nullptr) {
    // Never dlclose: a half-initialised plugin may have registered atexit handlers.
    *status = Status::Error(PJRT_Error_Code_INVALID_ARGUMENT,
                            path + " is not a PJRT plugin (it does not export GetPjrtApi)");
    return nullptr;
  }
  const PJRT_Api* api = get_api();
  if (api == nullptr) {
    *status = Status::Error(PJRT_Error_Code_INTERNAL, "GetPjrtApi() of " + path + " returned null");
    return nullptr;
  }
  auto* p = new Plugin();
  p->path = path;
  p->handle = handle;
  p->api = api;
  if (api->struct_size >= offsetof(PJRT_Api, pjrt_api_version) + sizeof(PJRT_Api_Version)) {
    p->major = api->pjrt_api_version.major_version;
    p->minor = api->pjrt_api_version.minor_version;
  }
  if (p->major != PJRT_API_MAJOR) {
    *status = Status::Error(
        PJRT_Error_Code_FAILED_PRECONDITION,
        "PJRT plugin " + path + " implements PJRT C API " + std::to_string(p->major) + "." +
            std::to_string(p->minor) + ", but xla-ts was built against " +
            std::to_string(PJRT_API_MAJOR) + "." + std::to_string(PJRT_API_MINOR) +
            " (the major versions differ); rebuild the addon against the plugin's pjrt_c_api.h "
            "(XLA_TS_PJRT_INCLUDE=<dir> npm run build:addon)");
    delete p;
    return nullptr;
  }
  p->pad = p->minor > PJRT_API_MINOR ? kStructPad : 0;
  // Testing aid: exercise the padded-struct path with a plugin that does not need it.
  if (const char* force = getenv("XLA_TS_PJRT_FORCE_PAD"); force != nullptr && force[0] == '1') p->pad = kStructPad;

  if (!PJRT_HAS(p, PJRT_Plugin_Initialize) || !PJRT_HAS(p, PJRT_Error_Destroy) ||
      !PJRT_HAS(p, PJRT_Client_Create)) {
    *status = Status::Error(PJRT_Error_Code_FAILED_PRECONDITION,
                            "PJRT plugin " + path + " lacks essential API functions");
    delete p;
    return nullptr;
  }
  PJRT_ARGS(p, PJRT_Plugin_Initialize_Args, init);
  Status st = Guarded("PJRT_Plugin_Initialize", [&]() { return p->Take(api->PJRT_Plugin_Initialize(&init)); });
  if (!st.ok()) {
    st.message = "PJRT_Plugin_Initialize of " + path + ": " + st.message;
    *status = st;
    delete p;
    return nullptr;
  }
  p->initialized = true;
  (*g_plugins)[path] = p;
  return p;
}

}  // namespace xla_ts
