//===- HostTensorTest.cpp - runtime tensor and .npy tests ----------------===//

#include "tcc/Runtime/HostTensor.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

using namespace tccrt;

namespace {

std::string tempPath(const char *name) {
  return std::string(::testing::TempDir()) + "/" + name;
}

TEST(HostTensor, ElementAccessConverts) {
  HostTensor t(DType::I32, {2, 3});
  EXPECT_EQ(t.numElements(), 6);
  EXPECT_EQ(t.numBytes(), 24u);
  t.setDouble(4, -7.9);
  EXPECT_EQ(t.getInt(4), -7);
  EXPECT_EQ(t.describe(), "int32[2, 3]");
}

TEST(HostTensor, CheckedNumElementsRejectsOverflowAndNegatives) {
  EXPECT_EQ(checkedNumElements({3, 0, 5}), 0);
  EXPECT_EQ(checkedNumElements({-1, 2}), -1);
  EXPECT_EQ(checkedNumElements({int64_t(1) << 32, int64_t(1) << 32}), -1);
}

TEST(Npy, RoundTripsEveryDType) {
  for (DType d : {DType::F32, DType::F64, DType::I64, DType::I32, DType::I16,
                  DType::I8, DType::Bool}) {
    HostTensor t(d, {2, 1, 3});
    for (int64_t i = 0; i < t.numElements(); ++i)
      t.setInt(i, d == DType::Bool ? i % 2 : i - 2);
    std::string path = tempPath("roundtrip.npy"), error;
    ASSERT_TRUE(writeNpy(path, t, error)) << error;
    HostTensor back;
    ASSERT_TRUE(readNpy(path, back, error)) << error;
    EXPECT_EQ(back.dtype, d);
    EXPECT_EQ(back.shape, t.shape);
    EXPECT_EQ(back.data, t.data);
  }
}

TEST(Npy, RoundTripsScalarsAndEmptyArrays) {
  for (std::vector<int64_t> shape :
       {std::vector<int64_t>{}, std::vector<int64_t>{0, 4}}) {
    HostTensor t(DType::F32, shape);
    std::string path = tempPath("shape.npy"), error;
    ASSERT_TRUE(writeNpy(path, t, error)) << error;
    HostTensor back;
    ASSERT_TRUE(readNpy(path, back, error)) << error;
    EXPECT_EQ(back.shape, shape);
  }
}

TEST(Npy, RejectsMalformedInput) {
  HostTensor t(DType::F32, {4});
  std::string path = tempPath("ok.npy"), error;
  ASSERT_TRUE(writeNpy(path, t, error));
  std::FILE *f = std::fopen(path.c_str(), "rb");
  std::vector<uint8_t> bytes(1024);
  bytes.resize(std::fread(bytes.data(), 1, bytes.size(), f));
  std::fclose(f);

  HostTensor out;
  // Every truncation fails cleanly.
  for (size_t n = 0; n < bytes.size(); ++n)
    EXPECT_FALSE(parseNpy(bytes.data(), n, out, error)) << n;
  // Trailing garbage, a bad magic, an unsupported dtype.
  std::vector<uint8_t> longer = bytes;
  longer.push_back(0);
  EXPECT_FALSE(parseNpy(longer.data(), longer.size(), out, error));
  std::vector<uint8_t> magic = bytes;
  magic[1] = 'X';
  EXPECT_FALSE(parseNpy(magic.data(), magic.size(), out, error));
  std::string s(bytes.begin(), bytes.end());
  size_t at = s.find("<f4");
  ASSERT_NE(at, std::string::npos);
  s.replace(at, 3, "<c8");
  EXPECT_FALSE(parseNpy(reinterpret_cast<const uint8_t *>(s.data()), s.size(),
                        out, error));
  EXPECT_NE(error.find("unsupported .npy dtype"), std::string::npos);
}

TEST(Npy, RejectsAbsurdShapesWithoutAllocating) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, "
                       "'shape': (1000000, 1000000, 1000000), }";
  std::string file = std::string("\x93NUMPY\x01\x00", 8);
  file += char(header.size() & 0xff);
  file += char(header.size() >> 8);
  file += header;
  HostTensor out;
  std::string error;
  EXPECT_FALSE(parseNpy(reinterpret_cast<const uint8_t *>(file.data()),
                        file.size(), out, error));
}

TEST(Npy, MissingFileIsAnError) {
  HostTensor out;
  std::string error;
  EXPECT_FALSE(readNpy("/nonexistent/x.npy", out, error));
  EXPECT_NE(error.find("cannot open"), std::string::npos);
}

} // namespace
