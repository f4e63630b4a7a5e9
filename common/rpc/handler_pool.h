// The threads unary handlers run on, apart from the completion-queue
// threads. Each queue keeps one accept per method posted; a handler run on
// its queue's thread (blocking on the database or on another service) held
// up every call gRPC had matched to that queue's accepts meanwhile, even
// with other threads idle. Handed here, the queue threads only accept and
// finish, and a call waits only for a free handler thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace crm {

class HandlerPool {
 public:
  explicit HandlerPool(int threads);
  // Runs what was posted, then joins: the calls handed here must finish
  // before the completion queues stop (the server is shut down first).
  ~HandlerPool();
  HandlerPool(const HandlerPool&) = delete;
  HandlerPool& operator=(const HandlerPool&) = delete;

  void Post(std::function<void()> task);

 private:
  void Work();

  std::mutex mu_;
  std::condition_variable posted_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace crm
