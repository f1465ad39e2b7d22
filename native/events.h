// Completion of PJRT events on the JS main thread.
//
// One Napi::ThreadSafeFunction per environment carries every completed PJRT event (registered
// with PJRT_Event_OnReady, fired on a plugin thread) back to the main thread, where the pending
// operation resolves or rejects its Promise. The function is ref'd only while at least one
// operation is pending, so an idle process can exit. Events that are already complete when
// they are registered are resolved at once, without a trip through the queue.
#pragma once

#include <napi.h>

#include <memory>
#include <mutex>

#include "pjrt.h"

namespace xla_ts {

/** An asynchronous operation waiting for a PJRT event. Completed on the main thread. */
struct Completion {
  virtual ~Completion() = default;
  /** Called on the main thread with `status` set from the event. */
  virtual void Complete(Napi::Env env, const Status& status) = 0;
};

struct Pending;
void CallJs(Napi::Env env, Napi::Function, std::nullptr_t*, Pending* p);
using EventTsfn = Napi::TypedThreadSafeFunction<std::nullptr_t, Pending, CallJs>;

struct HubCore {
  std::mutex mu;
  bool closed = false;  // set at environment teardown; later events are dropped
  EventTsfn tsfn;
};

class EventHub {
 public:
  explicit EventHub(Napi::Env env);
  /** Takes ownership of `event` (destroyed after completion) and `op`. Main thread only. */
  void Watch(Napi::Env env, const Plugin* plugin, PJRT_Event* event, std::unique_ptr<Completion> op);
  void Finished(Napi::Env env);  // one pending operation less (main thread)
  void Close();                  // environment teardown
  size_t pending() const { return pending_; }

 private:
  std::shared_ptr<HubCore> core_;
  size_t pending_ = 0;
};

}  // namespace xla_ts
