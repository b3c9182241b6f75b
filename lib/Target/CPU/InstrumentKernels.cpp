//===- InstrumentKernels.cpp - time each kernel of the compiled steps ----===//
//
// On buffers, once every linalg op has become its loop nest (after
// tcc-cpu-tile-and-vectorize and tcc-plan-buffers, before OpenMP lowering),
// the body of a step function is a straight sequence of kernels: loop nests,
// linalg ops left for convert-linalg-to-loops, copies, and the views and
// constants between them. Each kernel gets a call to the runtime's
// `__tcc_profile_begin(id)` before it and `__tcc_profile_end(id)` after it,
// and each function one more pair around its whole body. The table naming
// the ids is a string global the runtime finds by symbol name, so a binary
// built without the pass links and runs exactly as before.
//
//===----------------------------------------------------------------------===//

#include "tcc/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"

namespace mlir::tcc {
#define GEN_PASS_DEF_INSTRUMENTKERNELSPASS
#include "tcc/Target/CPU/Passes.h.inc"
} // namespace mlir::tcc

using namespace mlir;

namespace {
constexpr StringLiteral kBegin = "__tcc_profile_begin";
constexpr StringLiteral kEnd = "__tcc_profile_end";
constexpr StringLiteral kNames = "__tcc_profile_names";
constexpr StringLiteral kCount = "__tcc_profile_count";
/// Node names listed in full; more are counted.
constexpr size_t kMaxNames = 3;

/// Views, constants, allocations and scalar arithmetic between kernels take
/// no time worth a clock read of their own.
bool isBookkeeping(Operation *op) {
  if (op->hasTrait<OpTrait::IsTerminator>())
    return true;
  if (isa<memref::AllocOp, memref::AllocaOp, memref::DeallocOp,
          memref::GetGlobalOp, memref::AssumeAlignmentOp>(op))
    return true;
  return op->getNumRegions() == 0 &&
         (isa<ViewLikeOpInterface>(op) || isMemoryEffectFree(op));
}

bool isFloatLike(Type t) { return isa<FloatType>(getElementTypeOrSelf(t)); }

/// What a kernel computes, from the ops it is made of: the linalg op it
/// still is, or the vector code tcc-cpu-tile-and-vectorize left.
StringRef classify(ArrayRef<Operation *> ops) {
  bool conv = false, matmul = false, reduction = false, compute = false,
       reads = false, writes = false, calls = false;
  auto visit = [&](Operation *op) {
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
      conv |= isa<linalg::ConvolutionOpInterface>(op);
      matmul |= linalg::isaContractionOpInterface(linalgOp);
      reduction |= linalgOp.getNumReductionLoops() > 0;
      // A fill reads only its scalar; a copy's body only yields.
      reads |= !isa<linalg::FillOp>(op);
      writes = true;
      if (Block *block = linalgOp.getBlock())
        compute |=
            !isa<linalg::FillOp>(op) && !isa<linalg::YieldOp>(block->front());
      return;
    }
    // Register tiles are outer products by now, FMAs of broadcast rows.
    matmul |=
        isa<vector::ContractionOp, vector::OuterProductOp, vector::FMAOp>(op);
    reduction |= isa<vector::ReductionOp, vector::MultiDimReductionOp>(op);
    if (auto forOp = dyn_cast<scf::ForOp>(op))
      reduction |= llvm::any_of(forOp.getInitArgs().getTypes(), isFloatLike);
    if (auto reduce = dyn_cast<scf::ReduceOp>(op))
      reduction |= reduce->getNumOperands() > 0;
    if ((isa<arith::ArithDialect, math::MathDialect>(op->getDialect()) &&
         !isa<arith::ConstantOp>(op) &&
         llvm::any_of(op->getResultTypes(), isFloatLike)) ||
        isa<arith::CmpFOp>(op))
      compute = true;
    reads |= isa<memref::LoadOp, vector::LoadOp, vector::TransferReadOp,
                 vector::MaskedLoadOp, vector::GatherOp, memref::CopyOp>(op);
    writes |= isa<memref::StoreOp, vector::StoreOp, vector::TransferWriteOp,
                  vector::MaskedStoreOp, memref::CopyOp>(op);
    calls |= isa<func::CallOp>(op);
  };
  for (Operation *op : ops)
    op->walk<WalkOrder::PreOrder>([&](Operation *nested) {
      visit(nested);
      // A linalg op's region is its scalar body, not a kernel of its own.
      return isa<linalg::LinalgOp>(nested) ? WalkResult::skip()
                                           : WalkResult::advance();
    });
  if (conv)
    return "conv";
  if (matmul)
    return "matmul";
  if (reduction)
    return "reduction";
  if (compute)
    return "elementwise";
  if (calls)
    return "call";
  if (reads)
    return "copy";
  return writes ? "fill" : "other";
}

/// The node names in `loc` (the importer's NameLocs, fused by kernel
/// formation), in order, without repeats.
void collectNames(Location loc, llvm::SetVector<StringRef> &names) {
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location l : fused.getLocations())
      collectNames(l, names);
  } else if (auto name = dyn_cast<NameLoc>(loc)) {
    names.insert(name.getName().strref());
  } else if (auto site = dyn_cast<CallSiteLoc>(loc)) {
    collectNames(site.getCallee(), names);
  }
}

std::string describe(Location loc) {
  llvm::SetVector<StringRef> names;
  collectNames(loc, names);
  if (names.empty())
    return "(no ONNX node)";
  ArrayRef<StringRef> all = names.getArrayRef();
  std::string text = llvm::join(all.take_front(kMaxNames), ", ");
  if (all.size() > kMaxNames)
    text += " +" + std::to_string(all.size() - kMaxNames) + " more";
  // The table is tab- and newline-separated.
  for (char &c : text)
    if (c == '\t' || c == '\n')
      c = ' ';
  return text;
}

/// The buffer a view is of: a planned buffer (a view of the arena), an
/// allocation or an argument.
Value bufferOf(Value v) {
  while (auto view = v.getDefiningOp<ViewLikeOpInterface>()) {
    if (isa<memref::ViewOp>(view))
      break;
    v = view.getViewSource();
  }
  return v;
}

/// The buffers `op` writes.
void collectWrites(Operation *op, llvm::SmallPtrSetImpl<Value> &written) {
  op->walk([&](MemoryEffectOpInterface iface) {
    SmallVector<MemoryEffects::EffectInstance> effects;
    iface.getEffects(effects);
    for (const auto &effect : effects)
      if (isa<MemoryEffects::Write>(effect.getEffect()) && effect.getValue() &&
          isa<BaseMemRefType>(effect.getValue().getType()))
        written.insert(bufferOf(effect.getValue()));
  });
}

/// A run of top-level ops timed as one kernel.
struct Kernel {
  Operation *first, *last;
  Location loc;
  /// The kind of its loop nests and linalg ops; empty while it has only
  /// region-free ops (vector loads, stores, copies), which join a neighbour.
  StringRef kind;
  SmallVector<Operation *> ops;
  llvm::SmallPtrSet<Value, 4> written;
};

/// Consecutive ops of one node (location) and kind that write the same
/// buffer are one kernel: the peeled pieces and remainder tiles of one
/// matmul, the copy loops of one im2col; but the im2col apart from the
/// matmul reading it, and a node's dX apart from its dW.
SmallVector<Kernel> findKernels(Block &body) {
  // Scratch shared by several nodes (the matmuls' panel-packing buffer)
  // says nothing about which op a loop belongs to.
  DenseMap<Operation *, llvm::SmallPtrSet<Value, 4>> writes;
  DenseMap<Value, Location> writerOf;
  llvm::SmallPtrSet<Value, 4> shared;
  for (Operation &op : body) {
    if (isBookkeeping(&op))
      continue;
    collectWrites(&op, writes[&op]);
    for (Value v : writes[&op])
      if (!writerOf.try_emplace(v, op.getLoc()).second &&
          writerOf.at(v) != op.getLoc())
        shared.insert(v);
  }

  SmallVector<Kernel> kernels;
  for (Operation &op : body) {
    if (isBookkeeping(&op))
      continue;
    StringRef kind;
    if (op.getNumRegions() || isa<linalg::LinalgOp>(op))
      kind = classify({&op});
    llvm::SmallPtrSet<Value, 4> written;
    for (Value v : writes[&op])
      if (!shared.contains(v))
        written.insert(v);
    if (!kernels.empty()) {
      Kernel &k = kernels.back();
      bool sameBuffer = written.empty() || k.written.empty() ||
                        llvm::any_of(written, [&](Value v) {
                          return k.written.contains(v);
                        });
      if (k.loc == op.getLoc() && sameBuffer &&
          (kind.empty() || k.kind.empty() || kind == k.kind)) {
        k.last = &op;
        k.ops.push_back(&op);
        k.written.insert(written.begin(), written.end());
        if (k.kind.empty())
          k.kind = kind;
        continue;
      }
    }
    kernels.push_back({&op, &op, op.getLoc(), kind, {&op}, written});
  }
  for (Kernel &k : kernels)
    if (k.kind.empty())
      k.kind = classify(k.ops);
  return kernels;
}

struct InstrumentKernelsPass
    : tcc::impl::InstrumentKernelsPassBase<InstrumentKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    for (StringRef name : {kBegin, kEnd, kNames, kCount})
      if (SymbolTable::lookupSymbolIn(module, name)) {
        module.emitError("the module is already instrumented (it defines @")
            << name << ")";
        return signalPassFailure();
      }

    SmallVector<func::FuncOp> functions;
    for (auto f : module.getOps<func::FuncOp>())
      if (!f.isExternal() && f.isPublic())
        functions.push_back(f);
    if (functions.empty())
      return;

    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    Location unknown = UnknownLoc::get(ctx);
    auto i32 = b.getI32Type();
    auto hookType = b.getFunctionType({i32}, {});
    for (StringRef name : {kBegin, kEnd}) {
      auto decl = func::FuncOp::create(b, unknown, name, hookType);
      decl.setPrivate();
    }

    // One line per id: function, kind, node names.
    std::string table;
    int32_t next = 0;
    auto call = [&](OpBuilder &b, Location loc, StringRef hook, int32_t id) {
      Value v = arith::ConstantIntOp::create(b, loc, id, 32);
      func::CallOp::create(b, loc, hook, TypeRange{}, ValueRange{v});
    };
    for (func::FuncOp f : functions) {
      if (!f.getBody().hasOneBlock()) {
        f.emitWarning("not profiled: the body has several blocks");
        continue;
      }
      Block &body = f.getBody().front();
      int32_t whole = next++;
      table += (f.getName() + "\tstep\t\n").str();
      for (Kernel &k : findKernels(body)) {
        int32_t id = next++;
        table +=
            (f.getName() + "\t" + k.kind + "\t" + describe(k.loc) + "\n").str();
        OpBuilder kb(k.first);
        call(kb, k.loc, kBegin, id);
        kb.setInsertionPointAfter(k.last);
        call(kb, k.loc, kEnd, id);
      }
      OpBuilder fb = OpBuilder::atBlockBegin(&body);
      call(fb, f.getLoc(), kBegin, whole);
      fb.setInsertionPoint(body.getTerminator());
      call(fb, f.getLoc(), kEnd, whole);
    }

    // NUL-terminated, so the runtime can read it as a C string.
    table.push_back('\0');
    auto tableType = LLVM::LLVMArrayType::get(b.getI8Type(), table.size());
    LLVM::GlobalOp::create(b, unknown, tableType, /*isConstant=*/true,
                           LLVM::Linkage::External, kNames,
                           b.getStringAttr(table));
    LLVM::GlobalOp::create(b, unknown, i32, /*isConstant=*/true,
                           LLVM::Linkage::External, kCount,
                           b.getI32IntegerAttr(next));
  }
};
} // namespace
