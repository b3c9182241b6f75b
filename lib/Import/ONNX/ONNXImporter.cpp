//===- ONNXImporter.cpp - ONNX model to tcc module -----------------------===//
//
// Reads and validates the model, creates the function signature (parameters,
// inputs, outputs), walks the nodes in order and dispatches each to its op
// family's importer through the op-type table. Values known at import time
// (constants and the shape arithmetic PyTorch exports) are tracked beside
// the SSA values and folded on the host.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"
#include "tcc/Import/ONNXImporter.h"
#include "tcc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <climits>

using namespace mlir;
using namespace mlir::tcc;
using namespace mlir::tcc::onnx_import;

// Model state (BatchNorm running statistics in training mode): the argument
// `{tcc.state = @g}` and the result `{tcc.state_update = @g}` holding its new
// value, as tcc-optimizer reads them. TODO: move beside kParamAttrName in
// Passes.h.
static constexpr llvm::StringLiteral kStateArgAttr = kStateAttrName;
static constexpr llvm::StringLiteral kStateUpdateResultAttr = kStateUpdateAttrName;

namespace mlir::tcc::onnx_import {

class GraphImporter {
public:
  GraphImporter(MLIRContext *ctx, StringRef path, const ONNXImportOptions &opts)
      : ctx(ctx), path(path.str()), opts(opts), b(ctx),
        inputValues(opts.inputValues) {
    baseDir = llvm::sys::path::parent_path(path).str();
  }

  OwningOpRef<ModuleOp> run();

  MLIRContext *ctx;
  std::string path, baseDir;
  const ONNXImportOptions &opts;
  OpBuilder b;
  int64_t opset = 0;
  llvm::StringMap<ValueEntry> values;
  /// Parameters (float initializers) with their initial values.
  struct Param {
    std::string name;
    HostTensor value;
  };
  std::vector<Param> params;
  /// Known graph-input values, by name (from both kinds of options).
  std::map<std::string, const HostTensor *> inputValues;
  /// Parameters that are state, by argument index, with their new values
  /// (NodeContext::markState), in marking order.
  llvm::MapVector<unsigned, Value> stateUpdates;

  LogicalResult fileError(const Twine &msg) {
    emitError(FileLineColLoc::get(ctx, path, 0, 0)) << msg;
    return failure();
  }

private:
  FailureOr<RankedTensorType> inputType(const onnx::ValueInfoProto &info);
  LogicalResult importNode(const onnx::NodeProto &node, size_t index,
                           const ImportTable &table);
  void applyStateUpdates(func::FuncOp func, unsigned firstResult);
};

} // namespace mlir::tcc::onnx_import

//===----------------------------------------------------------------------===//
// NodeContext
//===----------------------------------------------------------------------===//

LogicalResult NodeContext::error(const Twine &msg) {
  std::string name = node.name();
  if (auto n = dyn_cast<NameLoc>(loc))
    name = n.getName().str();
  emitError(loc) << "node '" << name << "' (" << node.op_type() << ", opset "
                 << opset << "): " << msg;
  return failure();
}

Value NodeContext::input(size_t i) {
  if (!hasInput(i)) {
    (void)error("input " + Twine(i) + " is required");
    return {};
  }
  ValueEntry &e = graph.values[node.input(i)];
  if (!e.value && e.constant)
    e.value = constant(*e.constant);
  return e.value;
}

FailureOr<SmallVector<Value>> NodeContext::allInputs(size_t minCount) {
  if (numInputs() < minCount)
    return error("expects at least " + Twine(minCount) + " inputs");
  SmallVector<Value> vs;
  for (size_t i = 0; i < numInputs(); ++i) {
    Value v = input(i);
    if (!v)
      return failure();
    vs.push_back(v);
  }
  return vs;
}

RankedTensorType NodeContext::inputType(size_t i) {
  Value v = input(i);
  return v ? cast<RankedTensorType>(v.getType()) : RankedTensorType();
}

const HostTensor *NodeContext::constantInput(size_t i) {
  if (!hasInput(i))
    return nullptr;
  ValueEntry &e = graph.values[node.input(i)];
  if (e.constant)
    return &*e.constant;
  return e.specialized ? e.specialized : e.initialValue;
}

const std::string &NodeContext::baseDir() const { return graph.baseDir; }

const ONNXImportOptions &NodeContext::options() const { return graph.opts; }

bool NodeContext::isParameter(size_t i) {
  if (!hasInput(i))
    return false;
  const ValueEntry &e = graph.values[node.input(i)];
  return e.initialValue && isa_and_nonnull<BlockArgument>(e.value);
}

LogicalResult NodeContext::markState(size_t i, Value update) {
  if (!isParameter(i))
    return error("input " + Twine(i) + " is not a parameter, so it cannot "
                 "hold state");
  auto arg = cast<BlockArgument>(graph.values[node.input(i)].value);
  if (!graph.stateUpdates.insert({arg.getArgNumber(), update}).second)
    return error("state '" + node.input(i) +
                 "' is already updated by another node");
  return success();
}

FailureOr<const HostTensor *>
NodeContext::requireConstantInput(size_t i, StringRef what) {
  if (const HostTensor *t = constantInput(i))
    return t;
  (void)error(what + " (input " + Twine(i) +
              ") must be known at compile time: a constant, an initializer, "
              "a computation on shapes, or a graph input given to tcc-run");
  return failure();
}

bool NodeContext::allInputsConstant() {
  for (size_t i = 0; i < numInputs(); ++i)
    if (hasInput(i) && !graph.values[node.input(i)].constant)
      return false;
  return true;
}

void NodeContext::setOutput(size_t i, Value v) {
  if (wantsOutput(i))
    graph.values[node.output(i)] = ValueEntry{v, std::nullopt, nullptr};
}

void NodeContext::setOutputConstant(size_t i, HostTensor t) {
  if (wantsOutput(i))
    graph.values[node.output(i)] = ValueEntry{Value(), std::move(t), nullptr};
}

const onnx::AttributeProto *NodeContext::attr(StringRef name) const {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t NodeContext::attrInt(StringRef name, int64_t dflt) const {
  const auto *a = attr(name);
  return a ? a->i() : dflt;
}

float NodeContext::attrFloat(StringRef name, float dflt) const {
  const auto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string NodeContext::attrString(StringRef name, StringRef dflt) const {
  const auto *a = attr(name);
  return a ? a->s() : dflt.str();
}

std::optional<SmallVector<int64_t>>
NodeContext::attrInts(StringRef name) const {
  const auto *a = attr(name);
  if (!a)
    return std::nullopt;
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

std::optional<SmallVector<float>>
NodeContext::attrFloats(StringRef name) const {
  const auto *a = attr(name);
  if (!a)
    return std::nullopt;
  return SmallVector<float>(a->floats().begin(), a->floats().end());
}

/// Constants above this many elements are stored as resource blobs, so IR
/// dumps stay readable.
static constexpr int64_t kInlineConstantLimit = 16;

static ElementsAttr toElementsAttr(MLIRContext *ctx, const HostTensor &t,
                                   StringRef blobName) {
  auto type = RankedTensorType::get(t.shape, elementTypeOf(ctx, t.dtype));
  if (t.dtype == DType::Bool) {
    SmallVector<bool> bits(t.data.begin(), t.data.end());
    return DenseElementsAttr::get(type, bits);
  }
  if (t.numElements() > kInlineConstantLimit) {
    auto blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        ArrayRef<char>(reinterpret_cast<const char *>(t.data.data()),
                       t.data.size()),
        alignof(double));
    return DenseResourceElementsAttr::get(type, blobName, std::move(blob));
  }
  return DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(reinterpret_cast<const char *>(t.data.data()),
                           t.data.size()));
}

Value NodeContext::constant(const HostTensor &t) {
  auto attr = toElementsAttr(b.getContext(), t, "constant");
  return arith::ConstantOp::create(b, loc, cast<TypedAttr>(attr));
}

Value NodeContext::scalar(Type type, double v) {
  auto tt = RankedTensorType::get({}, type);
  TypedAttr el = isa<FloatType>(type)
                     ? TypedAttr(b.getFloatAttr(type, v))
                     : TypedAttr(b.getIntegerAttr(type, int64_t(v)));
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(tt, el));
}

Value NodeContext::reshape(Value v, ArrayRef<int64_t> shape) {
  auto t = cast<RankedTensorType>(v.getType());
  if (t.getShape() == shape)
    return v;
  return ReshapeOp::create(b, loc, t.clone(shape), v);
}

Value NodeContext::convert(Value v, Type type) {
  auto t = cast<RankedTensorType>(v.getType());
  if (t.getElementType() == type)
    return v;
  return ConvertOp::create(b, loc, t.clone(type), v);
}

FailureOr<int64_t> NodeContext::normalizeAxis(int64_t axis, int64_t rank,
                                              StringRef what) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1) ||
      (rank == 0 && axis != 0 && axis != -1)) {
    (void)error(what + " " + Twine(axis) + " is out of range for rank " +
                Twine(rank));
    return failure();
  }
  return axis < 0 ? axis + rank : axis;
}

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

static const ImportTable &getImportTable() {
  static const ImportTable table = [] {
    ImportTable t;
    registerElementwiseImporters(t);
    registerActivationImporters(t);
    registerNNImporters(t);
    registerShapeImporters(t);
    registerIndexingImporters(t);
    registerDataMovementImporters(t);
    registerNormalizationImporters(t);
    return t;
  }();
  return table;
}

std::vector<std::string> mlir::tcc::getSupportedONNXOps() {
  std::vector<std::string> ops;
  for (const auto &e : getImportTable())
    ops.push_back(e.getKey().str());
  llvm::sort(ops);
  return ops;
}

std::string mlir::tcc::onnx_import::formatShape(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

FailureOr<RankedTensorType>
GraphImporter::inputType(const onnx::ValueInfoProto &info) {
  const std::string &name = info.name();
  if (!info.type().has_tensor_type())
    return fileError("graph input '" + name + "' is not a tensor");
  const auto &tt = info.type().tensor_type();
  auto dtype = dtypeFromONNX(tt.elem_type());
  if (!dtype)
    return fileError("graph input '" + name + "' has element type " +
                     Twine(tt.elem_type()) + ", which tcc does not support");
  auto it = inputValues.find(name);
  const HostTensor *given = it == inputValues.end() ? nullptr : it->second;
  if (given && given->dtype != *dtype)
    return fileError("graph input '" + name + "' is " +
                     ::tccrt::dtypeName(*dtype) + " but the value given is " +
                     given->describe());
  SmallVector<int64_t> shape;
  if (tt.has_shape()) {
    const auto &dims = tt.shape().dim();
    if (given && (size_t)dims.size() != given->shape.size())
      return fileError("graph input '" + name + "' has rank " +
                       Twine(dims.size()) + " but the value given is " +
                       given->describe());
    for (int i = 0; i < dims.size(); ++i) {
      const auto &d = dims[i];
      if (d.has_dim_value() && d.dim_value() < 0)
        return fileError("graph input '" + name + "' has a negative dimension " +
                         Twine(d.dim_value()));
      if (d.has_dim_value()) {
        if (given && given->shape[i] != d.dim_value())
          return fileError("graph input '" + name + "' has dimension " +
                           Twine(i) + " of size " + Twine(d.dim_value()) +
                           " but the value given is " + given->describe());
        shape.push_back(d.dim_value());
      } else if (given) {
        shape.push_back(given->shape[i]);
      } else if (i == 0 && opts.batch) {
        shape.push_back(*opts.batch);
      } else {
        return fileError("graph input '" + name + "' has a dynamic dimension " +
                         Twine(i) +
                         (d.has_dim_param() ? " ('" + d.dim_param() + "')" : "") +
                         "; give its size with --batch (first dimension) or "
                         "an input value");
      }
    }
  } else if (given) {
    shape.assign(given->shape.begin(), given->shape.end());
  } else {
    return fileError("graph input '" + name + "' has no shape");
  }
  return RankedTensorType::get(shape, elementTypeOf(ctx, *dtype));
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        size_t index, const ImportTable &table) {
  std::string name = node.name().empty()
                         ? node.op_type() + "_" + std::to_string(index)
                         : node.name();
  Location loc = NameLoc::get(StringAttr::get(ctx, name),
                              FileLineColLoc::get(ctx, path, 0, 0));
  NodeContext nc(*this, node, b, loc, opset);
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return nc.error("domain '" + node.domain() + "' is not supported (only "
                    "the default ONNX domain is)");
  for (int i = 0; i < node.output_size(); ++i)
    if (!node.output(i).empty() && values.count(node.output(i)))
      return nc.error("output '" + node.output(i) +
                      "' is already defined (ONNX graphs are in SSA form)");
  for (int i = 0; i < node.input_size(); ++i)
    if (!node.input(i).empty() && !values.count(node.input(i)))
      return nc.error("input '" + node.input(i) +
                      "' is not produced by any earlier node, initializer or "
                      "graph input");
  // Before opset 7, binary ops broadcast only on request, optionally from a
  // given axis; tcc implements the NumPy rule of opset 7 and later only.
  if (nc.hasAttr("broadcast") && nc.attrInt("broadcast", 0) && nc.hasAttr("axis"))
    return nc.error("legacy broadcasting with an 'axis' attribute (opset < 7) "
                    "is not supported");
  std::string schemaError = checkNodeSchema(node, opset);
  if (!schemaError.empty())
    return nc.error(schemaError);
  auto it = table.find(node.op_type());
  if (it == table.end())
    return nc.error("unsupported ONNX op '" + node.op_type() + "'");
  if (failed(it->second(nc)))
    return failure();
  for (int i = 0; i < node.output_size(); ++i)
    if (!node.output(i).empty() && !values.count(node.output(i)))
      return nc.error("output " + Twine(i) + " ('" + node.output(i) +
                      "') is not supported");
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  // Read and parse.
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    (void)fileError("cannot read the file: " + buffer.getError().message());
    return nullptr;
  }
  StringRef bytes = (*buffer)->getBuffer();
  onnx::ModelProto model;
  if (bytes.empty() || bytes.size() > INT_MAX ||
      !model.ParseFromArray(bytes.data(), int(bytes.size()))) {
    (void)fileError("not a valid ONNX model (protobuf parse failed; the file "
                    "may be truncated or not ONNX)");
    return nullptr;
  }
  // IR versions 3 (opset imports) to 10 (ONNX 1.16) share the graph format.
  if (model.ir_version() < 3 || model.ir_version() > 10) {
    (void)fileError("ONNX IR version " + Twine(model.ir_version()) +
                    " is not supported (tcc reads IR versions 3 to 10)");
    return nullptr;
  }
  if (!model.has_graph()) {
    (void)fileError("not a valid ONNX model: it has no graph");
    return nullptr;
  }
  for (const auto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      opset = o.version();
  if (opset == 0) {
    (void)fileError("the model imports no opset of the default ONNX domain");
    return nullptr;
  }
  if (opset < 1 || opset > 18) {
    (void)fileError("opset " + Twine(opset) +
                    " is not supported (tcc imports opsets 1 to 18)");
    return nullptr;
  }
  const onnx::GraphProto &graph = model.graph();

  auto module = ModuleOp::create(FileLineColLoc::get(ctx, path, 0, 0));
  OwningOpRef<ModuleOp> owned(module);
  b.setInsertionPointToEnd(module.getBody());

  // Initializers: float ones are parameters (function arguments with their
  // initial value in a global), the rest are constants.
  params.clear();
  llvm::StringSet<> initializerNames;
  for (const auto &init : graph.initializer()) {
    HostTensor t;
    std::string err;
    if (init.name().empty()) {
      (void)fileError("an initializer has no name");
      return nullptr;
    }
    if (!tensorFromProto(init, baseDir, t, err)) {
      (void)fileError("initializer: " + err);
      return nullptr;
    }
    if (!initializerNames.insert(init.name()).second) {
      (void)fileError("initializer '" + init.name() + "' is defined twice");
      return nullptr;
    }
    if (::tccrt::isFloatDType(t.dtype))
      params.push_back({init.name(), std::move(t)});
    else
      values[init.name()] = ValueEntry{Value(), std::move(t), nullptr};
  }

  // Graph inputs that are not initializers.
  std::vector<const onnx::ValueInfoProto *> graphInputs;
  for (const auto &in : graph.input())
    if (!initializerNames.contains(in.name()))
      graphInputs.push_back(&in);
  if (!opts.positionalInputValues.empty()) {
    if (opts.positionalInputValues.size() != graphInputs.size()) {
      (void)fileError("the model has " + Twine(graphInputs.size()) +
                      " inputs but " + Twine(opts.positionalInputValues.size()) +
                      " were given");
      return nullptr;
    }
    for (auto [in, value] : llvm::zip(graphInputs, opts.positionalInputValues))
      inputValues[in->name()] = value;
  }
  SmallVector<Type> argTypes;
  SmallVector<std::string> inputNames;
  for (const auto &p : params)
    argTypes.push_back(RankedTensorType::get(p.value.shape,
                                             elementTypeOf(ctx, p.value.dtype)));
  for (const onnx::ValueInfoProto *inPtr : graphInputs) {
    const auto &in = *inPtr;
    if (in.name().empty() || values.count(in.name())) {
      (void)fileError("graph input '" + in.name() +
                      "' has no name or is declared twice");
      return nullptr;
    }
    auto type = inputType(in);
    if (failed(type))
      return nullptr;
    argTypes.push_back(*type);
    inputNames.push_back(in.name());
    values[in.name()] = ValueEntry();
  }

  auto funcType = FunctionType::get(ctx, argTypes, {});
  auto func = func::FuncOp::create(b, module.getLoc(), opts.functionName,
                                   funcType);
  Block *body = func.addEntryBlock();
  for (auto [i, p] : llvm::enumerate(params)) {
    std::string sym = p.name;
    b.setInsertionPoint(func);
    auto value = toElementsAttr(ctx, p.value, p.name);
    auto global = ml_program::GlobalOp::create(
        b, module.getLoc(), b.getStringAttr(sym), TypeAttr::get(argTypes[i]),
        /*is_mutable=*/UnitAttr(), value, b.getStringAttr("private"));
    func.setArgAttr(i, kParamAttrName, FlatSymbolRefAttr::get(global));
    values[p.name] =
        ValueEntry{body->getArgument(i), std::nullopt, nullptr, &p.value};
  }
  for (auto [i, name] : llvm::enumerate(inputNames)) {
    unsigned arg = params.size() + i;
    func.setArgAttr(arg, kInputAttrName, b.getStringAttr(name));
    ValueEntry &e = values[name];
    e.value = body->getArgument(arg);
    auto it = inputValues.find(name);
    if (it == inputValues.end())
      continue;
    e.specialized = it->second;
    // A given integer scalar is a size or count (a window length, a Range
    // bound): let it fold through shape arithmetic like a constant.
    if (!::tccrt::isFloatDType(it->second->dtype) &&
        it->second->dtype != DType::Bool && it->second->numElements() == 1)
      e.constant = *it->second;
  }

  // Nodes.
  const ImportTable &table = getImportTable();
  b.setInsertionPointToStart(body);
  for (int i = 0; i < graph.node_size(); ++i)
    if (failed(importNode(graph.node(i), i, table)))
      return nullptr;

  // Outputs.
  SmallVector<Value> results;
  NodeContext outCtx(*this, onnx::NodeProto::default_instance(), b,
                     module.getLoc(), opset);
  for (const auto &out : graph.output()) {
    auto it = values.find(out.name());
    if (it == values.end()) {
      (void)fileError("graph output '" + out.name() +
                      "' is not produced by any node");
      return nullptr;
    }
    if (!out.type().has_tensor_type()) {
      (void)fileError("graph output '" + out.name() + "' has no tensor type");
      return nullptr;
    }
    ValueEntry &e = it->second;
    if (!e.value)
      e.value = outCtx.constant(*e.constant);
    auto type = cast<RankedTensorType>(e.value.getType());
    if (out.type().has_tensor_type()) {
      const auto &tt = out.type().tensor_type();
      auto dtype = dtypeFromONNX(tt.elem_type());
      if (tt.elem_type() != 0 && dtype != dtypeOf(type.getElementType())) {
        (void)fileError("graph output '" + out.name() +
                        "' is declared with ONNX element type " +
                        Twine(tt.elem_type()) + " but computes " +
                        ::tccrt::dtypeName(*dtypeOf(type.getElementType())));
        return nullptr;
      }
      if (tt.has_shape()) {
        const auto &dims = tt.shape().dim();
        bool ok = dims.size() == type.getRank();
        for (int d = 0; ok && d < dims.size(); ++d)
          if (dims[d].has_dim_value() && dims[d].dim_value() != type.getDimSize(d) &&
              !(d == 0 && (opts.batch || !inputValues.empty())))
            ok = false;
        if (!ok) {
          SmallVector<int64_t> declared;
          for (const auto &d : dims)
            declared.push_back(d.has_dim_value() ? d.dim_value() : -1);
          (void)fileError("inconsistent shape for graph output '" + out.name() +
                          "': the model declares " + formatShape(declared) +
                          " but the graph computes " +
                          formatShape(type.getShape()));
          return nullptr;
        }
      }
    }
    results.push_back(e.value);
  }
  b.setInsertionPointToEnd(body);
  func::ReturnOp::create(b, module.getLoc(), results);
  func.setType(FunctionType::get(ctx, argTypes, ValueRange(results).getTypes()));
  for (auto [i, out] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, kOutputAttrName, b.getStringAttr(out.name()));

  applyStateUpdates(func, graph.output_size());

  if (failed(verify(module)))
    return nullptr;
  return owned;
}

/// Turns the parameters marked as state into `{tcc.state}` arguments and
/// appends their new values as `{tcc.state_update}` results, from result
/// `firstResult` on.
void GraphImporter::applyStateUpdates(func::FuncOp func, unsigned firstResult) {
  if (stateUpdates.empty())
    return;
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  for (auto [k, entry] : llvm::enumerate(stateUpdates)) {
    auto [arg, update] = entry;
    Attribute ref = func.getArgAttr(arg, kParamAttrName);
    func.removeArgAttr(arg, kParamAttrName);
    func.setArgAttr(arg, kStateArgAttr, ref);
    unsigned result = firstResult + k;
    (void)func.insertResult(
        result, update.getType(),
        b.getDictionaryAttr(b.getNamedAttr(kStateUpdateResultAttr, ref)));
    ret->insertOperands(result, update);
  }
}

OwningOpRef<ModuleOp> mlir::tcc::importONNXModel(MLIRContext *context,
                                                 StringRef path,
                                                 const ONNXImportOptions &opts) {
  context->loadDialect<TccDialect, func::FuncDialect, arith::ArithDialect,
                       ml_program::MLProgramDialect, tensor::TensorDialect>();
  GraphImporter importer(context, path, opts);
  return importer.run();
}

FailureOr<std::vector<std::optional<HostTensor>>>
mlir::tcc::getParamInitialValues(func::FuncOp func) {
  std::vector<std::optional<HostTensor>> out(func.getNumArguments());
  auto module = func->getParentOfType<ModuleOp>();
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    auto ref = func.getArgAttrOfType<FlatSymbolRefAttr>(i, kParamAttrName);
    if (!ref)
      ref = func.getArgAttrOfType<FlatSymbolRefAttr>(i, kStateArgAttr);
    if (!ref)
      continue;
    auto global = module.lookupSymbol<ml_program::GlobalOp>(ref);
    if (!global || !global.getValue())
      return func.emitError("parameter ") << i << " has no initial value";
    auto type = cast<RankedTensorType>(func.getArgumentTypes()[i]);
    auto dtype = dtypeOf(type.getElementType());
    HostTensor t(*dtype, std::vector<int64_t>(type.getShape()));
    Attribute value = *global.getValue();
    if (auto res = dyn_cast<DenseResourceElementsAttr>(value)) {
      AsmResourceBlob *blob = res.getRawHandle().getBlob();
      if (!blob || blob->getData().size() != t.numBytes())
        return func.emitError("parameter ") << i << " has a malformed blob";
      std::memcpy(t.data.data(), blob->getData().data(), t.numBytes());
    } else if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
      if (dtype == DType::Bool)
        return func.emitError("parameter ") << i << " has an unsupported value";
      if (dense.isSplat()) {
        // Optimizer state starts as a splat (zeros).
        double v = 0;
        if (isa<FloatType>(type.getElementType())) {
          APFloat f = dense.getSplatValue<APFloat>();
          bool lost;
          f.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
          v = f.convertToDouble();
        } else {
          v = double(dense.getSplatValue<APInt>().getSExtValue());
        }
        for (int64_t e = 0; e < t.numElements(); ++e)
          t.setDouble(e, v);
      } else {
        ArrayRef<char> raw = dense.getRawData();
        std::memcpy(t.data.data(), raw.data(), t.numBytes());
      }
    } else {
      return func.emitError("parameter ") << i << " has an unsupported value";
    }
    out[i] = std::move(t);
  }
  return out;
}
