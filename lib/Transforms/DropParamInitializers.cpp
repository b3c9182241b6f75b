//===- DropParamInitializers.cpp - erase parameter initial values --------===//

#include "tcc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::tcc {
#define GEN_PASS_DEF_DROPPARAMINITIALIZERSPASS
#include "tcc/Transforms/Passes.h.inc"
} // namespace mlir::tcc

using namespace mlir;

namespace {
struct DropParamInitializersPass
    : tcc::impl::DropParamInitializersPassBase<DropParamInitializersPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::SmallDenseSet<StringAttr> initializers;
    for (auto func : module.getOps<func::FuncOp>()) {
      for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i) {
        if (auto ref = func.getArgAttrOfType<FlatSymbolRefAttr>(
                i, tcc::kParamAttrName))
          initializers.insert(ref.getAttr());
        func.removeArgAttr(i, tcc::kParamAttrName);
        func.removeArgAttr(i, tcc::kInputAttrName);
      }
      for (unsigned i = 0, e = func.getNumResults(); i < e; ++i)
        func.removeResultAttr(i, StringAttr::get(&getContext(),
                                                 tcc::kOutputAttrName));
    }
    for (auto global :
         llvm::make_early_inc_range(module.getOps<ml_program::GlobalOp>()))
      if (initializers.contains(global.getSymNameAttr()) &&
          SymbolTable::symbolKnownUseEmpty(global, module))
        global.erase();
  }
};
} // namespace
