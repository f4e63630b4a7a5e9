#!/usr/bin/python3
"""Reflection-only end-to-end check of the CRM customer slice.

This script plays "a client that never saw this repo's code": it does not
import or read anything from the repo's proto/ directory.  Everything it knows
about the CRM API is discovered at runtime through gRPC server reflection
against a running gateway; message classes are built from the reflected
FileDescriptorProtos.  Only the standard reflection and health protos that
ship with the system (/usr/share/grpc-proto) are compiled, into a temporary
directory, with protoc.

It checks: service listing, idempotent create (request_id), get, update with
field mask and etag (plus stale-etag ABORTED), INVALID_ARGUMENT on an empty
name, list pagination by region, delete then NOT_FOUND, and health.

Usage (needs Debian's python with python3-grpcio and python3-protobuf):
    /usr/bin/python3 tests/e2e/reflection_client.py --target 127.0.0.1:50151

Prints one "ok: ..." line per step; exits 0 when all pass, 1 on any failure.
"""

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import uuid

import grpc
from google.protobuf import descriptor_pb2
from google.protobuf import descriptor_pool
from google.protobuf import message_factory

SYSTEM_PROTO_ROOT = "/usr/share/grpc-proto"
REFLECTION_PROTOS = {
    # package -> proto path under SYSTEM_PROTO_ROOT; v1 is tried first.
    "grpc.reflection.v1": "grpc/reflection/v1/reflection.proto",
    "grpc.reflection.v1alpha": "grpc/reflection/v1alpha/reflection.proto",
}
HEALTH_PROTO = "grpc/health/v1/health.proto"

CRM_SERVICES = [
    "crm.customer.v1.CustomerService",
    "crm.sales.v1.SalesService",
    "crm.feedback.v1.FeedbackService",
    "crm.org.v1.OrgService",
    "crm.reporting.v1.ReportingService",
]
CUSTOMER_SERVICE = "crm.customer.v1.CustomerService"
ORG_SERVICE = "crm.org.v1.OrgService"
MAX_PAGES = 10000


class CheckFailed(Exception):
    """A step's expectation was not met."""


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def ok(message):
    print("ok: " + message, flush=True)


# --------------------------------------------------------------------------
# Standard protos (reflection, health) compiled at runtime.
# --------------------------------------------------------------------------

def load_module_from_file(name, path):
    """Import a generated *_pb2.py by file path.

    The generated modules live under a 'grpc/' directory, which would shadow
    (or be shadowed by) the grpcio package if put on sys.path, so they are
    loaded directly under a private module name instead.
    """
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compile_standard_protos(out_dir):
    """Run protoc on the system reflection/health protos; return pb2 modules."""
    sources = list(REFLECTION_PROTOS.values()) + [HEALTH_PROTO]
    cmd = ["protoc", "-I", SYSTEM_PROTO_ROOT, "--python_out=" + out_dir] + sources
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise CheckFailed("protoc failed: " + result.stderr.strip())

    def pb2_path(proto):
        return os.path.join(out_dir, proto[: -len(".proto")] + "_pb2.py")

    reflection = {
        package: load_module_from_file(
            "_std_" + package.replace(".", "_") + "_pb2", pb2_path(proto))
        for package, proto in REFLECTION_PROTOS.items()
    }
    health = load_module_from_file("_std_grpc_health_v1_pb2", pb2_path(HEALTH_PROTO))
    return reflection, health


# --------------------------------------------------------------------------
# Reflection client and dynamic message classes.
# --------------------------------------------------------------------------

class Reflection:
    """Minimal server-reflection client (v1, falling back to v1alpha)."""

    def __init__(self, channel, reflection_modules, timeout):
        self._channel = channel
        self._modules = reflection_modules
        self._timeout = timeout
        self._package = None  # chosen on first successful call

    def _call_with(self, package, **request_fields):
        pb2 = self._modules[package]
        method = self._channel.stream_stream(
            "/%s.ServerReflection/ServerReflectionInfo" % package,
            request_serializer=pb2.ServerReflectionRequest.SerializeToString,
            response_deserializer=pb2.ServerReflectionResponse.FromString,
        )
        request = pb2.ServerReflectionRequest(**request_fields)
        # One request per stream keeps it simple: the server never omits
        # files it believes were "already sent" on this stream.
        responses = list(method(iter([request]), timeout=self._timeout))
        check(len(responses) == 1,
              "reflection: expected 1 response, got %d" % len(responses))
        response = responses[0]
        if response.WhichOneof("message_response") == "error_response":
            err = response.error_response
            raise CheckFailed("reflection error %d: %s"
                              % (err.error_code, err.error_message))
        return response

    def call(self, **request_fields):
        if self._package is not None:
            return self._call_with(self._package, **request_fields)
        last_error = None
        for package in REFLECTION_PROTOS:
            try:
                response = self._call_with(package, **request_fields)
            except grpc.RpcError as e:
                if e.code() == grpc.StatusCode.UNIMPLEMENTED:
                    last_error = e
                    continue
                raise
            self._package = package
            return response
        raise last_error

    def list_services(self):
        response = self.call(list_services="*")
        return [s.name for s in response.list_services_response.service]

    def files_containing_symbol(self, symbol):
        response = self.call(file_containing_symbol=symbol)
        return self._parse_files(response)

    def files_by_name(self, filename):
        response = self.call(file_by_filename=filename)
        return self._parse_files(response)

    @staticmethod
    def _parse_files(response):
        files = {}
        for raw in response.file_descriptor_response.file_descriptor_proto:
            fdp = descriptor_pb2.FileDescriptorProto.FromString(raw)
            files[fdp.name] = fdp
        return files


def build_pool(reflection, symbol):
    """Fetch the file defining `symbol` plus all its dependencies into a pool."""
    files = reflection.files_containing_symbol(symbol)
    # Fetch any dependency the server did not include in the answer.
    pending = [d for f in list(files.values()) for d in f.dependency]
    while pending:
        name = pending.pop()
        if name in files:
            continue
        fetched = reflection.files_by_name(name)
        check(name in fetched, "reflection did not return file %s" % name)
        for fname, fdp in fetched.items():
            if fname not in files:
                files[fname] = fdp
                pending.extend(fdp.dependency)

    pool = descriptor_pool.DescriptorPool()
    added = set()

    def add(name):
        if name in added:
            return
        for dep in files[name].dependency:
            add(dep)
        pool.Add(files[name])
        added.add(name)

    for name in sorted(files):
        add(name)
    return pool


class Api:
    """Reflection-derived view of one service: classes and unary callables."""

    def __init__(self, channel, pool, service_name, timeout, metadata=()):
        self.service = pool.FindServiceByName(service_name)
        self._factory = message_factory.MessageFactory(pool)
        self._pool = pool
        self._channel = channel
        self._timeout = timeout
        self.metadata = tuple(metadata)

    def message_class(self, full_name):
        return self._factory.GetPrototype(self._pool.FindMessageTypeByName(full_name))

    def request(self, method_name):
        """A fresh, empty request message for `method_name`."""
        method = self.service.methods_by_name[method_name]
        return self._factory.GetPrototype(method.input_type)()

    def call(self, method_name, request):
        method = self.service.methods_by_name[method_name]
        response_class = self._factory.GetPrototype(method.output_type)
        stub = self._channel.unary_unary(
            "/%s/%s" % (self.service.full_name, method_name),
            request_serializer=lambda m: m.SerializeToString(),
            response_deserializer=response_class.FromString,
        )
        return stub(request, timeout=self._timeout, metadata=self.metadata)


def set_enum(message, field_name, value_name):
    """Set an enum field by its value *name*, using the enum descriptor."""
    field = message.DESCRIPTOR.fields_by_name[field_name]
    check(field.enum_type is not None, "%s is not an enum field" % field_name)
    values = field.enum_type.values_by_name
    check(value_name in values,
          "enum %s has no value %s" % (field.enum_type.full_name, value_name))
    setattr(message, field_name, values[value_name].number)


def expect_rpc_error(code, fn, what):
    """Run fn(); it must raise grpc.RpcError with `code`. Returns the error."""
    try:
        result = fn()
    except grpc.RpcError as e:
        check(e.code() == code,
              "%s: expected %s, got %s (%s)" % (what, code.name, e.code().name, e.details()))
        return e
    raise CheckFailed("%s: expected %s, but the call succeeded: %r"
                      % (what, code.name, result))


# --------------------------------------------------------------------------
# Steps.
# --------------------------------------------------------------------------

def step_list_services(reflection):
    """1. Reflection lists the five CRM services."""
    services = reflection.list_services()
    missing = [s for s in CRM_SERVICES if s not in services]
    check(not missing, "services missing from reflection: %s (listed: %s)"
          % (missing, services))
    ok("reflection lists %d services including all %d CRM services"
       % (len(services), len(CRM_SERVICES)))


def step_login(channel, reflection, timeout, username, password):
    """Log in through OrgService.Login (found by reflection); the bearer metadata."""
    if not username:
        return ()
    org = Api(channel, build_pool(reflection, ORG_SERVICE), ORG_SERVICE, timeout)
    request = org.request("Login")
    request.username = username
    request.password = password
    response = org.call("Login", request)
    check(response.access_token, "Login returned no access token")
    ok("logged in as %s" % username)
    return (("authorization", "Bearer " + response.access_token),)


def step_resolve_customer_service(channel, reflection, timeout, metadata):
    """2. Resolve CustomerService and build message classes from reflection."""
    pool = build_pool(reflection, CUSTOMER_SERVICE)
    api = Api(channel, pool, CUSTOMER_SERVICE, timeout, metadata)
    expected = ["CreateCustomer", "GetCustomer", "UpdateCustomer",
                "DeleteCustomer", "ListCustomers"]
    missing = [m for m in expected if m not in api.service.methods_by_name]
    check(not missing, "CustomerService lacks methods %s" % missing)
    ok("resolved %s (%d methods) from %s"
       % (CUSTOMER_SERVICE, len(api.service.methods), api.service.file.name))
    return api


def new_create_request(api, name, request_id):
    request = api.request("CreateCustomer")
    customer = request.customer
    customer.name = name
    customer.region_code = "east"
    customer.city = "上海"
    customer.address = "上海市浦东新区测试路1号"
    customer.email = "e2e-%s@example.com" % uuid.uuid4().hex[:8]
    set_enum(customer, "status", "CUSTOMER_STATUS_SIGNED")
    request.request_id = request_id
    return request


def step_create_idempotent(api):
    """3. Create a customer, then replay the same request_id: same id back."""
    name = "华东测试电气有限公司-" + uuid.uuid4().hex[:12]
    request_id = str(uuid.uuid4())
    created = api.call("CreateCustomer", new_create_request(api, name, request_id))
    check(created.id, "CreateCustomer returned an empty id")
    check(created.etag, "CreateCustomer returned an empty etag")
    replay = api.call("CreateCustomer", new_create_request(api, name, request_id))
    check(replay.id == created.id,
          "replayed request_id gave id %r, first create gave %r" % (replay.id, created.id))
    ok("created customer %s (%s); replay with same request_id returned same id"
       % (created.id, name))
    return created


def step_get(api, created):
    """4. GetCustomer round-trips the (Chinese) name exactly."""
    request = api.request("GetCustomer")
    request.id = created.id
    got = api.call("GetCustomer", request)
    check(got.id == created.id, "GetCustomer returned id %r" % got.id)
    check(got.name == created.name,
          "name did not round-trip: sent %r, got %r" % (created.name, got.name))
    check(got.region_code == "east" and got.city == "上海",
          "region/city did not round-trip: %r/%r" % (got.region_code, got.city))
    ok("GetCustomer returned name %s unchanged" % got.name)


def step_update(api, created):
    """5. Update phone with a field mask and etag; stale etag -> ABORTED."""
    new_phone = "021-%08d" % (uuid.uuid4().int % 10**8)
    request = api.request("UpdateCustomer")
    request.customer.id = created.id
    request.customer.etag = created.etag
    request.customer.phone = new_phone
    request.update_mask.paths.append("phone")
    updated = api.call("UpdateCustomer", request)
    check(updated.phone == new_phone,
          "phone not updated: expected %r, got %r" % (new_phone, updated.phone))
    check(updated.etag and updated.etag != created.etag,
          "etag did not change on update (before %r, after %r)"
          % (created.etag, updated.etag))
    check(updated.name == created.name,
          "field outside the mask changed: name %r -> %r" % (created.name, updated.name))

    stale = api.request("UpdateCustomer")
    stale.customer.id = created.id
    stale.customer.etag = created.etag  # the pre-update etag
    stale.customer.phone = "021-00000000"
    stale.update_mask.paths.append("phone")
    error = expect_rpc_error(grpc.StatusCode.ABORTED,
                             lambda: api.call("UpdateCustomer", stale),
                             "UpdateCustomer with stale etag")
    ok("UpdateCustomer changed phone to %s and etag; stale etag gave ABORTED" % new_phone)
    return updated, error


def step_error_details(reflection, error):
    """5b. The ABORTED answer's details decode with types found by reflection."""
    trailers = dict(error.trailing_metadata() or ())
    raw = trailers.get("grpc-status-details-bin")
    check(raw is not None, "the ABORTED answer carries no grpc-status-details-bin")
    pool = build_pool(reflection, "google.rpc.ErrorInfo")
    factory = message_factory.MessageFactory(pool)
    status_pool = build_pool(reflection, "google.rpc.Status")
    status_class = message_factory.MessageFactory(status_pool).GetPrototype(
        status_pool.FindMessageTypeByName("google.rpc.Status"))
    status = status_class.FromString(raw)
    reasons = []
    for detail in status.details:
        name = detail.type_url.split("/")[-1]
        detail_class = factory.GetPrototype(pool.FindMessageTypeByName(name))
        decoded = detail_class.FromString(detail.value)
        if name == "google.rpc.ErrorInfo":
            reasons.append(decoded.reason)
            check(decoded.metadata.get("current_etag"),
                  "ErrorInfo names no current_etag: %r" % decoded)
    check(reasons == ["STALE_ETAG"], "expected one ErrorInfo STALE_ETAG, got %r" % reasons)
    ok("the stale etag's details decode through reflection: ErrorInfo %s" % reasons[0])


def step_invalid_argument(api):
    """6. CreateCustomer with an empty name -> INVALID_ARGUMENT naming the field."""
    request = new_create_request(api, "", str(uuid.uuid4()))
    error = expect_rpc_error(grpc.StatusCode.INVALID_ARGUMENT,
                             lambda: api.call("CreateCustomer", request),
                             "CreateCustomer with empty name")
    details = error.details() or ""
    check("customer.name" in details,
          "INVALID_ARGUMENT details do not mention customer.name: %r" % details)
    ok("empty name gave INVALID_ARGUMENT: %s" % details)


def step_list(api, created):
    """7. ListCustomers(region east, page_size 1) pages through to our customer."""
    found = False
    total_size = None
    page_token = ""
    pages = 0
    while pages < MAX_PAGES:
        request = api.request("ListCustomers")
        request.region_code = "east"
        request.page_size = 1
        request.page_token = page_token
        response = api.call("ListCustomers", request)
        pages += 1
        check(len(response.customers) <= 1,
              "page_size 1 returned %d customers" % len(response.customers))
        for customer in response.customers:
            check(customer.region_code == "east",
                  "region filter leaked customer %s in region %r"
                  % (customer.id, customer.region_code))
            if customer.id == created.id:
                found = True
        if pages == 1:
            total_size = response.total_size
            check(total_size >= 1, "total_size is %d, expected >= 1" % total_size)
        if found or not response.next_page_token:
            break
        page_token = response.next_page_token
    check(found, "created customer %s not found after walking %d page(s)"
          % (created.id, pages))
    ok("ListCustomers(east, page_size=1): total_size=%d, found customer on page %d"
       % (total_size, pages))


def step_delete(api, current):
    """8. DeleteCustomer, then GetCustomer -> NOT_FOUND."""
    request = api.request("DeleteCustomer")
    request.id = current.id
    request.etag = current.etag
    api.call("DeleteCustomer", request)
    get = api.request("GetCustomer")
    get.id = current.id
    expect_rpc_error(grpc.StatusCode.NOT_FOUND,
                     lambda: api.call("GetCustomer", get),
                     "GetCustomer after delete")
    ok("deleted customer %s; GetCustomer now gives NOT_FOUND" % current.id)


def step_health(channel, health_pb2, timeout):
    """9. grpc.health.v1.Health/Check reports the customer service SERVING."""
    check_method = channel.unary_unary(
        "/grpc.health.v1.Health/Check",
        request_serializer=health_pb2.HealthCheckRequest.SerializeToString,
        response_deserializer=health_pb2.HealthCheckResponse.FromString,
    )
    response = check_method(health_pb2.HealthCheckRequest(service=CUSTOMER_SERVICE),
                            timeout=timeout)
    status_name = health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)
    check(status_name == "SERVING",
          "health of %s is %s, expected SERVING" % (CUSTOMER_SERVICE, status_name))
    ok("health check: %s is SERVING" % CUSTOMER_SERVICE)


# --------------------------------------------------------------------------

def run(target, timeout, username, password):
    with tempfile.TemporaryDirectory(prefix="crm-reflection-") as tmp:
        reflection_modules, health_pb2 = compile_standard_protos(tmp)
        with grpc.insecure_channel(target) as channel:
            try:
                grpc.channel_ready_future(channel).result(timeout=timeout)
            except grpc.FutureTimeoutError:
                raise CheckFailed("cannot connect to %s within %gs" % (target, timeout))
            reflection = Reflection(channel, reflection_modules, timeout)
            step_list_services(reflection)
            metadata = step_login(channel, reflection, timeout, username, password)
            api = step_resolve_customer_service(channel, reflection, timeout, metadata)
            created = step_create_idempotent(api)
            step_get(api, created)
            updated, stale_error = step_update(api, created)
            step_error_details(reflection, stale_error)
            step_invalid_argument(api)
            step_list(api, created)
            step_delete(api, updated)
            step_health(channel, health_pb2, timeout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="gateway host:port")
    parser.add_argument("--timeout", type=float, default=10.0,
                        help="per-call timeout in seconds (default 10)")
    parser.add_argument("--username", default="", help="log in as this user first")
    parser.add_argument("--password", default="", help="the user's password")
    args = parser.parse_args()
    try:
        run(args.target, args.timeout, args.username, args.password)
    except CheckFailed as e:
        print("FAIL: %s" % e, file=sys.stderr)
        return 1
    except grpc.RpcError as e:
        print("FAIL: unexpected RPC error %s: %s" % (e.code().name, e.details()),
              file=sys.stderr)
        return 1
    print("all checks passed against %s" % args.target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
