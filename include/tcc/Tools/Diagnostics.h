//===- Diagnostics.h - user-facing diagnostics for the tools ----*- C++ -*-===//
//
// Prints MLIR diagnostics as `tool: error: model.onnx: node 'x': message`,
// naming the ONNX file and node (op locations are NameLoc(node, file)).
//
//===----------------------------------------------------------------------===//

#ifndef TCC_TOOLS_DIAGNOSTICS_H
#define TCC_TOOLS_DIAGNOSTICS_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <string>

namespace mlir::tcc {

inline void printToolDiagnostic(llvm::StringRef tool, Diagnostic &diag) {
  Location loc = diag.getLocation();
  std::string name, file;
  if (auto n = dyn_cast<NameLoc>(loc)) {
    name = n.getName().str();
    loc = n.getChildLoc();
  }
  if (auto f = dyn_cast<FileLineColLoc>(loc)) {
    file = f.getFilename().str();
    if (f.getLine() > 0)
      file += ":" + std::to_string(f.getLine());
  }
  // Names in a corrupt model may hold any bytes: print them escaped.
  std::string msg;
  for (unsigned char c : diag.str()) {
    if (c >= 0x20 && c < 0x7f) {
      msg += char(c);
    } else {
      char hex[8];
      std::snprintf(hex, sizeof(hex), "\\x%02x", c);
      msg += hex;
    }
  }
  const char *severity = diag.getSeverity() == DiagnosticSeverity::Error ? "error"
                         : diag.getSeverity() == DiagnosticSeverity::Warning
                             ? "warning"
                             : "note";
  llvm::errs() << tool << ": " << severity << ": ";
  if (!file.empty())
    llvm::errs() << file << ": ";
  if (!name.empty() && msg.find("'" + name + "'") == std::string::npos)
    llvm::errs() << "node '" << name << "': ";
  llvm::errs() << msg << "\n";
  for (Diagnostic &note : diag.getNotes())
    printToolDiagnostic(tool, note);
}

/// Routes the context's diagnostics through printToolDiagnostic while alive.
class ToolDiagnosticHandler : public ScopedDiagnosticHandler {
public:
  ToolDiagnosticHandler(MLIRContext *ctx, llvm::StringRef tool)
      : ScopedDiagnosticHandler(ctx), tool(tool.str()) {
    setHandler([this](Diagnostic &d) {
      printToolDiagnostic(this->tool, d);
      return success();
    });
  }

private:
  std::string tool;
};

} // namespace mlir::tcc

#endif // TCC_TOOLS_DIAGNOSTICS_H
