// Protos written as text in tests: ParseTextProto<zhiyuan::v1::Team>("display_name: 'x'").
#ifndef ZHIYUAN_TESTS_TESTING_TEXT_PROTO_H_
#define ZHIYUAN_TESTS_TESTING_TEXT_PROTO_H_

#include <google/protobuf/text_format.h>
#include <gtest/gtest.h>

#include <string>

namespace zhiyuan::testing {

// Fails the test (and returns an empty message) when `text` does not parse.
template <typename Message>
Message ParseTextProto(const std::string& text) {
  Message message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &message)) << text;
  return message;
}

}  // namespace zhiyuan::testing

#endif  // ZHIYUAN_TESTS_TESTING_TEXT_PROTO_H_
