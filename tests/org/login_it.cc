// Log-in against a real MariaDB: tokens, failures that say nothing, and the
// throttle (per name and per address, atomic, cleaned, not a lock-out tool).
#include "tests/org/users_fixture.h"

namespace crm::org {
namespace {

using testing_users::kPassword;
using testing_users::kSecret;
using testing_users::UsersTest;

TEST_F(UsersTest, LoginIssuesATokenCarryingTheEmployeesDepartment) {
  const v1::Department d = NewDepartment("销售部");
  const v1::Employee e = NewEmployee("李雷", d.id());
  v1::User user = CreateUser("li.lei", {"sales"}, e.id());

  auto tokens = Login("  Li.Lei ");  // user names are trimmed and case-insensitive
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  auto identity =
      VerifyAccessToken(tokens->access_token(), *TokenSecret::FromString(kSecret), UnixNow());
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->subject(), "user:" + std::to_string(user.id()));
  EXPECT_EQ(identity->employee_id(), e.id());
  EXPECT_EQ(identity->department_path(), d.path());
  EXPECT_EQ(identity->display_name(), "李雷");
  ASSERT_EQ(identity->roles_size(), 1);
  EXPECT_EQ(identity->roles(0), "sales");
  EXPECT_FALSE(tokens->refresh_token().empty());
}

TEST_F(UsersTest, FailuresNeverSayWhetherTheUserExists) {
  CreateUser("han.meimei", {"sales"});
  absl::Status wrong_password = Login("han.meimei", "wrong-password").status();
  absl::Status unknown_user = Login("nobody.here", "wrong-password").status();
  EXPECT_EQ(wrong_password.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong_password, unknown_user);
}

TEST_F(UsersTest, RepeatedFailuresSlowDown) {
  AuthSettings settings;
  settings.login.name.slow_down_after = 2;
  settings.login.name.max_backoff = absl::Seconds(1);
  Build(settings);
  CreateUser("slow.user", {"sales"});
  EXPECT_FALSE(Login("slow.user", "bad-one").ok());
  EXPECT_FALSE(Login("slow.user", "bad-two").ok());
  // Even the right password is refused until the back-off has passed.
  EXPECT_EQ(Login("slow.user").status().code(), absl::StatusCode::kUnauthenticated);
  clock_.Advance(absl::Milliseconds(1100));
  EXPECT_TRUE(Login("slow.user").ok());
  EXPECT_TRUE(Login("slow.user").ok());  // success cleared the count
}

TEST_F(UsersTest, ManyFailuresLockTheNameForAWhile) {
  AuthSettings settings;
  settings.login.name.slow_down_after = 100;  // only the lock here
  settings.login.name.lock_after = 3;
  settings.login.name.lock_for = absl::Seconds(1);
  Build(settings);
  CreateUser("locked.user", {"sales"});
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(Login("locked.user", "bad").ok());
  EXPECT_EQ(Login("locked.user").status().code(), absl::StatusCode::kUnauthenticated);
  clock_.Advance(absl::Milliseconds(1100));
  EXPECT_TRUE(Login("locked.user").ok());
}

// Guesses made at the same moment take turns at the name's row: with a lock
// after 3 failures, eight racing wrong guesses check exactly three passwords
// (counted) and the other five are refused unchecked.
TEST_F(UsersTest, RacingGuessesCannotGetPastTheCount) {
  AuthSettings settings;
  settings.login.name.slow_down_after = 100;
  settings.login.name.lock_after = 3;
  settings.login.name.lock_for = absl::Minutes(5);
  Build(settings);
  CreateUser("raced.user", {"sales"});
  testing::Barrier start(8);
  std::vector<std::thread> guesses;
  for (int i = 0; i < 8; ++i) {
    guesses.emplace_back([&, i] {
      start.ArriveAndWait();
      EXPECT_FALSE(Login("raced.user", "guess-" + std::to_string(i)).ok());
    });
  }
  for (std::thread& t : guesses) t.join();
  EXPECT_EQ(Query("SELECT failures FROM login_throttle WHERE username = 'raced.user'"), "3");
  EXPECT_FALSE(Login("raced.user").ok());  // locked
}

// Password checks are bounded: with every place taken, a log-in is refused at
// once (RESOURCE_EXHAUSTED) without counting against the name.
TEST_F(UsersTest, LogInsPastThePasswordCheckLimitAreRefusedAtOnce) {
  CallLimit checks(1);
  AuthSettings settings;
  settings.password_checks = &checks;
  Build(settings);
  CreateUser("busy.user", {"sales"});
  ASSERT_TRUE(checks.TryEnter());  // another log-in is hashing
  EXPECT_EQ(Login("busy.user").status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM login_throttle WHERE username = 'busy.user'"), "0");
  checks.Leave();
  EXPECT_TRUE(Login("busy.user").ok());
  EXPECT_EQ(checks.in_flight(), 0);
}

// Someone who knows an administrator's name and fails from their own address
// until the name locks cannot keep the administrator out: from an address
// the administrator logged in from before, the right password still works.
// A new address waits out the lock.
TEST_F(UsersTest, FailuresFromElsewhereCannotLockTheOwnerOut) {
  CreateUser("boss.admin", {"administrator"});
  ASSERT_TRUE(Login("boss.admin", kPassword, "10.0.0.1").ok());  // the office
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(Login("boss.admin", "guess-" + std::to_string(i), "203.0.113.9").ok());
    clock_.Advance(absl::Seconds(31));  // past each back-off, so every guess counts
  }
  EXPECT_FALSE(Login("boss.admin", kPassword, "198.51.100.4").ok());  // locked elsewhere
  EXPECT_FALSE(Login("boss.admin", kPassword, "203.0.113.9").ok());
  EXPECT_TRUE(Login("boss.admin", kPassword, "10.0.0.1").ok());
}

// One address guessing across many names is slowed and then locked as a
// whole, even for a name it has not tried, and with the right password.
TEST_F(UsersTest, OneAddressGuessingManyNamesIsThrottledAcrossThem) {
  AuthSettings settings;
  settings.login.address.slow_down_after = 100;
  settings.login.address.lock_after = 5;
  Build(settings);
  CreateUser("next.victim", {"sales"});
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(Login("user" + std::to_string(i), "wrong", "203.0.113.9").ok());
  }
  EXPECT_FALSE(Login("next.victim", kPassword, "203.0.113.9").ok());
  EXPECT_TRUE(Login("next.victim", kPassword, "10.0.0.1").ok());  // others are not affected
  // Successes from an address are no failures: many log-ins from one office
  // never add up to a lock.
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(Login("next.victim", kPassword, "10.0.0.1").ok()) << i;
  EXPECT_EQ(Query("SELECT failures FROM login_throttle WHERE username = 'addr:10.0.0.1'"), "0");
  // The address's failures fade: after its lock and quiet time it may try again.
  clock_.Advance(absl::Minutes(16));
  EXPECT_TRUE(Login("next.victim", kPassword, "203.0.113.9").ok());
}

// Names idle for a day are forgotten as attempts go on: the table holds only
// recent attempts, not every name ever tried.
TEST_F(UsersTest, OldThrottleRowsAreForgotten) {
  const std::string two_days_ago = FormatSqlDateTime(clock_.Now() - absl::Hours(48));
  Exec("INSERT INTO login_throttle (username, failures, last_failed_at) VALUES ('gone.user', 2, '" +
       two_days_ago + "')");
  EXPECT_FALSE(Login("someone.else", "wrong").ok());
  EXPECT_EQ(Query("SELECT COUNT(*) FROM login_throttle WHERE username = 'gone.user'"), "0");
  EXPECT_EQ(Query("SELECT failures FROM login_throttle WHERE username = 'someone.else'"), "1");
}

}  // namespace
}  // namespace crm::org
