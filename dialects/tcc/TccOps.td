//===- TccOps.td - tcc operations -------------------------*- tablegen -*-===//
//
// All ops are pure functions of ranked, statically shaped tensors. Ops whose
// result type follows from operands and attributes infer it (so builders
// need no result type); the rest state it and verify it.
//
//===----------------------------------------------------------------------===//

#ifndef TCC_OPS_TD
#define TCC_OPS_TD

include "TccBase.td"
include "TccInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"

include "TccElementwiseOps.td"
include "TccNNOps.td"
include "TccShapeOps.td"

#endif // TCC_OPS_TD
