//===- Accumulators.h - register accumulators of contractions -*- C++ -*-===//
//
// The last step of tcc-cpu-tile-and-vectorize on contractions: each register
// tile's accumulator rows are loaded before its K loop, carried in
// registers, and stored after it. A contraction whose output a constant
// `linalg.fill` has just written starts its accumulators at that constant
// instead, and the fill goes.
//
//===----------------------------------------------------------------------===//

#ifndef TCC_LIB_TARGET_CPU_ACCUMULATORS_H
#define TCC_LIB_TARGET_CPU_ACCUMULATORS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::tcc::cpu {

/// Marks a contraction (then its tiles and their register K loops) and the
/// fill of its output with one id: the accumulators start at the fill's
/// value. Set on a contraction only if each register tile's K loop runs
/// over the whole reduction, or over the whole first K cache tile: the
/// tiles of the later K cache tiles lose the mark (they add to C).
constexpr StringLiteral kInitAttr = "tcc.cpu_init_from_fill";

/// The buffer a view (subview, cast, reshape) of `v` looks into; a
/// `memref.view` of a byte arena (a planned buffer) counts as a buffer.
Value rootBuffer(Value v);

/// Whether two root buffers may share memory: views of one arena do only
/// if their byte ranges overlap.
bool mayAlias(Value a, Value b);

/// The `linalg.fill` of a constant that writes exactly the output of `op`
/// before it in its block, with nothing but side-effect-free ops and views
/// in between; null if none.
linalg::FillOp initFill(linalg::LinalgOp op);

/// Keeps the register tiles' accumulators in registers across their K
/// loops, and unrolls these loops. K loops marked with `kInitAttr` start
/// from their fill's value; a fill goes if every tile of its contraction
/// did so (else it stays, and the accumulators' start is the same value).
void hoistAccumulators(func::FuncOp func);

} // namespace mlir::tcc::cpu

#endif // TCC_LIB_TARGET_CPU_ACCUMULATORS_H
