// Lifetime of the native cores: tracking of live buffers and executables per client, and the
// ordered shutdown at environment teardown and process exit (see ClientCore in addon.h).
#include <chrono>
#include <cstdlib>
#include <set>

#include "addon.h"

namespace xla_ts {

namespace {

// Every live client of the process (all environments), for the exit handler.
std::mutex g_clients_mu;
std::set<ClientCore*>* g_clients = new std::set<ClientCore*>();  // never freed: used at exit

void DestroyBuffer(const Plugin* plugin, PJRT_Buffer* b) {
  if (b == nullptr || !PJRT_HAS(plugin, PJRT_Buffer_Destroy)) return;
  PJRT_ARGS(plugin, PJRT_Buffer_Destroy_Args, a);
  a.buffer = b;
  PJRT_CALL(plugin, PJRT_Buffer_Destroy, a);
}

void DestroyExecutable(const Plugin* plugin, PJRT_LoadedExecutable* e) {
  if (e == nullptr || !PJRT_HAS(plugin, PJRT_LoadedExecutable_Destroy)) return;
  PJRT_ARGS(plugin, PJRT_LoadedExecutable_Destroy_Args, a);
  a.executable = e;
  PJRT_CALL(plugin, PJRT_LoadedExecutable_Destroy, a);
}

/** Blocks until the computation producing `b` has finished (successfully or not). */
void AwaitReady(const Plugin* plugin, PJRT_Buffer* b) {
  if (!PJRT_HAS(plugin, PJRT_Buffer_ReadyEvent) || !PJRT_HAS(plugin, PJRT_Event_Await)) return;
  PJRT_ARGS(plugin, PJRT_Buffer_ReadyEvent_Args, re);
  re.buffer = b;
  if (!PJRT_CALL(plugin, PJRT_Buffer_ReadyEvent, re).ok() || re.event == nullptr) return;
  PJRT_ARGS(plugin, PJRT_Event_Await_Args, aw);
  aw.event = re.event;
  PJRT_CALL(plugin, PJRT_Event_Await, aw);
  plugin->DestroyEvent(re.event);
}

void ShutdownAtExit() { ShutdownClients(nullptr); }

}  // namespace

// Process exit (process.exit, an uncaught exception, the end of the event loop): Node does
// not run environment cleanup hooks on process.exit, and plugin threads still running when
// exit() destroys the plugin's static objects crash. The JS side calls PrepareExit from
// process.on("exit"): it waits for the computations of live buffers and registers the
// shutdown as an atexit handler. Registered that late, the handler runs before the plugin's
// static destructors, including those of statics first used during execution (atexit
// handlers run in reverse order of registration).
void PrepareExit(AddonData* owner) {
  static std::once_flag once;
  std::call_once(once, [] { std::atexit(ShutdownAtExit); });
  std::vector<ClientCore*> todo;
  {
    std::lock_guard<std::mutex> lock(g_clients_mu);
    for (ClientCore* c : *g_clients)
      if (c->owner == owner) todo.push_back(c);
  }
  for (ClientCore* c : todo) {
    std::lock_guard<std::mutex> lock(c->mu);
    if (c->shut) continue;
    for (BufferCore* b = c->buffers; b != nullptr; b = b->next)
      if (b->buffer != nullptr) AwaitReady(c->plugin, b->buffer);
  }
}

ClientCore::ClientCore() {
  std::lock_guard<std::mutex> lock(g_clients_mu);
  g_clients->insert(this);
}

ClientCore::~ClientCore() {
  {
    std::lock_guard<std::mutex> lock(g_clients_mu);
    g_clients->erase(this);
  }
  if (client == nullptr || !PJRT_HAS(plugin, PJRT_Client_Destroy)) return;
  PJRT_ARGS(plugin, PJRT_Client_Destroy_Args, a);
  a.client = client;
  PJRT_CALL(plugin, PJRT_Client_Destroy, a);
  client = nullptr;
}

void ClientCore::Shutdown() {
  std::unique_lock<std::mutex> lock(mu);
  if (shut) return;
  shut = true;
  // A compile on a worker thread uses the client: wait for it (bounded; after that the
  // client is abandoned rather than destroyed under the compile's feet).
  bool idle_now = idle.wait_for(lock, std::chrono::seconds(60), [this] { return compiling == 0; });
  for (BufferCore* b = buffers; b != nullptr; b = b->next)
    if (b->buffer != nullptr) AwaitReady(plugin, b->buffer);
  for (BufferCore* b = buffers; b != nullptr; b = b->next) {
    DestroyBuffer(plugin, b->buffer);
    b->buffer = nullptr;
  }
  for (ExecutableCore* e = executables; e != nullptr; e = e->next) {
    DestroyExecutable(plugin, e->exe);
    e->exe = nullptr;
  }
  if (idle_now && client != nullptr && PJRT_HAS(plugin, PJRT_Client_Destroy)) {
    PJRT_ARGS(plugin, PJRT_Client_Destroy_Args, a);
    a.client = client;
    PJRT_CALL(plugin, PJRT_Client_Destroy, a);
  }
  client = nullptr;
}

void ShutdownClients(AddonData* owner) {
  std::vector<ClientCore*> todo;
  {
    std::lock_guard<std::mutex> lock(g_clients_mu);
    for (ClientCore* c : *g_clients)
      if (owner == nullptr || c->owner == owner) todo.push_back(c);
  }
  // Clients are only freed on their environment's thread; at teardown of that environment
  // (or at process exit) none is freed concurrently with this loop.
  for (ClientCore* c : todo) c->Shutdown();
}

BufferCore::BufferCore(std::shared_ptr<ClientCore> c, PJRT_Buffer* b) : client(std::move(c)), buffer(b) {
  std::lock_guard<std::mutex> lock(client->mu);
  if (client->shut) {
    // Made after shutdown (cannot happen from JS, which no longer runs): not tracked.
    DestroyBuffer(client->plugin, buffer);
    buffer = nullptr;
    return;
  }
  next = client->buffers;
  if (next != nullptr) next->prev = this;
  client->buffers = this;
}

BufferCore::~BufferCore() {
  std::lock_guard<std::mutex> lock(client->mu);
  if (client->shut) return;  // Shutdown destroyed the buffer (and the list with it)
  if (prev != nullptr) prev->next = next;
  else client->buffers = next;
  if (next != nullptr) next->prev = prev;
  DestroyBuffer(client->plugin, buffer);
  buffer = nullptr;
}

ExecutableCore::ExecutableCore(std::shared_ptr<ClientCore> c) : client(std::move(c)) {
  std::lock_guard<std::mutex> lock(client->mu);
  if (client->shut) return;  // not tracked (a compile that outlived the shutdown wait)
  tracked = true;
  next = client->executables;
  if (next != nullptr) next->prev = this;
  client->executables = this;
}

ExecutableCore::~ExecutableCore() {
  std::lock_guard<std::mutex> lock(client->mu);
  if (client->shut) return;
  if (tracked) {
    if (prev != nullptr) prev->next = next;
    else client->executables = next;
    if (next != nullptr) next->prev = prev;
  }
  DestroyExecutable(client->plugin, exe);
  exe = nullptr;
}

}  // namespace xla_ts
