// Audit entries for tests that call stores directly.
#ifndef ZHIYUAN_TESTS_TESTING_AUDIT_H_
#define ZHIYUAN_TESTS_TESTING_AUDIT_H_

#include "storage/audit_log.h"
#include "tests/testing/audit.h"

namespace zhiyuan::testing {

// The entry of a change a test makes: no caller token, method "test".
inline storage::AuditEntry TestAudit() {
  storage::AuditEntry entry;
  entry.method = "test";
  entry.peer = "test";
  return entry;
}

}  // namespace zhiyuan::testing

#endif  // ZHIYUAN_TESTS_TESTING_AUDIT_H_
