// JWT encoding and verification with libjwt.
#include "common/auth/access_token.h"

#include <jwt.h>

#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/auth/permissions.h"
#include "common/base/request_id.h"

namespace crm {
namespace {

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

// jwt_get_grants_json gives the roles as a JSON array of plain names.
std::vector<std::string> ParseRoleArray(const char* json) {
  std::vector<std::string> roles;
  if (json == nullptr) return roles;
  for (absl::string_view part : absl::StrSplit(json, '"')) {
    if (!part.empty() && part.find_first_of("[],: ") == absl::string_view::npos) {
      roles.emplace_back(part);
    }
  }
  return roles;
}

absl::Status Invalid() { return absl::UnauthenticatedError("the access token is not valid"); }

}  // namespace

absl::StatusOr<TokenSecret> TokenSecret::FromString(std::string secret, std::string also_accepted) {
  if (secret.size() < 32 || (!also_accepted.empty() && also_accepted.size() < 32)) {
    return absl::InvalidArgumentError("a token secret must be at least 32 characters");
  }
  TokenSecret s;
  s.secret_ = std::move(secret);
  s.also_accepted_ = std::move(also_accepted);
  return s;
}

absl::StatusOr<std::string> IssueAccessToken(const common::v1::Identity& identity,
                                             const TokenSecret& secret, int64_t now_unix) {
  // libjwt takes C strings, and the roles go into JSON as they are: a NUL
  // would cut a claim short and a quote would add claims. Neither occurs in
  // what the org service holds; refuse rather than sign something else.
  for (const std::string* text :
       {&identity.subject(), &identity.display_name(), &identity.department_path()}) {
    if (text->find('\0') != std::string::npos) {
      return absl::InvalidArgumentError("a token claim cannot hold a NUL character");
    }
  }
  for (const std::string& role : identity.roles()) {
    if (!ParseRole(role).ok()) return absl::InvalidArgumentError("a token names an unknown role");
  }
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("cannot create a token");
  JwtPtr jwt(raw);
  std::string roles = "{\"roles\":[";
  for (int i = 0; i < identity.roles_size(); ++i) {
    absl::StrAppend(&roles, i == 0 ? "" : ",", "\"", identity.roles(i), "\"");
  }
  roles += "]}";
  if (jwt_add_grant(jwt.get(), "iss", "crm") != 0 ||
      jwt_add_grant(jwt.get(), "sub", identity.subject().c_str()) != 0 ||
      jwt_add_grant(jwt.get(), "jti", NewRequestId().c_str()) != 0 ||
      jwt_add_grant(jwt.get(), "name", identity.display_name().c_str()) != 0 ||
      jwt_add_grant(jwt.get(), "dpath", identity.department_path().c_str()) != 0 ||
      jwt_add_grant_int(jwt.get(), "uid", identity.user_id()) != 0 ||
      jwt_add_grant_int(jwt.get(), "eid", identity.employee_id()) != 0 ||
      jwt_add_grant_int(jwt.get(), "did", identity.department_id()) != 0 ||
      jwt_add_grant_int(jwt.get(), "ver", identity.token_version()) != 0 ||
      jwt_add_grant_int(jwt.get(), "iat", now_unix) != 0 ||
      jwt_add_grant_int(jwt.get(), "exp", identity.expires_at()) != 0 ||
      jwt_add_grants_json(jwt.get(), roles.c_str()) != 0 ||
      jwt_set_alg(jwt.get(), JWT_ALG_HS256,
                  reinterpret_cast<const unsigned char*>(secret.bytes().data()),
                  static_cast<int>(secret.bytes().size())) != 0) {
    return absl::InternalError("cannot build the token");
  }
  char* encoded = jwt_encode_str(jwt.get());
  if (encoded == nullptr) return absl::InternalError("cannot sign the token");
  std::string token(encoded);
  free(encoded);
  return token;
}

absl::StatusOr<common::v1::Identity> VerifyAccessToken(absl::string_view token,
                                                       const TokenSecret& secret,
                                                       int64_t now_unix) {
  if (token.empty() || token.size() > 4096 || secret.bytes().empty()) return Invalid();
  jwt_t* raw = nullptr;
  const std::string text(token);
  const auto decode = [&](const std::string& key) {
    return jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(key.data()),
                      static_cast<int>(key.size())) == 0;
  };
  if (!decode(secret.bytes()) &&
      (secret.also_accepted().empty() || !decode(secret.also_accepted()))) {
    return Invalid();
  }
  JwtPtr jwt(raw);
  // The algorithm comes from the token itself: accept exactly the one we sign with.
  if (jwt_get_alg(jwt.get()) != JWT_ALG_HS256) return Invalid();
  const char* issuer = jwt_get_grant(jwt.get(), "iss");
  const char* subject = jwt_get_grant(jwt.get(), "sub");
  if (issuer == nullptr || std::string(issuer) != "crm" || subject == nullptr) return Invalid();
  const long expires = jwt_get_grant_int(jwt.get(), "exp");
  if (expires <= 0) return Invalid();
  if (expires <= now_unix) return absl::UnauthenticatedError("the access token has expired");
  common::v1::Identity identity;
  identity.set_subject(subject);
  identity.set_user_id(jwt_get_grant_int(jwt.get(), "uid"));
  identity.set_employee_id(jwt_get_grant_int(jwt.get(), "eid"));
  identity.set_department_id(jwt_get_grant_int(jwt.get(), "did"));
  identity.set_token_version(jwt_get_grant_int(jwt.get(), "ver"));
  if (const char* path = jwt_get_grant(jwt.get(), "dpath")) identity.set_department_path(path);
  if (const char* name = jwt_get_grant(jwt.get(), "name")) identity.set_display_name(name);
  identity.set_expires_at(expires);
  char* roles = jwt_get_grants_json(jwt.get(), "roles");
  for (std::string& role : ParseRoleArray(roles)) identity.add_roles(std::move(role));
  free(roles);
  return identity;
}

}  // namespace crm
