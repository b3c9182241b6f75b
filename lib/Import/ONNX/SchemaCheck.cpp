//===- SchemaCheck.cpp - validate nodes against ONNX's op schemas --------===//
//
// ONNX's own schema registry (libonnx) knows every op's attributes and its
// input/output counts per opset. Checking nodes against it catches corrupt
// or hand-made models (a misspelt attribute, a missing input) with a clear
// message instead of a silent default.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include <onnx/defs/schema.h>

std::string mlir::tcc::onnx_import::checkNodeSchema(const onnx::NodeProto &node,
                                                    int64_t opset) {
  // Opsets newer than this libonnx knows changed some ops (opset 18 moved
  // reduction axes to inputs): only the op's importer can judge those.
  const auto &ranges = onnx::OpSchemaRegistry::DomainToVersionRange::Instance().Map();
  auto known = ranges.find(onnx::ONNX_DOMAIN);
  if (known == ranges.end() || opset > known->second.second)
    return "";
  const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(
      node.op_type(), int(opset), node.domain() == "ai.onnx" ? "" : node.domain());
  if (!schema)
    return ""; // The op table reports unknown ops.
  for (const auto &attr : node.attribute())
    if (!schema->attributes().count(attr.name()))
      return "unknown attribute '" + attr.name() + "' for " + node.op_type();
  if (node.input_size() < schema->min_input() ||
      node.input_size() > schema->max_input())
    return "has " + std::to_string(node.input_size()) + " inputs; " +
           node.op_type() + " takes " + std::to_string(schema->min_input()) +
           " to " + std::to_string(schema->max_input());
  if (node.output_size() < schema->min_output() ||
      node.output_size() > schema->max_output())
    return "has " + std::to_string(node.output_size()) + " outputs; " +
           node.op_type() + " gives " + std::to_string(schema->min_output()) +
           " to " + std::to_string(schema->max_output());
  return "";
}
