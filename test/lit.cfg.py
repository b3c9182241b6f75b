# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "TCC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test", ".py"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "Inputs"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.tcc_obj_root, "test")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.tcc_tools_dir, append_path=True)

# Tests use Debian's interpreter: it has python3-onnx, -numpy and -torch.
python = "/usr/bin/python3"
config.substitutions.append(("%python", python))
config.substitutions.append(("%tcc_python", os.path.join(config.tcc_src_root, "python")))
config.environment["PYTHONPATH"] = os.path.join(config.tcc_src_root, "python")
config.environment["PYTHONDONTWRITEBYTECODE"] = "1"

tools = ["tcc-opt", "tcc-import", "tcc-run", "tcc-compile"]
llvm_config.add_tool_substitutions(tools, [config.tcc_tools_dir])
