#include "storage/active_count_moves.h"

#include <gtest/gtest.h>

namespace zhiyuan::storage {
namespace {

constexpr char kVillage[] = "141124100201";  // 临县, a village of one of its towns
constexpr char kNeighbour[] = "141124100202";

ActiveCountKey Key(int dim_kind, int period_kind, int depth, const std::string& region,
                   absl::CivilDay period, int64_t dim_value = 0) {
  return {dim_kind, period_kind, depth, region, period, dim_value};
}

TEST(ActiveCountMovesTest, FirstRecordCountsOnceUnderEveryKey) {
  const auto moves =
      ActiveCountMoves({{"V1", kVillage, 7, absl::CivilMonth(2025, 5), /*net=*/1, /*now=*/1}});
  EXPECT_EQ(moves.size(), 30u);  // 5 depths x month, quarter, year x none, program
  EXPECT_EQ(moves.at(Key(0, 3, 3, "141124", absl::CivilDay(2025, 5, 1))), 1);
  EXPECT_EQ(moves.at(Key(1, 4, 5, kVillage, absl::CivilDay(2025, 4, 1), 7)), 1);
  EXPECT_EQ(moves.at(Key(0, 5, 1, "14", absl::CivilDay(2025, 1, 1))), 1);
}

TEST(ActiveCountMovesTest, MoreRecordsWhereTheVolunteerAlreadyCountsMoveNothing) {
  EXPECT_TRUE(ActiveCountMoves({{"V1", kVillage, 7, absl::CivilMonth(2025, 5), 2, 5}}).empty());
}

TEST(ActiveCountMovesTest, OtherMonthsOfTheYearKeepTheVolunteerInTheQuarterAndYear) {
  // The first record of May, beside records of April (same quarter) and of October.
  const auto moves = ActiveCountMoves({{"V1", kVillage, 7, absl::CivilMonth(2025, 4), 0, 3},
                                       {"V1", kVillage, 7, absl::CivilMonth(2025, 5), 1, 1},
                                       {"V1", kVillage, 7, absl::CivilMonth(2025, 10), 0, 2}});
  EXPECT_EQ(moves.size(), 10u);  // the month only, at every depth, with and without the program
  for (const auto& [key, moved] : moves) {
    EXPECT_EQ(key.period_kind, 3);
    EXPECT_EQ(key.period, absl::CivilDay(2025, 5, 1));
    EXPECT_EQ(moved, 1);
  }
}

TEST(ActiveCountMovesTest, ARecordMovedToTheNeighbouringVillageMovesOnlyTheVillages) {
  const auto moves = ActiveCountMoves({{"V1", kVillage, 7, absl::CivilMonth(2025, 5), -1, 0},
                                       {"V1", kNeighbour, 7, absl::CivilMonth(2025, 5), 1, 1}});
  EXPECT_EQ(moves.size(), 12u);  // 2 villages x 3 periods x 2 dims
  EXPECT_EQ(moves.at(Key(0, 3, 5, kVillage, absl::CivilDay(2025, 5, 1))), -1);
  EXPECT_EQ(moves.at(Key(1, 5, 5, kNeighbour, absl::CivilDay(2025, 1, 1), 7)), 1);
}

TEST(ActiveCountMovesTest, ACountyEventCountsUnderTheCountyAtTheDeeperDepths) {
  // An event held at the county itself: at the township and village depths its key is the
  // county's code, as SQL's left() gives it.
  const auto moves =
      ActiveCountMoves({{"V1", "141124", 0, absl::CivilMonth(2025, 5), /*net=*/1, /*now=*/1}});
  EXPECT_EQ(moves.size(), 30u);
  EXPECT_EQ(moves.at(Key(0, 3, 4, "141124", absl::CivilDay(2025, 5, 1))), 1);
  EXPECT_EQ(moves.at(Key(1, 5, 5, "141124", absl::CivilDay(2025, 1, 1), 0)), 1);
}

TEST(ActiveCountMovesTest, EachYearIsCountedOnItsOwn) {
  // A record moved from December 2025 to January 2026: the volunteer keeps 2025 through another
  // record in November, and is new to 2026.
  const auto moves = ActiveCountMoves({{"V1", kVillage, 0, absl::CivilMonth(2025, 11), 0, 1},
                                       {"V1", kVillage, 0, absl::CivilMonth(2025, 12), -1, 0},
                                       {"V1", kVillage, 0, absl::CivilMonth(2026, 1), 1, 1}});
  // December leaves (the quarter and year stay), and January, its quarter and 2026 gain V1.
  EXPECT_EQ(moves.size(), 40u);
  EXPECT_EQ(moves.at(Key(0, 3, 5, kVillage, absl::CivilDay(2025, 12, 1))), -1);
  EXPECT_FALSE(moves.contains(Key(0, 4, 5, kVillage, absl::CivilDay(2025, 10, 1))));
  EXPECT_FALSE(moves.contains(Key(0, 5, 5, kVillage, absl::CivilDay(2025, 1, 1))));
  EXPECT_EQ(moves.at(Key(0, 3, 5, kVillage, absl::CivilDay(2026, 1, 1))), 1);
  EXPECT_EQ(moves.at(Key(0, 4, 5, kVillage, absl::CivilDay(2026, 1, 1))), 1);
  EXPECT_EQ(moves.at(Key(1, 5, 1, "14", absl::CivilDay(2026, 1, 1), 0)), 1);
}

TEST(ActiveCountMovesTest, VolunteersAreCountedApart) {
  // V1 takes back their only record of May while V2 gets their first, and both have other
  // records in the quarter: the counts stay, though the rows come interleaved.
  EXPECT_TRUE(ActiveCountMoves({{"V1", kVillage, 0, absl::CivilMonth(2025, 5), -1, 0},
                                {"V2", kVillage, 0, absl::CivilMonth(2025, 5), 1, 1},
                                {"V1", kVillage, 0, absl::CivilMonth(2025, 6), 0, 1},
                                {"V2", kVillage, 0, absl::CivilMonth(2025, 4), 0, 2}})
                  .empty());
  const auto program_moves =
      ActiveCountMoves({{"V1", kVillage, 3, absl::CivilMonth(2025, 5), -1, 0},
                        {"V1", kVillage, 4, absl::CivilMonth(2025, 5), 1, 1}});
  EXPECT_EQ(program_moves.size(), 30u);  // program 3 loses V1 and program 4 gains them
  EXPECT_EQ(program_moves.at(Key(1, 3, 3, "141124", absl::CivilDay(2025, 5, 1), 3)), -1);
  EXPECT_EQ(program_moves.at(Key(1, 3, 3, "141124", absl::CivilDay(2025, 5, 1), 4)), 1);
}

}  // namespace
}  // namespace zhiyuan::storage
