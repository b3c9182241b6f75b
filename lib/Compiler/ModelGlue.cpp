//===- ModelGlue.cpp - the C description of a compiled training module ---===//
//
// The glue is plain C compiled by the system compiler: descriptor tables,
// wrappers that turn the runtime's raw pointers into the memref descriptors
// of the compiled functions' C interface, and the embedded data (initial
// values, the ONNX model) pulled in with `.incbin` from a side file, so
// large models never become C array literals.
//
//===----------------------------------------------------------------------===//

#include "ModelGlue.h"

#include "tcc/Target/CPU/JitRunner.h"
#include "tcc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <set>

using namespace mlir;
using namespace mlir::tcc;
using ::tccrt::DType;

int64_t TensorInfo::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

int64_t TensorInfo::numBytes() const {
  return numElements() * int64_t(::tccrt::dtypeSize(dtype));
}

//===----------------------------------------------------------------------===//
// Reading the signature
//===----------------------------------------------------------------------===//

namespace {
enum class Role { Param, State, Input, Label, Step, Other };
} // namespace

static Role roleOf(func::FuncOp f, unsigned i) {
  if (f.getArgAttr(i, kParamAttrName))
    return Role::Param;
  if (f.getArgAttr(i, kStateAttrName))
    return Role::State;
  if (f.getArgAttr(i, kInputAttrName))
    return Role::Input;
  if (f.getArgAttr(i, kLabelAttrName))
    return Role::Label;
  if (f.getArgAttr(i, kStepAttrName))
    return Role::Step;
  return Role::Other;
}

static FailureOr<TensorInfo> describe(func::FuncOp f, Type type,
                                      std::string name, const Twine &what) {
  auto tt = dyn_cast<RankedTensorType>(type);
  std::optional<DType> dtype = tt ? toDType(tt.getElementType()) : std::nullopt;
  if (!tt || !tt.hasStaticShape() || !dtype)
    return f.emitError("@") << f.getName() << ": " << what << " has type "
                            << type << "; expected a statically shaped tensor "
                            << "of f32, f64, i64, i32, i16, i8 or i1";
  TensorInfo info;
  info.name = std::move(name);
  info.dtype = *dtype;
  info.shape.assign(tt.getShape().begin(), tt.getShape().end());
  return info;
}

/// The bytes of a global's initial value; nullopt for zeros (the runtime
/// zero-fills tensors without an initial value).
static FailureOr<std::optional<std::vector<uint8_t>>>
readGlobalValue(ml_program::GlobalOp global, const TensorInfo &info) {
  std::optional<Attribute> value = global.getValue();
  if (!value)
    return std::optional<std::vector<uint8_t>>();
  std::vector<uint8_t> bytes(size_t(info.numBytes()));
  if (auto res = dyn_cast<DenseResourceElementsAttr>(*value)) {
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob || blob->getData().size() != bytes.size())
      return global.emitError("the initial value of '")
             << global.getSymName() << "' is missing or malformed";
    std::memcpy(bytes.data(), blob->getData().data(), bytes.size());
    return std::optional(std::move(bytes));
  }
  auto dense = dyn_cast<DenseElementsAttr>(*value);
  if (!dense || info.dtype == DType::Bool)
    return global.emitError("the initial value of '")
           << global.getSymName() << "' has an unsupported form";
  ArrayRef<char> raw = dense.getRawData();
  if (dense.isSplat()) {
    if (llvm::all_of(raw, [](char c) { return c == 0; }))
      return std::optional<std::vector<uint8_t>>();
    size_t width = raw.size();
    for (size_t i = 0; i + width <= bytes.size(); i += width)
      std::memcpy(bytes.data() + i, raw.data(), width);
  } else {
    if (raw.size() != bytes.size())
      return global.emitError("the initial value of '")
             << global.getSymName() << "' has the wrong size";
    std::memcpy(bytes.data(), raw.data(), bytes.size());
  }
  return std::optional(std::move(bytes));
}

/// Describes argument `i` (a param or state: named after its global).
static FailureOr<TensorInfo> describeArg(func::FuncOp f, unsigned i,
                                         Role role) {
  Type type = f.getArgumentTypes()[i];
  std::string what = "argument " + std::to_string(i);
  if (role == Role::Input) {
    auto name = f.getArgAttrOfType<StringAttr>(i, kInputAttrName);
    return describe(f, type, name ? name.str() : "input" + std::to_string(i),
                    what);
  }
  if (role != Role::Param && role != Role::State)
    return describe(f, type, role == Role::Label ? "labels" : "step", what);
  StringRef attrName = role == Role::Param ? kParamAttrName : kStateAttrName;
  auto ref = f.getArgAttrOfType<FlatSymbolRefAttr>(i, attrName);
  if (!ref)
    return f.emitError("@") << f.getName() << ": " << what << ": '"
                            << attrName << "' must name an ml_program.global";
  auto info = describe(f, type, ref.getValue().str(), what);
  if (failed(info))
    return failure();
  auto global = SymbolTable::lookupNearestSymbolFrom<ml_program::GlobalOp>(f, ref);
  if (!global)
    return f.emitError("@") << f.getName() << ": " << what
                            << ": no ml_program.global @" << ref.getValue();
  auto init = readGlobalValue(global, *info);
  if (failed(init))
    return failure();
  info->init = std::move(*init);
  return info;
}

/// Checks that the roles of `f`'s arguments come in Model.h's order and
/// returns them.
static FailureOr<SmallVector<Role>> argumentRoles(func::FuncOp f, bool train) {
  SmallVector<Role> roles;
  for (unsigned i = 0; i < f.getNumArguments(); ++i) {
    Role r = roleOf(f, i);
    // The step counter is the last argument of train_step.
    if (r == Role::Other && train && i + 1 == f.getNumArguments())
      r = Role::Step;
    if (r == Role::Other)
      return f.emitError("@") << f.getName() << ": argument " << i
                              << " is neither a parameter, state, input, "
                                 "label nor the step counter";
    if (!roles.empty() && r < roles.back())
      return f.emitError("@") << f.getName() << ": argument " << i
                              << " is out of order (expected params, state, "
                                 "inputs, labels"
                              << (train ? ", step)" : ")");
    if (!roles.empty() && r == roles.back() &&
        (r == Role::Label || r == Role::Step))
      return f.emitError("@") << f.getName() << ": more than one "
                              << (r == Role::Label ? "labels" : "step")
                              << " argument";
    roles.push_back(r);
  }
  if (train && (roles.empty() || roles.back() != Role::Step))
    return f.emitError("@train_step has no step counter argument");
  if (!train && llvm::is_contained(roles, Role::Step))
    return f.emitError("@eval_step must not take a step counter");
  return roles;
}

static bool sameTensor(const TensorInfo &a, const TensorInfo &b) {
  return a.dtype == b.dtype && a.shape == b.shape;
}

/// K when `train` is K micro-batches of `eval` (the first dimension K times
/// larger, the rest equal); 1 for equal tensors; 0 otherwise.
static int64_t microBatchFactor(const TensorInfo &eval, const TensorInfo &train) {
  if (sameTensor(eval, train))
    return 1;
  if (eval.dtype != train.dtype || eval.shape.empty() ||
      eval.shape.size() != train.shape.size() || eval.shape[0] <= 0 ||
      train.shape[0] % eval.shape[0] != 0 ||
      !std::equal(eval.shape.begin() + 1, eval.shape.end(), train.shape.begin() + 1))
    return 0;
  return train.shape[0] / eval.shape[0];
}

static LogicalResult readTrainStep(func::FuncOp f, TrainingSignature &sig) {
  auto roles = argumentRoles(f, /*train=*/true);
  if (failed(roles))
    return failure();
  for (auto [i, role] : llvm::enumerate(*roles)) {
    auto info = describeArg(f, i, role);
    if (failed(info))
      return failure();
    if (role == Role::Param) sig.params.push_back(*info);
    if (role == Role::State) sig.state.push_back(*info);
    if (role == Role::Input) sig.inputs.push_back(*info);
    if (role == Role::Label) sig.labels = *info;
    if (role == Role::Step && (info->dtype != DType::I64 || !info->shape.empty()))
      return f.emitError("@train_step: the step counter must be tensor<i64>");
    sig.train.args.push_back(std::move(*info));
  }
  size_t p = sig.params.size(), s = sig.state.size(), in = sig.inputs.size();
  // Slots: params, state, inputs, labels, step | params', state', loss.
  for (auto [i, role] : llvm::enumerate(*roles)) {
    int slot = role == Role::Label ? int(p + s + in)
               : role == Role::Step ? int(p + s + in + 1)
                                    : int(i);
    sig.train.argSlots.push_back(slot);
  }
  if (f.getNumResults() != p + s + 1)
    return f.emitError("@train_step returns ")
           << f.getNumResults() << " values; expected " << p + s
           << " (updated params and state) and the loss";
  for (unsigned i = 0; i < f.getNumResults(); ++i) {
    auto info = describe(f, f.getResultTypes()[i], "result", "result " + Twine(i));
    if (failed(info))
      return failure();
    const TensorInfo &expected = i < p ? sig.params[i]
                                 : i < p + s ? sig.state[i - p]
                                             : *info;
    if (!sameTensor(*info, expected) ||
        (i == p + s && (info->dtype != DType::F32 || !info->shape.empty())))
      return f.emitError("@train_step: result ")
             << i << " has the wrong type (params', state', then a "
             << "tensor<f32> loss)";
    // The optimizer names what each update is for: it must be the
    // argument in the same position.
    for (StringRef attr : {kParamUpdateAttrName, kStateUpdateAttrName}) {
      auto ref = f.getResultAttrOfType<FlatSymbolRefAttr>(i, attr);
      if (ref && (i >= p + s || ref.getValue() != expected.name))
        return f.emitError("@train_step: result ")
               << i << " updates @" << ref.getValue() << " but is in the place of "
               << (i < p + s ? "@" + expected.name : std::string("the loss"));
    }
    sig.train.results.push_back(*info);
    sig.train.resultSlots.push_back(int(p + s + in + 2 + i));
  }
  sig.batch = sig.inputs.empty() || sig.inputs[0].shape.empty()
                  ? 0
                  : sig.inputs[0].shape[0];
  return success();
}

static LogicalResult readEvalStep(func::FuncOp f, TrainingSignature &sig) {
  auto roles = argumentRoles(f, /*train=*/false);
  if (failed(roles))
    return failure();
  const StepABI &train = sig.train;
  // The same arguments as train_step without the step counter.
  if (f.getNumArguments() + 1 != train.args.size())
    return f.emitError("@eval_step takes ")
           << f.getNumArguments() << " arguments; expected "
           << train.args.size() - 1 << " (those of @train_step but the step)";
  for (unsigned i = 0; i < f.getNumArguments(); ++i) {
    auto info = describe(f, f.getArgumentTypes()[i], train.args[i].name,
                         "argument " + Twine(i));
    if (failed(info))
      return failure();
    int64_t k = microBatchFactor(*info, train.args[i]);
    bool batched = (*roles)[i] == Role::Input || (*roles)[i] == Role::Label;
    if (k < 1 || (k > 1 && !batched) ||
        (k > 1 && sig.eval.microBatches > 1 && k != sig.eval.microBatches))
      return f.emitError("@eval_step: argument ")
             << i << " differs from @train_step's";
    if (k > 1)
      sig.eval.microBatches = k;
    sig.eval.args.push_back(*info);
    sig.eval.argSlots.push_back(train.argSlots[i]);
  }
  // Batched arguments are sliced; every batched one must be split alike.
  for (auto [i, info] : llvm::enumerate(sig.eval.args)) {
    int64_t k = microBatchFactor(info, train.args[i]);
    if (k != 1 && k != sig.eval.microBatches)
      return f.emitError("@eval_step: argument ")
             << i << " is not split into " << sig.eval.microBatches
             << " micro-batches like the others";
    sig.eval.argSliceBytes.push_back(k == 1 && sig.eval.microBatches > 1 &&
                                             ((*roles)[i] == Role::Input ||
                                              (*roles)[i] == Role::Label)
                                         ? -1
                                         : (k > 1 ? info.numBytes() : 0));
  }
  if (llvm::is_contained(sig.eval.argSliceBytes, -1))
    return f.emitError("@eval_step: inputs and labels must all take one "
                       "micro-batch of @train_step's");
  if (f.getNumResults() < 2)
    return f.emitError("@eval_step must return the loss and the predictions");
  int base = int(sig.params.size() + sig.state.size() + sig.inputs.size() + 1);
  for (unsigned i = 0; i < f.getNumResults(); ++i) {
    auto name = f.getResultAttrOfType<StringAttr>(i, kOutputAttrName);
    auto info = describe(f, f.getResultTypes()[i],
                         name ? name.str() : "output" + std::to_string(i),
                         "result " + Twine(i));
    if (failed(info))
      return failure();
    if (i == 0 && (info->dtype != DType::F32 || !info->shape.empty()))
      return f.emitError("@eval_step: result 0 must be the tensor<f32> loss");
    bool batched = i == 1 && sig.eval.microBatches > 1 && !info->shape.empty();
    sig.eval.resultSliceBytes.push_back(batched ? info->numBytes() : 0);
    if (i == 1) {
      sig.predictions = *info;
      // The runtime sees predictions for all K micro-batches.
      if (batched)
        sig.predictions->shape[0] *= sig.eval.microBatches;
    }
    sig.eval.results.push_back(*info);
    sig.eval.resultSlots.push_back(i < 2 ? base + int(i) : -1);
  }
  return success();
}

FailureOr<TrainingSignature> tcc::readTrainingSignature(ModuleOp module) {
  auto train = module.lookupSymbol<func::FuncOp>("train_step");
  auto eval = module.lookupSymbol<func::FuncOp>("eval_step");
  if (!train || !eval)
    return module.emitError("the training module has no @")
           << (train ? "eval_step" : "train_step") << " function";
  TrainingSignature sig;
  if (failed(readTrainStep(train, sig)) || failed(readEvalStep(eval, sig)))
    return failure();
  return sig;
}

//===----------------------------------------------------------------------===//
// Writing the glue
//===----------------------------------------------------------------------===//

uint64_t tcc::computeFingerprint(const TrainingSignature &sig,
                                 StringRef configText) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](StringRef s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0xff; // separator
    h *= 1099511628211ull;
  };
  auto tensor = [&](StringRef kind, const TensorInfo &t) {
    mix(kind);
    mix(t.name);
    mix(::tccrt::dtypeName(t.dtype));
    for (int64_t d : t.shape)
      mix(std::to_string(d));
  };
  for (auto &t : sig.params) tensor("param", t);
  for (auto &t : sig.state) tensor("state", t);
  for (auto &t : sig.inputs) tensor("input", t);
  if (sig.labels) tensor("labels", *sig.labels);
  if (sig.predictions) tensor("predictions", *sig.predictions);
  mix(configText);
  return h;
}

/// A C string literal.
static std::string cString(StringRef s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\%03o", c);
      out += buf;
    } else {
      out += char(c);
    }
  }
  return out + "\"";
}

static std::string join(ArrayRef<int64_t> v) {
  std::string s;
  for (int64_t x : v)
    s += (s.empty() ? "" : ", ") + std::to_string(x);
  return s;
}

namespace {
/// Accumulates the embedded data file, 64-byte aligned pieces.
struct DataFile {
  std::string bytes;
  size_t add(const uint8_t *data, size_t size) {
    bytes.resize((bytes.size() + 63) / 64 * 64, '\0');
    size_t offset = bytes.size();
    bytes.append(reinterpret_cast<const char *>(data), size);
    return offset;
  }
};
} // namespace

static void emitDescTable(llvm::raw_ostream &os, StringRef table,
                          ArrayRef<TensorInfo> tensors, DataFile &data) {
  for (auto [i, t] : llvm::enumerate(tensors))
    os << "static const int64_t " << table << "_shape" << i << "[] = {"
       << (t.shape.empty() ? "0" : join(t.shape)) << "};\n";
  if (tensors.empty())
    return;
  os << "static const tcc_tensor_desc " << table << "[] = {\n";
  for (auto [i, t] : llvm::enumerate(tensors)) {
    std::string init = "NULL";
    if (t.init)
      init = "tcc_glue_data + " +
             std::to_string(data.add(t.init->data(), t.init->size()));
    os << "  {" << cString(t.name) << ", " << int(t.dtype) << ", "
       << t.shape.size() << ", " << table << "_shape" << i << ", " << init
       << "},\n";
  }
  os << "};\n";
}

/// A single descriptor (labels, predictions) as an initializer.
static std::string descInit(StringRef shapeName, const std::optional<TensorInfo> &t) {
  if (!t)
    return "{NULL, 0, 0, NULL, NULL}";
  return "{" + cString(t->name) + ", " + std::to_string(int(t->dtype)) + ", " +
         std::to_string(t->shape.size()) + ", " + shapeName.str() + ", NULL}";
}

static const char *cElementType(DType t) {
  switch (t) {
  case DType::F32: return "float";
  case DType::F64: return "double";
  case DType::I64: return "int64_t";
  case DType::I32: return "int32_t";
  case DType::I16: return "int16_t";
  case DType::I8: return "int8_t";
  case DType::Bool: return "uint8_t";
  }
  return "uint8_t";
}

/// `static void NAME(void **args)`: one memref descriptor per tensor over
/// the runtime's dense buffers, then the compiled function's C interface.
///
/// A result whose buffer is its input's (in-place updates) is passed as is:
/// the CPU pipeline (tcc-in-place-out-params) makes out-param k safe to
/// alias argument k.
static void emitWrapper(llvm::raw_ostream &os, StringRef name,
                        const StepABI &abi) {
  SmallVector<const TensorInfo *> all;
  SmallVector<int> slots;
  SmallVector<int64_t> slices;
  for (auto [i, t] : llvm::enumerate(abi.args)) {
    all.push_back(&t);
    slots.push_back(abi.argSlots[i]);
    slices.push_back(i < abi.argSliceBytes.size() ? abi.argSliceBytes[i] : 0);
  }
  for (auto [i, t] : llvm::enumerate(abi.results)) {
    all.push_back(&t);
    slots.push_back(abi.resultSlots[i]);
    slices.push_back(i < abi.resultSliceBytes.size() ? abi.resultSliceBytes[i] : 0);
  }
  int64_t k = abi.microBatches;
  size_t lossIndex = abi.args.size(); // eval: result 0, averaged over k
  os << "void _mlir_ciface_" << name << "(";
  for (auto [i, t] : llvm::enumerate(all))
    os << (i ? ", " : "") << "tcc_memref" << t->shape.size() << " *";
  os << ");\n\nstatic void " << name << "(void **args) {\n";
  if (k > 1)
    os << "  float tcc_loss = 0, tcc_loss_sum = 0;\n";
  // Base pointers: the runtime's buffers, or scratch memory.
  for (auto [i, t] : llvm::enumerate(all)) {
    int64_t bytes = std::max<int64_t>(t->numBytes(), 1);
    os << "  char *b" << i << " = ";
    if (k > 1 && i == lossIndex)
      os << "(char *)&tcc_loss;\n";
    else if (slots[i] < 0) // an output the runtime does not take
      os << "malloc(" << bytes << ");\n";
    else
      os << "args[" << slots[i] << "];\n";
    if (slots[i] < 0)
      os << "  if (!b" << i << ") abort();\n";
  }
  std::string indent = "  ";
  if (k > 1) {
    os << "  for (int64_t k = 0; k < " << k << "; ++k) {\n";
    indent = "    ";
  }
  for (auto [i, t] : llvm::enumerate(all)) {
    std::vector<int64_t> strides(t->shape.size(), 1);
    for (int64_t d = int64_t(t->shape.size()) - 2; d >= 0; --d)
      strides[d] = strides[d + 1] * t->shape[d + 1];
    std::string ptr = "b" + std::to_string(i);
    if (slices[i] > 0)
      ptr = "(" + ptr + " + k * " + std::to_string(slices[i]) + ")";
    os << indent << "tcc_memref" << t->shape.size() << " d" << i << " = {"
       << ptr << ", " << ptr << ", 0";
    if (!t->shape.empty())
      os << ", {" << join(t->shape) << "}, {" << join(strides) << "}";
    os << "};\n";
  }
  os << indent << "_mlir_ciface_" << name << "(";
  for (size_t i = 0; i < all.size(); ++i)
    os << (i ? ", " : "") << "&d" << i;
  os << ");\n";
  if (k > 1)
    os << "    tcc_loss_sum += tcc_loss;\n  }\n  *(float *)args["
       << slots[lossIndex] << "] = tcc_loss_sum / " << k << ";\n";
  for (size_t i = 0; i < all.size(); ++i)
    if (slots[i] < 0)
      os << "  free(b" << i << ");\n";
  os << "}\n\n";
}

/// memrefCopy as MLIR's C runner utilities define it (copies between
/// memrefs of non-identity layout lower to it), so the binary needs no
/// MLIR library. Weak: a host that loads those utilities keeps its own.
static const char *kMemrefCopy = R"C(
typedef struct { int64_t rank; void *descriptor; } tcc_unranked_memref;

__attribute__((weak)) void memrefCopy(int64_t elemSize, tcc_unranked_memref *src,
                                      tcc_unranked_memref *dst) {
  int64_t rank = src->rank;
  /* {allocated, aligned, offset, sizes[rank], strides[rank]} */
  char **sp = (char **)src->descriptor, **dp = (char **)dst->descriptor;
  int64_t *s = (int64_t *)(sp + 2), *d = (int64_t *)(dp + 2);
  char *sbase = sp[1] + s[0] * elemSize, *dbase = dp[1] + d[0] * elemSize;
  int64_t *sizes = s + 1, *sstr = s + 1 + rank, *dstr = d + 1 + rank;
  int64_t n = 1, idx[64] = {0};
  if (rank > 64) abort();
  for (int64_t i = 0; i < rank; ++i) n *= sizes[i];
  for (int64_t e = 0; e < n; ++e) {
    int64_t so = 0, doff = 0;
    for (int64_t i = 0; i < rank; ++i) { so += idx[i] * sstr[i]; doff += idx[i] * dstr[i]; }
    memcpy(dbase + doff * elemSize, sbase + so * elemSize, (size_t)elemSize);
    for (int64_t i = rank - 1; i >= 0; --i) {
      if (++idx[i] < sizes[i]) break;
      idx[i] = 0;
    }
  }
}
)C";

static std::string assemblerPath(StringRef path) {
  std::string s;
  for (char c : path) {
    if (c == '"' || c == '\\')
      s += "\\\\";
    s += c;
  }
  return s;
}

static void emitMemrefTypes(llvm::raw_ostream &os, const TrainingSignature &sig) {
  std::set<size_t> ranks;
  for (const StepABI *abi : {&sig.train, &sig.eval}) {
    for (auto &t : abi->args) ranks.insert(t.shape.size());
    for (auto &t : abi->results) ranks.insert(t.shape.size());
  }
  for (size_t r : ranks) {
    os << "typedef struct { void *allocated, *aligned; int64_t offset;";
    if (r)
      os << " int64_t sizes[" << r << "], strides[" << r << "];";
    os << " } tcc_memref" << r << ";\n";
  }
  os << "\n";
}

FailureOr<std::string> tcc::writeModelGlue(Location loc,
                                           const TrainingSignature &sig,
                                           const GlueInputs &in, StringRef dir) {
  SmallString<256> cPath(dir), dataPath(dir);
  llvm::sys::path::append(cPath, "model_glue.c");
  llvm::sys::path::append(dataPath, "model_data.bin");

  DataFile data;
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "/* Generated by tcc-compile for " << in.modelName
     << ": the model's tables for the trainer runtime (Model.h). */\n"
     << "#include \"tcc/Runtime/Model.h\"\n#include <stdlib.h>\n#include "
        "<string.h>\n\n";
  // The data file: .incbin keeps megabytes of weights out of the C parser.
  os << "__asm__(\".section .rodata\\n.balign 64\\n.globl tcc_glue_data\\n"
        ".hidden tcc_glue_data\\ntcc_glue_data:\\n.incbin \\\""
     << assemblerPath(dataPath) << "\\\"\\n.byte 0\\n.previous\\n\");\n"
     << "extern const unsigned char tcc_glue_data[] "
        "__attribute__((visibility(\"hidden\")));\n\n";
  emitDescTable(os, "tcc_params", sig.params, data);
  emitDescTable(os, "tcc_state", sig.state, data);
  emitDescTable(os, "tcc_inputs", sig.inputs, data);
  os << "static const int64_t tcc_labels_shape[] = {"
     << (sig.labels && !sig.labels->shape.empty() ? join(sig.labels->shape) : "0")
     << "};\nstatic const int64_t tcc_predictions_shape[] = {"
     << (sig.predictions && !sig.predictions->shape.empty()
             ? join(sig.predictions->shape)
             : "0")
     << "};\n\n";

  size_t onnxOffset = 0, onnxSize = 0;
  if (!in.onnxPath.empty()) {
    auto buf = llvm::MemoryBuffer::getFile(in.onnxPath);
    if (!buf)
      return emitError(loc, "cannot read '")
             << in.onnxPath << "': " << buf.getError().message();
    onnxSize = (*buf)->getBufferSize();
    onnxOffset = data.add(
        reinterpret_cast<const uint8_t *>((*buf)->getBufferStart()), onnxSize);
  }

  emitMemrefTypes(os, sig);
  emitWrapper(os, "train_step", sig.train);
  emitWrapper(os, "eval_step", sig.eval);
  os << kMemrefCopy << "\n";

  auto count = [](size_t n, StringRef table) {
    return std::to_string(n) + ", " + (n ? table.str() : std::string("NULL"));
  };
  os << "const tcc_model tcc_the_model = {\n"
     << "  TCC_MODEL_ABI_VERSION, " << cString(in.modelName) << ",\n"
     << "  " << count(sig.params.size(), "tcc_params") << ",\n"
     << "  " << count(sig.state.size(), "tcc_state") << ",\n"
     << "  " << count(sig.inputs.size(), "tcc_inputs") << ",\n"
     << "  " << descInit("tcc_labels_shape", sig.labels) << ",\n"
     << "  " << descInit("tcc_predictions_shape", sig.predictions) << ",\n"
     << "  " << sig.batch << ", train_step, eval_step,\n"
     << "  " << (onnxSize ? "tcc_glue_data + " + std::to_string(onnxOffset) : "NULL")
     << ", " << onnxSize << ",\n"
     << "  0x" << llvm::format_hex_no_prefix(computeFingerprint(sig, in.configText), 16)
     << "ull,\n  " << cString(in.configText) << "\n};\n\n";
  if (in.withLibraryAPI)
    os << "const tcc_model *tcc_get_model(void) { return &tcc_the_model; }\n";
  if (in.withMain)
    os << "int tcc_trainer_main(const tcc_model *, int, char **);\n"
          "int main(int argc, char **argv) {\n"
          "  return tcc_trainer_main(&tcc_the_model, argc, argv);\n}\n";
  os.flush();

  for (auto [path, contents] : {std::pair<StringRef, StringRef>(cPath, text),
                                {dataPath, data.bytes}}) {
    std::error_code ec;
    llvm::raw_fd_ostream file(path, ec);
    if (!ec) {
      file << contents;
      file.close();
      ec = file.error();
    }
    if (ec)
      return emitError(loc, "cannot write '") << path << "': " << ec.message();
  }
  return cPath.str().str();
}

std::string tcc::generateLibraryHeader(const TrainingSignature &sig,
                                       StringRef guardName, StringRef modelName,
                                       bool profile) {
  std::string text;
  llvm::raw_string_ostream os(text);
  StringRef prefix = guardName;
  prefix.consume_back("_H");
  auto tensors = [&](StringRef kind, ArrayRef<TensorInfo> ts) {
    for (auto [i, t] : llvm::enumerate(ts))
      os << " *   " << kind << " " << i << ": " << t.name << ": "
         << cElementType(t.dtype) << "[" << join(t.shape) << "]\n";
  };
  os << "/* Generated by tcc-compile for " << modelName
     << ": the C interface of the shared library beside this header.\n"
     << " *\n * Tensors are dense row-major buffers:\n";
  tensors("input", sig.inputs);
  if (sig.labels)
    tensors("labels", *sig.labels);
  if (sig.predictions)
    tensors("predictions", *sig.predictions);
  os << " *   (" << sig.params.size() << " parameters, " << sig.state.size()
     << " state tensors)\n"
     << " * Functions returning int give 0 on success; then see "
        "tcc_trainer_last_error.\n"
     << " * The compiled steps keep their intermediates in static memory: one\n"
     << " * train or eval step at a time in a process, even across trainers.\n */\n"
     << "#ifndef " << guardName << "\n#define " << guardName << "\n\n"
     << "#include <stdint.h>\n\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "#define " << prefix << "_BATCH " << sig.batch << "\n"
     << "#define " << prefix << "_NUM_INPUTS " << sig.inputs.size() << "\n\n"
     << "typedef struct tcc_model tcc_model;\n"
     << "typedef struct tcc_trainer tcc_trainer;\n\n"
     << "/* This library's model (include/tcc/Runtime/Model.h). */\n"
     << "const tcc_model *tcc_get_model(void);\n\n"
     << "/* init: a trainer with the initial parameters (NULL on error). */\n"
     << "tcc_trainer *tcc_trainer_create(const tcc_model *model);\n"
     << "void tcc_trainer_destroy(tcc_trainer *t);\n"
     << "const char *tcc_trainer_last_error(const tcc_trainer *t);\n"
     << "int64_t tcc_trainer_step_count(const tcc_trainer *t);\n"
     << "/* One optimizer step; inputs: NUM_INPUTS buffers. */\n"
     << "int tcc_trainer_train_step(tcc_trainer *t, const void *const *inputs,\n"
     << "                           const void *labels, float *loss);\n"
     << "/* Forward pass only (predictions may be NULL). */\n"
     << "int tcc_trainer_eval_step(tcc_trainer *t, const void *const *inputs,\n"
     << "                          const void *labels, float *loss, void *predictions);\n"
     << "int tcc_trainer_save(tcc_trainer *t, const char *path);\n"
     << "int tcc_trainer_load(tcc_trainer *t, const char *path);\n"
     << "int tcc_trainer_export_onnx(tcc_trainer *t, const char *path);\n\n";
  if (profile)
    os << "/* Built with --profile: the time of each kernel of the steps so far,\n"
       << " * as a table (path NULL: stderr); reset zeroes the counters. */\n"
       << "int tcc_profile_write(const char *path);\n"
       << "void tcc_profile_reset(void);\n\n";
  os << "#ifdef __cplusplus\n}\n#endif\n\n#endif\n";
  os.flush();
  return text;
}
