//===- PlanBuffers.cpp - static memory plan of bufferized functions ------===//
//
// Every statically shaped `memref.alloc` of a function's entry block whose
// buffer does not leave the function becomes a `memref.view` into one arena
// per function, an uninitialized `memref.global` (static storage: the
// function then allocates nothing, and is not reentrant). Buffers live from
// their allocation to the entry-block op holding their last use (a loop
// keeps what it uses for its whole duration); buffers whose lifetimes are
// disjoint share bytes. Offsets are assigned largest buffer first, each at
// the lowest aligned offset free for its whole lifetime.
//
//===----------------------------------------------------------------------===//

#include "tcc/Transforms/Passes.h"

#include "BufferAliases.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::tcc {
#define GEN_PASS_DEF_PLANBUFFERSPASS
#include "tcc/Transforms/Passes.h.inc"
} // namespace mlir::tcc

using namespace mlir;
using namespace mlir::tcc;

namespace {
struct Buffer {
  memref::AllocOp alloc;
  int64_t size = 0, alignment = 1;
  int64_t start = 0, end = 0; // entry-block positions, inclusive
  int64_t offset = -1;
  SmallVector<Operation *> deallocs;
};
} // namespace

static constexpr int64_t kArenaAlignment = 64;

static int64_t alignTo(int64_t x, int64_t a) { return (x + a - 1) / a * a; }

/// Bytes of a static, identity-layout memref of integers, floats or
/// indices; nullopt for anything else.
static std::optional<int64_t> bufferBytes(MemRefType type) {
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
      type.getMemorySpace())
    return std::nullopt;
  Type elem = type.getElementType();
  int64_t bytes = elem.isIndex() ? 8 : 0;
  if (elem.isIntOrFloat())
    bytes = (int64_t(elem.getIntOrFloatBitWidth()) + 7) / 8;
  if (bytes == 0)
    return std::nullopt;
  return std::max<int64_t>(type.getNumElements() * bytes, 1);
}

/// The lifetime and size of `alloc`, or nullopt when it cannot be planned.
static std::optional<Buffer> describe(memref::AllocOp alloc,
                                      const BlockOrder &order) {
  std::optional<int64_t> bytes = bufferBytes(alloc.getType());
  if (!bytes || !alloc.getDynamicSizes().empty() || !alloc.getSymbolOperands().empty())
    return std::nullopt;
  Buffer b;
  b.alloc = alloc;
  b.size = alignTo(*bytes, kArenaAlignment);
  b.alignment = std::max<int64_t>(kArenaAlignment, alloc.getAlignment().value_or(1));
  b.start = b.end = order.position(alloc);
  bool escapes = false;
  for (Value alias : collectAliases(alloc, escapes))
    for (Operation *user : alias.getUsers()) {
      if (isa<memref::DeallocOp>(user)) {
        b.deallocs.push_back(user);
        continue;
      }
      int64_t at = order.position(user);
      if (at < b.start)
        return std::nullopt;
      b.end = std::max(b.end, at);
    }
  if (escapes)
    return std::nullopt;
  return b;
}

/// Assigns offsets (largest first, lowest free offset); returns the size.
static int64_t pack(MutableArrayRef<Buffer> buffers) {
  SmallVector<Buffer *> order;
  for (Buffer &b : buffers)
    order.push_back(&b);
  llvm::stable_sort(order, [](Buffer *a, Buffer *b) { return a->size > b->size; });
  SmallVector<Buffer *> placed;
  int64_t total = 0;
  for (Buffer *b : order) {
    SmallVector<std::pair<int64_t, int64_t>> busy; // [offset, end) in bytes
    for (Buffer *p : placed)
      if (p->start <= b->end && b->start <= p->end)
        busy.push_back({p->offset, p->offset + p->size});
    llvm::sort(busy);
    int64_t offset = 0;
    for (auto [lo, hi] : busy) {
      if (offset + b->size <= lo)
        break;
      offset = std::max(offset, alignTo(hi, b->alignment));
    }
    b->offset = offset;
    total = std::max(total, offset + b->size);
    placed.push_back(b);
  }
  return total;
}

/// Plans `f`'s buffers into a new global `@__tcc_arena_<f>`, which carries
/// `tcc.unshared_bytes` (what the buffers would take without sharing) and
/// `tcc.buffers` (how many it holds) for reports.
static void planFunction(func::FuncOp f, SymbolTable &symbols) {
  if (f.isExternal() || !f.getBody().hasOneBlock())
    return;
  Block &entry = f.front();
  BlockOrder order(entry);
  SmallVector<Buffer> buffers;
  int64_t unshared = 0, alignment = kArenaAlignment;
  for (auto alloc : entry.getOps<memref::AllocOp>())
    if (std::optional<Buffer> b = describe(alloc, order)) {
      unshared += b->size;
      alignment = std::max(alignment, b->alignment);
      buffers.push_back(std::move(*b));
    }
  if (buffers.empty())
    return;
  int64_t total = pack(buffers);

  MLIRContext *ctx = f.getContext();
  OpBuilder b(ctx);
  b.setInsertionPoint(f);
  auto arenaType = MemRefType::get({total}, IntegerType::get(ctx, 8));
  auto global = memref::GlobalOp::create(
      b, f.getLoc(), ("__tcc_arena_" + f.getName()).str(),
      b.getStringAttr("private"), arenaType, b.getUnitAttr(),
      /*constant=*/false, b.getI64IntegerAttr(alignment));
  symbols.insert(global); // renames it on a clash
  global->setAttr("tcc.unshared_bytes", b.getI64IntegerAttr(unshared));
  global->setAttr("tcc.buffers", b.getI64IntegerAttr(int64_t(buffers.size())));

  b.setInsertionPointToStart(&entry);
  Value arena = memref::GetGlobalOp::create(b, f.getLoc(), arenaType,
                                            global.getSymName());
  llvm::DenseMap<int64_t, Value> offsets;
  for (Buffer &buf : buffers) {
    Value &offset = offsets[buf.offset];
    if (!offset)
      offset = arith::ConstantIndexOp::create(b, f.getLoc(), buf.offset);
  }
  for (Buffer &buf : buffers) {
    b.setInsertionPoint(buf.alloc);
    Value view = memref::ViewOp::create(b, buf.alloc.getLoc(), buf.alloc.getType(),
                                        arena, offsets[buf.offset], ValueRange());
    buf.alloc.replaceAllUsesWith(view);
    for (Operation *dealloc : buf.deallocs)
      dealloc->erase();
    buf.alloc.erase();
  }
}

namespace {
struct PlanBuffersPass : tcc::impl::PlanBuffersPassBase<PlanBuffersPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    for (auto f : llvm::to_vector(module.getOps<func::FuncOp>()))
      planFunction(f, symbols);
  }
};
} // namespace
