#pragma once
// The libpatron services one patrond process works with, built once and shared by its HTTP and
// SIP2 endpoints (each service is thread-safe).

#include "patron/circulation/circulation.hpp"
#include "patron/circulation/loan_history.hpp"
#include "patron/circulation/message_outbox.hpp"
#include "patron/clients/api_clients.hpp"
#include "patron/clients/web_sessions.hpp"
#include "patron/config.hpp"
#include "patron/context.hpp"
#include "patron/kiosk/kiosk_verifier.hpp"
#include "patron/pin/pin_service.hpp"
#include "patron/register/register.hpp"

namespace patron::service {

struct Services {
    /// `context` and `config` must outlive the services.
    Services(const Context& in_context, const Config& in_config)
        : context(in_context),
          config(in_config),
          patrons(context),
          pins(context, config.pin),
          circulation(context, config.circulation),
          loan_history(context),
          messages(context, config.circulation),
          kiosk(context, config.pin, config.kiosk, config.circulation),
          clients(context),
          sessions(context, kiosk, config.http.session_lifetime) {}

    const Context& context;
    const Config& config;
    Register patrons;
    PinService pins;
    Circulation circulation;
    LoanHistory loan_history;
    MessageOutbox messages;
    KioskVerifier kiosk;
    ApiClients clients;
    WebSessions sessions;
};

}  // namespace patron::service
