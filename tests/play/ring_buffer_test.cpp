#include "rawgan/play/ring_buffer.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace rawgan::play {
namespace {

TEST(SpscRing, KeepsOrderAndReportsRoom) {
  SpscRing<int> ring(5);  // rounded up to 8
  EXPECT_EQ(ring.capacity(), 8u);
  std::vector<int> in = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  EXPECT_EQ(ring.write(in.data(), in.size()), 8u);
  EXPECT_EQ(ring.n_writable(), 0u);
  std::vector<int> out(3);
  EXPECT_EQ(ring.read(out.data(), 3), 3u);
  EXPECT_EQ(out, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(ring.discard(2), 2u);
  EXPECT_EQ(ring.write(in.data(), 4), 4u);  // wraps around the end
  std::vector<int> rest(10);
  EXPECT_EQ(ring.read(rest.data(), 10), 7u);
  EXPECT_EQ(std::vector<int>(rest.begin(), rest.begin() + 7),
            (std::vector<int>{6, 7, 8, 1, 2, 3, 4}));
}

TEST(SpscRing, TwoThreadsPassEveryValueOnceInOrder) {
  SpscRing<int64_t> ring(64);
  const int64_t n = 200000;
  std::thread producer([&] {
    int64_t next = 0;
    while (next < n) {
      int64_t block[7];
      int64_t k = 0;
      for (; k < 7 && next + k < n; ++k)
        block[k] = next + k;
      next += ring.write(block, k);
    }
  });
  int64_t expected = 0;
  bool in_order = true;
  while (expected < n) {
    int64_t block[5];
    size_t got = ring.read(block, 5);
    for (size_t i = 0; i < got; ++i)
      in_order = in_order && block[i] == expected++;
  }
  producer.join();
  EXPECT_TRUE(in_order);
  EXPECT_EQ(ring.n_readable(), 0u);
}

}  // namespace
}  // namespace rawgan::play
