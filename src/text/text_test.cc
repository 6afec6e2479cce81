#include "text/text.h"

#include <gtest/gtest.h>

namespace drover::text {
namespace {

using Words_ = std::vector<std::string>;

TEST(Text, FoldsCase) {
  EXPECT_EQ(Fold("Job-TEST"), "job-test");
  EXPECT_EQ(Fold("Straße"), "strasse");
  EXPECT_EQ(Fold("ÀÉÎ"), "àéî");
  EXPECT_EQ(Fold("训练Job"), "训练job");
}

TEST(Text, SplitsWords) {
  struct Case {
    const char* text;
    Words_ want;
  } cases[] = {
      {"tf-mnist_v2.1", {"tf", "mnist", "v2", "1"}},
      {"python train.py --epochs 3", {"python", "train", "py", "epochs", "3"}},
      {"CUDA out of memory!", {"cuda", "out", "of", "memory"}},
      {"registry/pytorch:2.1-cuda12", {"registry", "pytorch", "2", "1", "cuda12"}},
      {"内存不足", {"内存", "不足"}},
      {"显存不足", {"显", "存", "不足"}},  // ICU's dictionary lacks 显存
      {"训练模型 OOM", {"训练", "模型", "oom"}},
      {"", {}},
      {"  --  ", {}},
  };
  for (const Case& c : cases) EXPECT_EQ(Words(c.text), c.want) << c.text;
}

TEST(Text, ContainsAllWords) {
  Words_ words = Words("torchrun train.py 训练模型");
  EXPECT_TRUE(ContainsAllWords(words, Words("TRAIN torchrun")));
  EXPECT_TRUE(ContainsAllWords(words, Words("模型")));
  EXPECT_TRUE(ContainsAllWords(words, {}));
  EXPECT_FALSE(ContainsAllWords(words, Words("torch")));
  EXPECT_FALSE(ContainsAllWords(words, Words("train eval")));
}

TEST(Text, GlobMatch) {
  struct Case {
    const char* text;
    const char* pattern;
    bool want;
  } cases[] = {
      {"job-test", "*test*", true},
      {"job-test", "job-t?st", true},
      {"job-test", "job-t?", false},
      {"job-test", "*", true},
      {"", "*", true},
      {"", "?", false},
      {"abc", "a*c", true},
      {"abc", "a*b", false},
      {"aaa", "a*a*a", true},
      {"训练任务", "训?任务", true},
      {"训练任务", "??任务", true},
      {"训练任务", "?任务", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(GlobMatch(c.text, c.pattern), c.want) << c.text << " ~ " << c.pattern;
  }
}

}  // namespace
}  // namespace drover::text
