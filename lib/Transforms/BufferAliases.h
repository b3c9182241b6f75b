//===- BufferAliases.h - aliases and program order of buffers ---*- C++ -*-===//
//
// Shared by the passes that reason about bufferized functions
// (tcc-in-place-out-params, tcc-plan-buffers): which values may share a
// buffer, and where in a function's entry block each buffer is used.
//
//===----------------------------------------------------------------------===//

#ifndef TCC_LIB_TRANSFORMS_BUFFERALIASES_H
#define TCC_LIB_TRANSFORMS_BUFFERALIASES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Block.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::tcc {

/// `root` and every memref value that may share its buffer: results of ops
/// using an alias (views, casts, calls), block arguments of their regions,
/// and results of the ops whose regions yield an alias. Conservative by
/// construction. `escapes` is set when an alias leaves the function.
inline llvm::SetVector<Value> collectAliases(Value root, bool &escapes) {
  llvm::SetVector<Value> aliases;
  escapes = false;
  aliases.insert(root);
  auto addMemrefs = [&](auto values) {
    for (Value v : values)
      if (isa<BaseMemRefType>(v.getType()))
        aliases.insert(v);
  };
  for (size_t i = 0; i < aliases.size(); ++i) {
    for (Operation *user : aliases[i].getUsers()) {
      if (isa<func::ReturnOp>(user)) {
        escapes = true;
        continue;
      }
      addMemrefs(user->getResults());
      for (Region &region : user->getRegions())
        for (Block &block : region)
          addMemrefs(block.getArguments());
      Operation *parent = user->getParentOp();
      if (user->hasTrait<OpTrait::IsTerminator>() && parent &&
          !isa<func::FuncOp>(parent)) {
        addMemrefs(parent->getResults());
        for (Region &region : parent->getRegions())
          for (Block &block : region)
            addMemrefs(block.getArguments());
      }
    }
  }
  return aliases;
}

/// Positions of the ops of a block; an op nested in one of them takes its
/// ancestor's position (a buffer used in a loop is used for the whole loop).
class BlockOrder {
public:
  explicit BlockOrder(Block &block) : block(block) {
    int64_t i = 0;
    for (Operation &op : block)
      index[&op] = i++;
  }
  /// The position of `op` or of its ancestor in the block; -1 if outside.
  int64_t position(Operation *op) const {
    Operation *ancestor = block.findAncestorOpInBlock(*op);
    return ancestor ? index.lookup(ancestor) : -1;
  }
  Operation *ancestor(Operation *op) const {
    return block.findAncestorOpInBlock(*op);
  }

private:
  Block &block;
  llvm::DenseMap<Operation *, int64_t> index;
};

} // namespace mlir::tcc

#endif // TCC_LIB_TRANSFORMS_BUFFERALIASES_H
