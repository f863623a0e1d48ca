// embed_host.cpp — a host program embedding Runtimo: open a Runtime, list its capabilities,
// run jobs from several threads at once, and read the outcome back from the journal.
//
//   runtimo_embed_example [FILE]     (FILE defaults to /etc/hostname)
#include <runtimo/runtime.hpp>

#include <boost/json.hpp>

#include <iostream>
#include <thread>
#include <vector>

int main(int argc, char **argv) {
  const std::string file = argc > 1 ? argv[1] : "/etc/hostname";
  std::unique_ptr<runtimo::Runtime> rt;
  try {
    rt = runtimo::Runtime::open();  // home and config from the environment, like the CLI
  } catch (const runtimo::RuntimeError &e) {
    std::cerr << "cannot open Runtimo: " << e.what() << "\n  hint: " << e.hint() << "\n";
    return e.exit_code();
  }

  std::cout << "capabilities:";
  for (const auto &c : rt->list()) std::cout << " " << c.name;
  std::cout << "\n";

  // One Runtime, four threads, one job each.
  const std::string args = boost::json::serialize(boost::json::object{{"path", file}, {"max_bytes", 64}});
  std::vector<runtimo::JobResult> results(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < results.size(); ++i)
    threads.emplace_back([&, i] { results[i] = rt->run("FileRead", args); });
  for (auto &t : threads) t.join();

  int worst = 0;
  for (const auto &r : results) {
    std::cout << r.job_id << " " << runtimo::to_string(r.status) << " " << r.message << "\n";
    worst = std::max(worst, r.exit_code());
  }
  // The journal is the source of truth: ask it about the first job.
  if (const auto s = rt->job_status(results.front().job_id))
    std::cout << "journal says job " << s->job_id << " is " << s->state << " after "
              << s->events.size() << " events\n";
  return worst;
}
