#include "events.h"

#include <cstdio>

#include "addon.h"

namespace xla_ts {

struct Pending {
  std::shared_ptr<HubCore> core;
  EventHub* hub;  // main-thread object; valid until the environment is torn down
  const Plugin* plugin;
  PJRT_Event* event;
  std::unique_ptr<Completion> op;
  Status status;
};

namespace {

// Runs on a plugin thread (or inline, when the event is already complete).
void OnReady(PJRT_Error* error, void* user_arg) {
  auto* p = static_cast<Pending*>(user_arg);
  p->status = p->plugin->Take(error);
  std::lock_guard<std::mutex> lock(p->core->mu);
  if (p->core->closed) return;  // environment gone: drop (leak) the operation
  if (p->core->tsfn.NonBlockingCall(p) != napi_ok) {
    // Queue closing: the environment is shutting down. Nothing safe to do but leak.
  }
}

}  // namespace

void CallJs(Napi::Env env, Napi::Function, std::nullptr_t*, Pending* p) {
  if (env == nullptr || p == nullptr) return;  // teardown: leak rather than touch a dead env
  std::unique_ptr<Pending> owned(p);
  owned->plugin->DestroyEvent(owned->event);
  owned->event = nullptr;
  EventHub* hub = owned->hub;
  try {
    owned->op->Complete(env, owned->status);
  } catch (const Napi::Error& e) {
    // Completing resolves or rejects a Promise; nothing else can throw. Report, don't crash.
    fprintf(stderr, "xla-ts: error while completing a PJRT event: %s\n", e.Message().c_str());
  } catch (const std::exception& e) {
    fprintf(stderr, "xla-ts: error while completing a PJRT event: %s\n", e.what());
  }
  owned.reset();
  hub->Finished(env);
}

EventHub::EventHub(Napi::Env env) : core_(std::make_shared<HubCore>()) {
  core_->tsfn = EventTsfn::New(env, "xla-ts:pjrt-events", 0, 1);
  core_->tsfn.Unref(env);
}

void EventHub::Watch(Napi::Env env, const Plugin* plugin, PJRT_Event* event, std::unique_ptr<Completion> op) {
  if (event == nullptr) {
    op->Complete(env, Status::Ok());
    return;
  }
  // Fast path: already complete.
  if (PJRT_HAS(plugin, PJRT_Event_IsReady) && PJRT_HAS(plugin, PJRT_Event_Error)) {
    PJRT_ARGS(plugin, PJRT_Event_IsReady_Args, r);
    r.event = event;
    Status st = PJRT_CALL(plugin, PJRT_Event_IsReady, r);
    if (st.ok() && r.is_ready) {
      PJRT_ARGS(plugin, PJRT_Event_Error_Args, e);
      e.event = event;
      Status result = PJRT_CALL(plugin, PJRT_Event_Error, e);
      plugin->DestroyEvent(event);
      op->Complete(env, result);
      return;
    }
  }
  if (!PJRT_HAS(plugin, PJRT_Event_OnReady)) {
    // No callback support: wait here (blocks, but stays correct).
    PJRT_ARGS(plugin, PJRT_Event_Await_Args, w);
    w.event = event;
    Status st = PJRT_CALL(plugin, PJRT_Event_Await, w);
    plugin->DestroyEvent(event);
    op->Complete(env, st);
    return;
  }
  auto* p = new Pending{core_, this, plugin, event, std::move(op), Status::Ok()};
  if (pending_++ == 0) core_->tsfn.Ref(env);
  PJRT_ARGS(plugin, PJRT_Event_OnReady_Args, a);
  a.event = event;
  a.callback = &OnReady;
  a.user_arg = p;
  Status st = PJRT_CALL(plugin, PJRT_Event_OnReady, a);
  if (!st.ok()) {
    // The callback was not registered: complete now with the error.
    std::unique_ptr<Pending> owned(p);
    plugin->DestroyEvent(event);
    st.message = "PJRT_Event_OnReady: " + st.message;
    owned->op->Complete(env, st);
    owned.reset();
    Finished(env);
  }
}

void EventHub::Finished(Napi::Env env) {
  if (pending_ > 0 && --pending_ == 0) core_->tsfn.Unref(env);
}

void EventHub::Close() {
  std::lock_guard<std::mutex> lock(core_->mu);
  if (core_->closed) return;
  core_->closed = true;
  core_->tsfn.Abort();
}

}  // namespace xla_ts
