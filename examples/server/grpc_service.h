// The gRPC transport of shequn-server: checks each call's bearer token,
// then hands it to the Host. Statuses keep the Host's codes and messages.
#ifndef SHEQUN_EXAMPLES_SERVER_GRPC_SERVICE_H_
#define SHEQUN_EXAMPLES_SERVER_GRPC_SERVICE_H_

#include <memory>

#include "access.h"
#include "host.h"
#include "shequn/v1/service.grpc.pb.h"

namespace shequn::server {

// `host` and `access` must outlive the service.
std::unique_ptr<v1::Shequn::Service> MakeGrpcService(Host& host, const Access& access);

}  // namespace shequn::server

#endif  // SHEQUN_EXAMPLES_SERVER_GRPC_SERVICE_H_
