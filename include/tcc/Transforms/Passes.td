//===- Passes.td - tcc transformation passes --------------*- tablegen -*-===//

#ifndef TCC_TRANSFORMS_PASSES_TD
#define TCC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def DropParamInitializersPass
    : Pass<"tcc-drop-param-initializers", "::mlir::ModuleOp"> {
  let summary = "Remove the initial values of parameters from the module";
  let description = [{
    Imported models keep each parameter's initial value in an
    `ml_program.global` named by the `tcc.param` attribute of the function
    argument that receives it. Once the runtime has taken the initial values
    (or when only code is wanted), this pass erases those globals and the
    `tcc.param` references to them, and the `tcc.input` / `tcc.output`
    names of graph inputs and outputs, leaving a module code generation can
    lower. Globals that are still used by an op are kept.
  }];
  let dependentDialects = ["::mlir::ml_program::MLProgramDialect"];
}

#endif // TCC_TRANSFORMS_PASSES_TD
