// The behaviour every EventStore has: one suite, run over each implementation.
#ifndef ZHIYUAN_TESTS_STORAGE_EVENT_STORE_CONTRACT_H_
#define ZHIYUAN_TESTS_STORAGE_EVENT_STORE_CONTRACT_H_

#include <gtest/gtest.h>

#include <memory>

#include "storage/audit_log.h"
#include "storage/event_store.h"
#include "storage/post_store.h"
#include "storage/practice_unit_store.h"
#include "storage/program_store.h"
#include "storage/region_store.h"
#include "storage/team_store.h"

namespace zhiyuan::storage {

// Empty stores of events and what they refer to, and whatever keeps them alive.
struct EventStoreUnderTest {
  std::shared_ptr<void> owner;
  EventStore* events;
  RegionStore* regions;
  TeamStore* teams;
  ProgramStore* programs;
  PostStore* posts;
  PracticeUnitStore* units;
};

using EventStoreFactory = EventStoreUnderTest (*)();

class EventStoreContractTest : public ::testing::TestWithParam<EventStoreFactory> {
 protected:
  // Creates the stores; 临县 (with 临泉镇) and 阜康市; in 临县 a team, a program, a practice
  // unit and a post at 临泉镇; in 阜康 a post.
  void SetUp() override;

  EventStore& events() { return *stores_.events; }
  // A planned 临县 event of the team, 2026-03-01 19:00 to 21:00 China time.
  Event Planned(const std::string& title) const;

  EventStoreUnderTest stores_;
  int64_t team_ = 0;
  int64_t program_ = 0;
  int64_t unit_ = 0;
  int64_t post_ = 0;
  int64_t fukang_post_ = 0;
};

}  // namespace zhiyuan::storage

#endif  // ZHIYUAN_TESTS_STORAGE_EVENT_STORE_CONTRACT_H_
