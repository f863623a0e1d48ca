// plugins/shared/undo_reference.hpp — the `backup` member of the output of every plugin that
// changes files through the write service: the job whose pre-images were kept, and the command
// that takes it back.
#pragma once

#include <runtimo/sdk.hpp>

#include <string>

namespace runtimo::shared {

inline boost::json::object undo_reference(const sdk::Job &job) {
  return boost::json::object{{"job", job.id()}, {"undo", "runtimo undo " + std::string(job.id())}};
}

}  // namespace runtimo::shared
