//===- TrainingCompiler.cpp - ONNX model to a training program -----------===//
//
//   import ─► tcc-append-loss ─► tcc-autodiff ─► tcc-optimizer ─► canonicalize/CSE
//          ─► (--emit=mlir)  ─► tcc-cpu-pipeline ─► LLVM IR ─► host object (--emit=obj)
//          ─► + C glue (Model.h tables, wrappers, .incbin data) ─► cc ─► link with
//             the trainer runtime (--emit=exe, --emit=lib)
//
// Passes are looked up by name in the pass registry, so the driver needs no
// header of theirs (tcc::registerAllPasses must have run).
//
//===----------------------------------------------------------------------===//

#include "tcc/Compiler/TrainingCompiler.h"

#include "ModelGlue.h"
#include "Report.h"

#include "tcc/Import/ONNXImporter.h"
#include "tcc/Target/CPU/ObjectEmitter.h"
#include "tcc/Target/CPU/Pipeline.h"
#include "tcc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Threading.h"

using namespace mlir;
using namespace mlir::tcc;

//===----------------------------------------------------------------------===//
// The tcc-level training module
//===----------------------------------------------------------------------===//

/// Runs `pipeline` (passes on the module, without the builtin.module anchor).
/// Prints the IR after each pass named `name` ("all": every pass) to stderr;
/// `matched` records whether any did.
static void enableDumpAfter(PassManager &pm, const std::string &name,
                            std::shared_ptr<bool> matched) {
  if (name.empty())
    return;
  pm.getContext()->disableMultithreading();
  pm.enableIRPrinting(
      [](Pass *, Operation *) { return false; },
      [name, matched](Pass *pass, Operation *) {
        bool hit = name == "all" || pass->getArgument() == name;
        *matched |= hit;
        return hit;
      },
      /*printModuleScope=*/true, /*printAfterOnlyOnChange=*/false);
}

static LogicalResult runPipeline(ModuleOp module, StringRef pipeline,
                                 const CompileOptions &opts,
                                 std::shared_ptr<bool> matched,
                                 TimingScope &timing) {
  PassManager pm(module.getContext());
  pm.enableTiming(timing);
  std::string error;
  llvm::raw_string_ostream errs(error);
  if (failed(parsePassPipeline(pipeline, pm, errs)))
    return module.emitError("cannot build the training pipeline '")
           << pipeline << "': " << error;
  enableDumpAfter(pm, opts.dumpIRAfter, matched);
  return pm.run(module);
}

/// Removes the intermediate functions (forward, loss, gradients) once the
/// steps no longer call them: only the steps are compiled.
static void eraseUnusedFunctions(ModuleOp module) {
  bool changed = true;
  while (changed) {
    changed = false;
    for (auto f : llvm::make_early_inc_range(module.getOps<func::FuncOp>())) {
      if (f.getName() == "train_step" || f.getName() == "eval_step" ||
          !SymbolTable::symbolKnownUseEmpty(f, module))
        continue;
      f.erase();
      changed = true;
    }
  }
}

/// Moves @forward_eval of `from` into `into`, with the globals `into` lacks
/// (parameters are shared by name). Tensors that training updates as state
/// (BatchNorm's running statistics) are plain initializers, so parameters,
/// to an inference import: they are marked state there too, so that
/// tcc-optimizer matches them with @train_step's state.
static void mergeEvalFunction(ModuleOp into, ModuleOp from) {
  auto train = into.lookupSymbol<func::FuncOp>("forward");
  auto eval = from.lookupSymbol<func::FuncOp>("forward_eval");
  llvm::StringSet<> state;
  for (unsigned i = 0; train && i < train.getNumArguments(); ++i)
    if (auto ref = train.getArgAttrOfType<FlatSymbolRefAttr>(i, kStateAttrName))
      state.insert(ref.getValue());
  for (unsigned i = 0; eval && i < eval.getNumArguments(); ++i) {
    auto ref = eval.getArgAttrOfType<FlatSymbolRefAttr>(i, kParamAttrName);
    if (ref && state.contains(ref.getValue())) {
      eval.removeArgAttr(i, kParamAttrName);
      eval.setArgAttr(i, kStateAttrName, ref);
    }
  }
  SymbolTable symbols(into);
  for (Operation &op : llvm::make_early_inc_range(from.getBody()->getOperations())) {
    auto sym = dyn_cast<SymbolOpInterface>(&op);
    if (!sym || symbols.lookup(sym.getName()))
      continue;
    op.remove();
    symbols.insert(&op);
  }
}

/// The model as a module with @forward (training semantics) and, for an
/// ONNX model, @forward_eval (inference semantics: BatchNorm's running
/// statistics, no Dropout), which tcc-optimizer uses for @eval_step.
static OwningOpRef<ModuleOp> loadModel(MLIRContext *ctx,
                                       const CompileOptions &opts) {
  if (StringRef(opts.modelPath).ends_with(".mlir"))
    return parseSourceFile<ModuleOp>(opts.modelPath, ctx);
  ONNXImportOptions importOpts;
  if (opts.config.batch > 0)
    importOpts.batch = opts.config.batch;
  OwningOpRef<ModuleOp> module = importONNXModel(ctx, opts.modelPath, importOpts);
  if (!module)
    return nullptr;
  importOpts.inference = true;
  importOpts.functionName = "forward_eval";
  OwningOpRef<ModuleOp> eval = importONNXModel(ctx, opts.modelPath, importOpts);
  if (!eval)
    return nullptr;
  mergeEvalFunction(*module, *eval);
  return module;
}

static OwningOpRef<ModuleOp>
buildTrainingModule(MLIRContext *ctx, const CompileOptions &opts,
                    std::shared_ptr<bool> matched, bool &prebuilt,
                    TimingScope &timing) {
  TimingScope importing = timing.nest("import");
  OwningOpRef<ModuleOp> module = loadModel(ctx, opts);
  if (!module)
    return nullptr;
  importing.stop();
  prebuilt = bool(module->lookupSymbol<func::FuncOp>("train_step"));
  if (opts.dumpIRAfter == "import" || opts.dumpIRAfter == "all") {
    llvm::errs() << "// -----// IR Dump After import //----- //\n";
    module->print(llvm::errs());
    *matched = true;
  }
  // A .mlir file may already be a training module.
  if (!prebuilt) {
    if (!module->lookupSymbol<func::FuncOp>("forward")) {
      emitError(module->getLoc(), "'") << opts.modelPath
                                       << "' has no @forward function";
      return nullptr;
    }
    std::string pipeline = "tcc-append-loss{" + opts.config.lossPassOptions("forward") + "},";
    if (module->lookupSymbol<func::FuncOp>("forward_eval"))
      pipeline += "tcc-append-loss{" + opts.config.lossPassOptions("forward_eval") + "},";
    pipeline += "tcc-autodiff{function=forward_loss},tcc-optimizer{" +
        opts.config.optimizerPassOptions() + "}";
    TimingScope training = timing.nest("training passes");
    if (failed(runPipeline(*module, pipeline, opts, matched, training)))
      return nullptr;
  }
  eraseUnusedFunctions(*module);
  TimingScope cleanup = timing.nest("cleanup");
  if (failed(runPipeline(*module, "canonicalize,cse", opts,
                         matched, cleanup)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> tcc::buildTrainingModule(MLIRContext *ctx,
                                               const CompileOptions &opts) {
  bool prebuilt = false;
  TimingScope untimed;
  return ::buildTrainingModule(ctx, opts, std::make_shared<bool>(false),
                               prebuilt, untimed);
}

static void warnIfNoDump(Location loc, const CompileOptions &opts,
                         bool matched) {
  if (!matched && !opts.dumpIRAfter.empty())
    emitWarning(loc, "--dump-ir-after: no pass named '")
        << opts.dumpIRAfter << "' ran";
}

//===----------------------------------------------------------------------===//
// Files and tools
//===----------------------------------------------------------------------===//

namespace {
/// A scratch directory removed on destruction (unless kept for debugging).
struct TempDir {
  SmallString<128> path;
  bool keep = false;
  ~TempDir() {
    if (!path.empty() && !keep)
      llvm::sys::fs::remove_directories(path);
    else if (!path.empty())
      llvm::errs() << "tcc-compile: note: temporary files kept in " << path
                   << "\n";
  }
};

/// An output written beside its final path and renamed into place only when
/// everything succeeded, so a failed compilation never touches OUT.
struct PendingOutput {
  std::string finalPath;
  SmallString<128> tempPath;
  bool committed = false;
  ~PendingOutput() {
    if (!committed && !tempPath.empty())
      llvm::sys::fs::remove(tempPath);
  }
};
} // namespace

static LogicalResult reserve(Location loc, StringRef finalPath,
                             PendingOutput &out) {
  out.finalPath = finalPath.str();
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(
          finalPath + ".tmp-%%%%%%", out.tempPath))
    return emitError(loc, "cannot create a file beside '")
           << finalPath << "': " << ec.message();
  return success();
}

static LogicalResult writeFile(Location loc, StringRef path, StringRef data) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (!ec) {
    os << data;
    os.close();
    ec = os.error();
  }
  if (ec)
    return emitError(loc, "cannot write '") << path << "': " << ec.message();
  return success();
}

static LogicalResult commit(Location loc, PendingOutput &out, bool executable) {
  if (executable)
    llvm::sys::fs::setPermissions(out.tempPath, llvm::sys::fs::all_read |
                                                    llvm::sys::fs::all_exe |
                                                    llvm::sys::fs::owner_write);
  if (std::error_code ec = llvm::sys::fs::rename(out.tempPath, out.finalPath))
    return emitError(loc, "cannot write '")
           << out.finalPath << "': " << ec.message();
  out.committed = true;
  return success();
}

/// A tool run as a child process; its own diagnostics go to our stderr. One
/// never finished (an error elsewhere came first) is waited for on
/// destruction, so no temporary file it uses disappears under it.
struct ToolRun {
  llvm::sys::ProcessInfo process;
  std::string command;
  bool running = false;

  ToolRun() = default;
  ToolRun(const ToolRun &) = delete;
  ToolRun &operator=(const ToolRun &) = delete;
  ~ToolRun() {
    if (running)
      llvm::sys::Wait(process, std::nullopt);
  }

  LogicalResult start(Location loc, StringRef tool, ArrayRef<std::string> args) {
    auto program = llvm::sys::findProgramByName(tool);
    if (!program)
      return emitError(loc, "cannot find the program '")
             << tool << "' (set TCC_CC / TCC_CXX)";
    SmallVector<StringRef> argv{*program};
    for (const std::string &a : args)
      argv.push_back(a);
    command = llvm::join(argv, " ");
    std::string error;
    bool failedToStart = false;
    process = llvm::sys::ExecuteNoWait(*program, argv, std::nullopt, {}, 0,
                                       &error, &failedToStart);
    if (failedToStart)
      return emitError(loc, "command failed (") << error << "): " << command;
    running = true;
    return success();
  }

  LogicalResult finish(Location loc) {
    std::string error;
    llvm::sys::ProcessInfo done = llvm::sys::Wait(process, std::nullopt, &error);
    running = false;
    if (done.ReturnCode != 0)
      return emitError(loc, "command failed (")
             << (error.empty() ? "exit code " + std::to_string(done.ReturnCode)
                               : error)
             << "): " << command;
    return success();
  }
};

/// Runs a tool to completion.
static LogicalResult runTool(Location loc, StringRef tool,
                             ArrayRef<std::string> args) {
  ToolRun run;
  if (failed(run.start(loc, tool, args)))
    return failure();
  return run.finish(loc);
}

/// The runtime's link line: `tcc-trainer-link.txt` in the runtime lib dir,
/// one archive or linker flag per line (generated by CMake).
static FailureOr<std::vector<std::string>>
readRuntimeLinkLine(Location loc, const CompileOptions &opts) {
  SmallString<256> path(opts.runtimeLibDir);
  llvm::sys::path::append(path, "tcc-trainer-link.txt");
  auto buf = llvm::MemoryBuffer::getFile(path);
  if (!buf)
    return emitError(loc, "the trainer runtime is not available: cannot read '")
           << path << "' (" << buf.getError().message()
           << "); set TCC_RUNTIME_LIB_DIR to the directory holding it";
  std::vector<std::string> items;
  SmallVector<StringRef> lines;
  (*buf)->getBuffer().split(lines, '\n', -1, false);
  for (StringRef l : lines)
    if (!l.trim().empty())
      items.push_back(l.trim().str());
  for (const std::string &item : items)
    if (!StringRef(item).starts_with("-") && !llvm::sys::fs::exists(item))
      return emitError(loc, "the trainer runtime library '")
             << item << "' does not exist (build the TccTrainer target)";
  return items;
}

//===----------------------------------------------------------------------===//
// Lowering and linking
//===----------------------------------------------------------------------===//

/// Lowers `module` to host objects: one for --emit=obj, else one per
/// code generation thread (the linker joins them).
static LogicalResult lowerToObjects(ModuleOp module, const CompileOptions &opts,
                                    std::shared_ptr<bool> matched,
                                    TimingScope &timing,
                                    SmallVectorImpl<SmallVector<char, 0>> &objects) {
  MLIRContext *ctx = module.getContext();
  // The runtime has read the tcc.* annotations; LLVM has no use for them.
  auto tccNames = [](DictionaryAttr dict) {
    SmallVector<StringAttr> names;
    if (dict)
      for (NamedAttribute a : dict.getValue())
        if (a.getName().strref().starts_with("tcc."))
          names.push_back(a.getName());
    return names;
  };
  for (auto f : module.getOps<func::FuncOp>()) {
    for (unsigned i = 0; i < f.getNumArguments(); ++i)
      for (StringAttr name : tccNames(f.getArgAttrDict(i)))
        f.removeArgAttr(i, name);
    for (unsigned i = 0; i < f.getNumResults(); ++i)
      for (StringAttr name : tccNames(f.getResultAttrDict(i)))
        f.removeResultAttr(i, name);
  }
  for (StringRef name : {"train_step", "eval_step"})
    if (auto f = module.lookupSymbol<func::FuncOp>(name))
      f->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(), UnitAttr::get(ctx));
  PassManager pm(ctx);
  CpuPipelineOptions cpu;
  cpu.profile = opts.profile;
  buildTccCpuPipeline(pm, cpu);
  enableDumpAfter(pm, opts.dumpIRAfter, matched);
  TimingScope lowering = timing.nest("CPU pipeline");
  pm.enableTiming(lowering);
  if (failed(pm.run(module)))
    return failure();
  lowering.stop();
  warnIfNoDump(module.getLoc(), opts, *matched);
  ObjectEmitterOptions emitOpts;
  if (opts.emit != EmitKind::Object)
    emitOpts.codegenThreads =
        std::clamp(llvm::hardware_concurrency().compute_thread_count(), 1u, 4u);
  emitOpts.timing = &timing;
  return emitHostObjects(module, objects, emitOpts);
}

static std::string headerPathFor(StringRef out) {
  StringRef base = out;
  if (base.ends_with(".so"))
    base = base.drop_back(3);
  return (base + ".h").str();
}

static std::string guardFor(StringRef headerPath) {
  std::string g = "TCC_MODEL_";
  for (char c : llvm::sys::path::stem(headerPath))
    g += llvm::isAlnum(c) ? llvm::toUpper(c) : '_';
  return g + "_H";
}

/// The C glue of an executable or library and its compile, which runs in
/// the background while LLVM generates the model's code.
struct GlueBuild {
  TempDir tmp; // first member: removed only after the compiler has exited
  std::vector<std::string> runtime;
  std::string modelName;
  SmallString<256> objectPath;
  ToolRun cc;
};

static LogicalResult startGlue(Location loc, const TrainingSignature &sig,
                               const CompileOptions &opts, bool prebuilt,
                               GlueBuild &glue) {
  bool lib = opts.emit == EmitKind::Library;
  auto runtime = readRuntimeLinkLine(loc, opts);
  if (failed(runtime))
    return failure();
  glue.runtime = std::move(*runtime);
  TempDir &tmp = glue.tmp;
  tmp.keep = opts.keepTemps;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory("tcc-compile", tmp.path))
    return emitError(loc, "cannot create a temporary directory: ")
           << ec.message();
  glue.objectPath = tmp.path;
  llvm::sys::path::append(glue.objectPath, "model_glue.o");

  GlueInputs in;
  in.modelName = llvm::sys::path::stem(opts.modelPath).str();
  glue.modelName = in.modelName;
  bool fromIR = StringRef(opts.modelPath).ends_with(".mlir");
  // A training module given as IR carries its own loss and optimizer.
  in.configText = fromIR && prebuilt ? "prebuilt training module\n"
                                     : opts.config.toText();
  if (!fromIR)
    in.onnxPath = opts.modelPath;
  in.withMain = !lib;
  in.withLibraryAPI = lib;
  auto glueC = writeModelGlue(loc, sig, in, tmp.path);
  if (failed(glueC))
    return failure();
  return glue.cc.start(loc, opts.cc,
                       {"-c", "-O2", "-fPIC", "-std=c11",
                        "-I" + opts.runtimeIncludeDir, *glueC, "-o",
                        glue.objectPath.str().str()});
}

static LogicalResult buildBinary(Location loc, const TrainingSignature &sig,
                                 ArrayRef<SmallVector<char, 0>> objects,
                                 const CompileOptions &opts, GlueBuild &glue) {
  bool lib = opts.emit == EmitKind::Library;
  const std::vector<std::string> &runtime = glue.runtime;
  std::vector<std::string> objPaths;
  for (const SmallVector<char, 0> &object : objects) {
    SmallString<256> objPath(glue.tmp.path);
    llvm::sys::path::append(objPath,
                            "model" + std::to_string(objPaths.size()) + ".o");
    if (failed(writeFile(loc, objPath, StringRef(object.data(), object.size()))))
      return failure();
    objPaths.push_back(objPath.str().str());
  }
  if (failed(glue.cc.finish(loc)))
    return failure();

  PendingOutput out, header;
  if (failed(reserve(loc, opts.outputPath, out)))
    return failure();
  std::vector<std::string> link;
  if (lib)
    link.push_back("-shared");
  link.insert(link.end(), objPaths.begin(), objPaths.end());
  link.push_back(glue.objectPath.str().str());
  // A shared library exports the whole C API, not only what the glue uses.
  if (lib && !runtime.empty())
    link.insert(link.end(), {"-Wl,--whole-archive", runtime.front(),
                             "-Wl,--no-whole-archive"});
  link.insert(link.end(), runtime.begin() + (lib && !runtime.empty()),
              runtime.end());
  link.insert(link.end(), {"-lm", "-o", out.tempPath.str().str()});
  if (failed(runTool(loc, opts.cxx, link)))
    return failure();
  if (lib) {
    std::string headerPath = headerPathFor(opts.outputPath);
    if (failed(reserve(loc, headerPath, header)) ||
        failed(writeFile(loc, header.tempPath,
                         generateLibraryHeader(sig, guardFor(headerPath),
                                               glue.modelName, opts.profile))) ||
        failed(commit(loc, header, false)))
      return failure();
  }
  return commit(loc, out, /*executable=*/true);
}

LogicalResult tcc::compileTrainingProgram(MLIRContext *ctx,
                                          const CompileOptions &opts,
                                          llvm::raw_ostream &out) {
  // --time-report: a tree of phases and passes, printed to stderr when
  // `timer` goes out of scope.
  DefaultTimingManager timer;
  timer.setEnabled(opts.timeReport);
  timer.setDisplayMode(DefaultTimingManager::DisplayMode::Tree);
  TimingScope timing = timer.getRootScope();
  auto matched = std::make_shared<bool>(false);
  bool prebuilt = false;
  OwningOpRef<ModuleOp> module =
      ::buildTrainingModule(ctx, opts, matched, prebuilt, timing);
  if (!module)
    return failure();
  Location loc = module->getLoc();
  auto sig = readTrainingSignature(*module);
  if (failed(sig))
    return failure();
  if (opts.report) {
    bool toStdout = !(opts.emit == EmitKind::MLIR && opts.outputPath == "-");
    printTrainingReport(*module, *sig, toStdout ? out : llvm::errs());
  }

  if (opts.emit == EmitKind::MLIR) {
    warnIfNoDump(loc, opts, *matched);
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(os);
    if (opts.outputPath == "-") {
      out << text;
      return success();
    }
    PendingOutput file;
    if (failed(reserve(loc, opts.outputPath, file)) ||
        failed(writeFile(loc, file.tempPath, text)))
      return failure();
    return commit(loc, file, false);
  }

  // The glue compiles on another core while LLVM generates code.
  GlueBuild glue;
  if (opts.emit != EmitKind::Object &&
      failed(startGlue(loc, *sig, opts, prebuilt, glue)))
    return failure();
  SmallVector<SmallVector<char, 0>, 2> objects;
  if (failed(lowerToObjects(*module, opts, matched, timing, objects)))
    return failure();
  if (opts.emit == EmitKind::Object) {
    ArrayRef<char> object = objects.front();
    PendingOutput file;
    if (failed(reserve(loc, opts.outputPath, file)) ||
        failed(writeFile(loc, file.tempPath,
                         StringRef(object.data(), object.size()))))
      return failure();
    return commit(loc, file, false);
  }
  TimingScope linking = timing.nest("C glue and link");
  return buildBinary(loc, *sig, objects, opts, glue);
}
