// Site tags are copied and interned; live buffers are totalled by site.
#include <cstring>
#include <string>

#include "buffer_test_fixture.h"
#include "buffers/buffer_allocator.h"
#include "buffers/site_tags.h"
#include "buffers/site_totals.h"

namespace tether::buffers {
namespace {

TEST(SiteTagTest, EqualTextsShareOneCopy) {
  char first[] = "kv_get";
  std::string second = "kv_get";
  const char* a = intern_site_tag(first);
  const char* b = intern_site_tag(second.c_str());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, first);
  std::strcpy(first, "zzzzzz");  // the caller's string may change or go
  EXPECT_STREQ(a, "kv_get");
}

TEST(SiteTagTest, NullIsNoTagAndLongTagsAreCut) {
  EXPECT_EQ(intern_site_tag(nullptr), nullptr);
  std::string long_tag(300, 'x');
  EXPECT_EQ(std::strlen(intern_site_tag(long_tag.c_str())), kMaxSiteTagLength);
}

using SiteTotalsTest = BufferModeTest;

const SiteTotal* find(const std::vector<SiteTotal>& totals,
                      std::string_view name) {
  for (const SiteTotal& total : totals) {
    if (total.name == name) return &total;
  }
  return nullptr;
}

TEST_P(SiteTotalsTest, LiveBuffersAreTotalledByTag) {
  Site reader{intern_site_tag("site_totals_reader"), nullptr};
  Site writer{intern_site_tag("site_totals_writer"), nullptr};
  void* r1 = allocate_at(100, reader);
  void* r2 = allocate_at(50, reader);
  void* w1 = allocate_at(7, writer);
  void* freed = allocate_at(1000, writer);
  ASSERT_EQ(release(freed), Status::kOk);

  std::vector<SiteTotal> totals = live_by_site();
  const SiteTotal* r = find(totals, "site_totals_reader");
  const SiteTotal* w = find(totals, "site_totals_writer");
  ASSERT_NE(r, nullptr);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(r->count, 2u);
  EXPECT_EQ(r->bytes, 150u);
  EXPECT_EQ(w->count, 1u);
  EXPECT_EQ(w->bytes, 7u);
  EXPECT_LT(r, w);  // most bytes first

  release(r1);
  release(r2);
  release(w1);
  EXPECT_EQ(find(live_by_site(), "site_totals_reader"), nullptr);
}

TEST_P(SiteTotalsTest, UntaggedBuffersAreNamedByModuleAndOffset) {
  void* data = allocate(33);
  bool found = false;
  for (const SiteTotal& total : live_by_site()) {
    if (total.name.find("tether_runtime_tests+0x") == 0 && total.bytes >= 33) {
      found = true;
    }
  }
  EXPECT_TRUE(found);
  release(data);
}

INSTANTIATE_TEST_SUITE_P(BothModes, SiteTotalsTest,
                         ::testing::Values(Mode::kRelease, Mode::kDebug),
                         mode_test_name);

}  // namespace
}  // namespace tether::buffers
