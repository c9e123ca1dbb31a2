// What every store does with the audit log, and what the log answers: one suite, run over the
// PostgreSQL stores and the in-memory ones.
#ifndef ZHIYUAN_TESTS_STORAGE_AUDIT_LOG_CONTRACT_H_
#define ZHIYUAN_TESTS_STORAGE_AUDIT_LOG_CONTRACT_H_

#include <gtest/gtest.h>

#include <memory>

#include "storage/audit_log.h"
#include "storage/practice_unit_store.h"
#include "storage/region_store.h"
#include "storage/team_member_store.h"
#include "storage/team_store.h"
#include "storage/token_store.h"
#include "storage/volunteer_store.h"

namespace zhiyuan::storage {

// Empty stores that append to `log`, and whatever keeps them alive.
struct AuditedStoresUnderTest {
  std::shared_ptr<void> owner;
  AuditLog* log;
  RegionStore* regions;
  PracticeUnitStore* units;
  VolunteerStore* volunteers;
  TeamStore* teams;
  TeamMemberStore* members;
  TokenStore* tokens;
};

using AuditedStoresFactory = AuditedStoresUnderTest (*)();

class AuditLogContractTest : public ::testing::TestWithParam<AuditedStoresFactory> {
 protected:
  void SetUp() override;

  AuditedStoresUnderTest stores_;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_TESTS_STORAGE_AUDIT_LOG_CONTRACT_H_
