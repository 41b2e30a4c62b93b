#include "common/log.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>

namespace patron::service {

void Log::access(nlohmann::json fields) { write("access", std::move(fields)); }

void Log::app(std::string_view level, std::string_view message, nlohmann::json fields) {
    if (!fields.is_object()) fields = nlohmann::json::object();
    fields["level"] = level;
    fields["message"] = message;
    write("app", std::move(fields));
}

void Log::write(std::string_view kind, nlohmann::json fields) {
    const auto now = std::chrono::system_clock::now();
    const auto seconds = std::chrono::floor<std::chrono::seconds>(now);
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now - seconds);
    nlohmann::json line = nlohmann::json::object();
    line["ts"] = fmt::format("{:%FT%T}.{:03}Z", seconds, millis.count());
    line["kind"] = kind;
    if (fields.is_object()) line.update(fields);
    // Replace rather than throw on invalid UTF-8: a log line must never take the request down.
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::lock_guard lock(mutex_);
    out_ << text << '\n' << std::flush;
}

}  // namespace patron::service
