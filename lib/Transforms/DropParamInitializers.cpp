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
    // Drops every `tcc.*` interface attribute of `attrs` (parameter, state,
    // input, label, gradient, ... annotations), remembering the globals
    // they name.
    auto strip = [&](DictionaryAttr attrs) -> DictionaryAttr {
      if (!attrs)
        return attrs;
      SmallVector<NamedAttribute> kept;
      for (NamedAttribute a : attrs) {
        if (!a.getName().strref().starts_with("tcc.")) {
          kept.push_back(a);
          continue;
        }
        if (auto ref = dyn_cast<FlatSymbolRefAttr>(a.getValue()))
          initializers.insert(ref.getAttr());
      }
      return DictionaryAttr::get(&getContext(), kept);
    };
    for (auto func : module.getOps<func::FuncOp>()) {
      SmallVector<DictionaryAttr> args, results;
      func.getAllArgAttrs(args);
      func.getAllResultAttrs(results);
      for (auto &a : args)
        a = strip(a);
      for (auto &r : results)
        r = strip(r);
      func.setAllArgAttrs(args);
      func.setAllResultAttrs(results);
    }
    for (auto global :
         llvm::make_early_inc_range(module.getOps<ml_program::GlobalOp>()))
      if (initializers.contains(global.getSymNameAttr()) &&
          SymbolTable::symbolKnownUseEmpty(global, module))
        global.erase();
  }
};
} // namespace
