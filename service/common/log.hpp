#pragma once
// patrond's log: one JSON object per line on a stream (journald keeps stdout). Callers pass only
// what may be logged — route patterns, statuses, ids of requests, names of API clients, error
// codes — never a HETU, name, card number, PIN or token (DESIGN.md §4).

#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string_view>

namespace patron::service {

/// A thread-safe JSON-lines writer. Each line gets "ts" (UTC, RFC 3339 with milliseconds) and
/// "kind" ("access" for one answered request, "app" for everything else).
class Log {
public:
    /// `out` must outlive the log.
    explicit Log(std::ostream& out) : out_(out) {}

    /// One answered request or SIP2 message; `fields` as the access log documents them.
    void access(nlohmann::json fields);
    /// An application event: `level` "info", "warning" or "error"; `message` a fixed text.
    void app(std::string_view level, std::string_view message, nlohmann::json fields = {});

private:
    void write(std::string_view kind, nlohmann::json fields);

    std::mutex mutex_;
    std::ostream& out_;
};

}  // namespace patron::service
