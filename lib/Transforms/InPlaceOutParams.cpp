//===- InPlaceOutParams.cpp - out-params that may alias their inputs -----===//
//
// After `buffer-results-to-out-params{add-result-attr}`, result k of a
// function is its k-th `bufferize.result` argument, filled by a copy at the
// end. tcc's step ABI (include/tcc/Runtime/Model.h) lets the caller pass the
// buffer of argument k as out-param k (parameters and optimizer state are
// updated in place). This pass removes the copies where it can and makes
// every such pair of equal types safe to alias, in this order of preference
// (an out-param without such an argument only gets steps 1 and 2):
//
//  1. the result's buffer becomes the out-param (no copy, no temporary),
//     when no use of argument k follows the first write of that buffer other
//     than an elementwise op reading argument k at the index it writes;
//  2. else the last op writing the result is redirected into the out-param
//     (the earlier temporary keeps its other uses), under the same rule;
//  3. else the final copy stays, when it still comes after every read of
//     argument k;
//  4. else argument k is first copied to a temporary that all reads use.
//
//===----------------------------------------------------------------------===//

#include "tcc/Transforms/Passes.h"

#include "BufferAliases.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::tcc {
#define GEN_PASS_DEF_INPLACEOUTPARAMSPASS
#include "tcc/Transforms/Passes.h.inc"
} // namespace mlir::tcc

using namespace mlir;
using namespace mlir::tcc;

static constexpr llvm::StringLiteral kResultAttr = "bufferize.result";

namespace {
/// A use of some alias of a buffer: the entry-block position of its op.
struct Use {
  int64_t position;
  Operation *user;
  Value value;
};
struct Uses {
  SmallVector<Use> ops;
  bool escapes = false;
};
} // namespace

static Uses usesOf(Value v, const BlockOrder &order, Operation *except = nullptr) {
  Uses uses;
  if (!v)
    return uses;
  for (Value alias : collectAliases(v, uses.escapes))
    for (Operation *user : alias.getUsers())
      if (user != except)
        uses.ops.push_back({order.position(user), user, alias});
  return uses;
}

/// Whether `op` reads `in` only at the index where it writes `target`:
/// a linalg op with parallel loops whose every operand that is `in` has the
/// (bijective) indexing map of the init `target`, or a copy from `in` to
/// `target`.
static bool sameIndex(Operation *op, Value in, Value target) {
  if (auto copy = dyn_cast<memref::CopyOp>(op))
    return copy.getSource() == in && copy.getTarget() == target;
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureBufferSemantics() ||
      linalgOp.getNumParallelLoops() != linalgOp.getNumLoops())
    return false;
  OpOperand *init = nullptr;
  for (OpOperand &operand : linalgOp.getDpsInitsMutable())
    if (operand.get() == target) {
      if (init)
        return false;
      init = &operand;
    }
  if (!init || linalgOp.payloadUsesValueFromOperand(init))
    return false;
  AffineMap map = linalgOp.getMatchingIndexingMap(init);
  if (!map.isPermutation())
    return false;
  for (OpOperand &operand : op->getOpOperands())
    if (operand.get() == in && linalgOp.getMatchingIndexingMap(&operand) != map)
      return false;
  return true;
}

/// No use of `in` follows a use of `target` (the result's buffer), except
/// in one top-level elementwise op using both directly, at the same index.
static bool aliasSafe(const Uses &reads, const Uses &writes, Value in,
                      Value target, Block &entry) {
  if (reads.escapes || writes.escapes)
    return false;
  for (const Use &r : reads.ops)
    for (const Use &w : writes.ops) {
      if (r.position < 0 || w.position < 0 || r.position > w.position)
        return false;
      if (r.position == w.position &&
          !(r.user == w.user && r.user->getBlock() == &entry &&
            r.value == in && w.value == target && sameIndex(w.user, in, target)))
        return false;
    }
  return true;
}

/// The copy filling `out` when it is `out`'s only use.
static memref::CopyOp finalCopy(Value out) {
  if (!out.hasOneUse())
    return nullptr;
  auto copy = dyn_cast<memref::CopyOp>(*out.getUsers().begin());
  return copy && copy.getTarget() == out ? copy : nullptr;
}

/// Step 1: the allocation of the result becomes the out-param.
static bool replaceAllocation(func::FuncOp f, Value in, Value out) {
  memref::CopyOp copy = finalCopy(out);
  auto alloc = copy ? copy.getSource().getDefiningOp<memref::AllocOp>() : nullptr;
  if (!alloc || alloc->getBlock() != &f.front() || alloc.getType() != out.getType())
    return false;
  BlockOrder order(f.front());
  Uses writes = usesOf(alloc, order, copy);
  int64_t copyAt = order.position(copy);
  // After the copy, the buffer may only be copied again (a result returned
  // twice): the out-param must keep the value the copy gave it.
  auto copiedLater = [&](const Use &u) {
    auto other = dyn_cast<memref::CopyOp>(u.user);
    return u.position <= copyAt || (other && other.getSource() == alloc);
  };
  if (!llvm::all_of(writes.ops, copiedLater) ||
      !aliasSafe(usesOf(in, order), writes, in, alloc, f.front()))
    return false;
  copy.erase();
  alloc.replaceAllUsesWith(out);
  alloc.erase();
  return true;
}

/// Step 2: the last op writing the result writes the out-param instead.
static bool redirectLastWriter(func::FuncOp f, Value in, Value out) {
  memref::CopyOp copy = finalCopy(out);
  auto alloc = copy ? copy.getSource().getDefiningOp<memref::AllocOp>() : nullptr;
  if (!alloc || alloc.getType() != out.getType())
    return false;
  BlockOrder order(f.front());
  Uses uses = usesOf(alloc, order, copy);
  if (uses.escapes || uses.ops.empty())
    return false;
  const Use &last = *llvm::max_element(
      uses.ops, [](const Use &a, const Use &b) { return a.position < b.position; });
  // It must overwrite the whole result through its one init, whose value
  // its payload does not read; it may read the old contents as an input,
  // which it then no longer clobbers.
  auto writer = dyn_cast<linalg::LinalgOp>(last.user);
  if (!writer || writer->getBlock() != &f.front() ||
      last.position >= order.position(copy) ||
      !llvm::all_of(uses.ops,
                    [&](const Use &u) {
                      return u.position < last.position || u.user == last.user;
                    }) ||
      !sameIndex(writer, Value(), alloc))
    return false;
  llvm::SmallDenseSet<Value> aliases;
  for (const Use &u : uses.ops)
    aliases.insert(u.value);
  if (llvm::count_if(writer.getDpsInits(),
                     [&](Value v) { return aliases.contains(v); }) != 1)
    return false;
  Uses writes;
  writes.ops.push_back({last.position, last.user, alloc});
  if (!aliasSafe(usesOf(in, order), writes, in, alloc, f.front()))
    return false;
  for (OpOperand &operand : writer.getDpsInitsMutable())
    if (operand.get() == alloc)
      operand.set(out);
  copy.erase();
  return true;
}

/// Step 4: every read of `in` goes to a copy taken on entry.
static void snapshotInput(func::FuncOp f, Value in) {
  OpBuilder b = OpBuilder::atBlockBegin(&f.front());
  auto type = cast<MemRefType>(in.getType());
  auto alloc = memref::AllocOp::create(b, f.getLoc(),
                                       MemRefType::get(type.getShape(), type.getElementType()));
  auto copy = memref::CopyOp::create(b, f.getLoc(), in, alloc);
  in.replaceAllUsesExcept(alloc, copy);
}

/// `in` is null when out-param `out` has no input it may alias.
static void makeAliasSafe(func::FuncOp f, Value in, Value out) {
  if (replaceAllocation(f, in, out) || redirectLastWriter(f, in, out) || !in)
    return;
  BlockOrder order(f.front());
  if (!aliasSafe(usesOf(in, order), usesOf(out, order), in, out, f.front()))
    snapshotInput(f, in);
}

namespace {
struct InPlaceOutParamsPass
    : tcc::impl::InPlaceOutParamsPassBase<InPlaceOutParamsPass> {
  void runOnOperation() override {
    func::FuncOp f = getOperation();
    SmallVector<unsigned> outParams;
    for (unsigned i = 0; i < f.getNumArguments(); ++i)
      if (f.getArgAttr(i, kResultAttr))
        outParams.push_back(i);
    unsigned numInputs = f.getNumArguments() - outParams.size();
    bool trailing = llvm::all_of(outParams, [&](unsigned i) { return i >= numInputs; });
    if (!f.isExternal() && f.getBody().hasOneBlock() && trailing) {
      for (auto [k, outIndex] : llvm::enumerate(outParams)) {
        Value out = f.getArgument(outIndex);
        auto type = dyn_cast<MemRefType>(out.getType());
        if (!type || !type.hasStaticShape())
          continue;
        Value in = k < numInputs ? f.getArgument(k) : Value();
        makeAliasSafe(f, in && in.getType() == type ? in : Value(), out);
      }
    } else if (!outParams.empty()) {
      f.emitWarning("tcc-in-place-out-params: out-params are not the "
                    "trailing arguments of a single-block function; they must "
                    "not alias the inputs");
    }
    for (unsigned i : outParams)
      f.removeArgAttr(i, kResultAttr);
  }
};
} // namespace
